package awssecrets

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/runtime/secrets"
)

// secretsManager is a Secrets Manager endpoint for GetSecretValue, in the
// service's protocol (AWS JSON 1.1: a POST whose X-Amz-Target names the
// operation; errors as a JSON body with __type), which the real SDK client
// below talks to.
func secretsManager(t *testing.T, stored map[string]string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" ||
			r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
			t.Errorf("request %s %s target %q type %q", r.Method, r.URL, r.Header.Get("X-Amz-Target"), r.Header.Get("Content-Type"))
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if auth := r.Header.Get("Authorization"); !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDTEST/") || !strings.Contains(auth, "/eu-west-1/secretsmanager/") {
			t.Errorf("Authorization %q: not signed for secretsmanager in eu-west-1", auth)
		}
		var in struct{ SecretId string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		v, ok := stored[in.SecretId]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"__type": "ResourceNotFoundException",
				"message": "Secrets Manager can't find the specified secret."})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:" + in.SecretId + "-AbCdEf",
			"Name": in.SecretId, "SecretString": v, "VersionId": "v1", "VersionStages": []string{"AWSCURRENT"}, "CreatedDate": 1.7e9})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestGet drives the SDK from its default configuration, as flowc does:
// credentials, region and endpoint from the environment.
func TestGet(t *testing.T) {
	srv := secretsManager(t, map[string]string{"db-credentials": `{"DB_HOST":"db.example","DB_PORT":5432}`, "token": "plain text"})
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", srv.URL)
	t.Setenv("AWS_REGION", "")
	ctx := context.Background()
	p, err := New(ctx, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.Get(ctx, "db-credentials"); err != nil || got != `{"DB_HOST":"db.example","DB_PORT":5432}` {
		t.Errorf("Get = %s, %v", got, err)
	}
	if got, err := p.Get(ctx, "token"); err != nil || got != "plain text" {
		t.Errorf("Get = %s, %v", got, err)
	}
	_, err = p.Get(ctx, "nope")
	if !errors.Is(err, secrets.ErrNotFound) || !strings.Contains(err.Error(), "nope") {
		t.Errorf("missing secret: %v", err)
	}
	// Split as the runner splits it, through secrets.Env.
	env, err := secrets.Env(ctx, p, []string{"db-credentials", "token"}, false, nil)
	if err != nil || len(env) != 3 || env[2] != secrets.JSONEnv+"=DB_CREDENTIALS,TOKEN" {
		t.Errorf("Env = %q, %v", env, err)
	}
}

func TestNoRegion(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	if _, err := New(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "region") {
		t.Errorf("err %v, want one asking for a region", err)
	}
}
