package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenProvider: each spec opens its provider, with its argument.
func TestOpenProvider(t *testing.T) {
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "kubeconfig")
	os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: dev, context: {cluster: c, user: u, namespace: team}}]
current-context: dev
`), 0o600)
	t.Setenv("KUBECONFIG", kubeconfig)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_REGION", "")
	for spec, want := range map[string]string{
		"env":              "the env files in " + filepath.Join(dir, "config", "flowc", "secrets"),
		"env:here":         "the env files in here",
		"kubernetes":       "Kubernetes namespace team (context dev)",
		"kubernetes:other": "Kubernetes namespace other (context dev)",
		"aws:eu-central-1": "AWS Secrets Manager in eu-central-1",
	} {
		p, err := openProvider(context.Background(), spec, "--secrets-provider")
		if err != nil {
			t.Errorf("%s: %v", spec, err)
			continue
		}
		if p.Name() != want {
			t.Errorf("%s: provider %q, want %q", spec, p.Name(), want)
		}
	}
	if _, err := openProvider(context.Background(), "vault:x", "FLOWC_SECRETS_PROVIDER"); err == nil || !strings.Contains(err.Error(), `FLOWC_SECRETS_PROVIDER="vault:x"`) {
		t.Errorf("vault: %v", err)
	}
}
