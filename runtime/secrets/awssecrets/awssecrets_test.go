package awssecrets

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/runtime/secrets"
	"github.com/flowc-dev/flowc/runtime/secrets/awssecrets/smtest"
)

// TestGet drives the SDK from its default configuration, as flowc does:
// credentials, region and endpoint from the environment.
func TestGet(t *testing.T) {
	srv := smtest.Server(t, "eu-west-1", map[string]string{"db-credentials": `{"DB_HOST":"db.example","DB_PORT":5432}`, "token": "plain text"})
	smtest.Env(t, srv)
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
