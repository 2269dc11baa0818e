// Package smtest is a Secrets Manager endpoint for tests: GetSecretValue
// in the service's own protocol (AWS JSON 1.1: a POST whose X-Amz-Target
// names the operation, a JSON body; errors as a JSON body with __type),
// which the real SDK client talks to. It serves secrets from a map and
// checks that each request is signed for secretsmanager.
package smtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Server starts the endpoint for the duration of t, serving stored
// (secret name to text); requests must be signed with access key
// AKIDTEST in region.
func Server(t testing.TB, region string, stored map[string]string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" ||
			r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
			t.Errorf("request %s %s target %q type %q", r.Method, r.URL, r.Header.Get("X-Amz-Target"), r.Header.Get("Content-Type"))
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if auth := r.Header.Get("Authorization"); !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDTEST/") || !strings.Contains(auth, "/"+region+"/secretsmanager/") {
			t.Errorf("Authorization %q: not signed for secretsmanager in %s", auth, region)
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
		json.NewEncoder(w).Encode(map[string]any{"ARN": "arn:aws:secretsmanager:" + region + ":123456789012:secret:" + in.SecretId + "-AbCdEf",
			"Name": in.SecretId, "SecretString": v, "VersionId": "v1", "VersionStages": []string{"AWSCURRENT"}, "CreatedDate": 1.7e9})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Env points the SDK's default configuration at srv with the test's
// credentials, and away from the machine's AWS files.
func Env(t *testing.T, srv *httptest.Server) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", srv.URL)
	t.Setenv("AWS_REGION", "")
}
