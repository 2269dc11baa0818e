package kubesecrets

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/runtime/secrets"
)

// apiServer is a Kubernetes API server (TLS, as client-go sends a token
// only over TLS) that serves the one request the
// provider makes, GET /api/v1/namespaces/NS/secrets/NAME, with Secrets and
// errors in the API's own JSON (a v1 Secret; a Status for a 404).
func apiServer(t *testing.T, stored map[string]map[string]string) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		var ns, name string
		if _, err := fmt.Sscanf(strings.ReplaceAll(r.URL.Path, "/", " "), " api v1 namespaces %s secrets %s", &ns, &name); err != nil || r.Method != http.MethodGet {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if got := r.Header.Get("Authorization"); got != "Bearer test-token" {
			t.Errorf("Authorization %q: the kubeconfig's token was not sent", got)
		}
		kv, ok := stored[ns+"/"+name]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure",
				"message": fmt.Sprintf("secrets %q not found", name), "reason": "NotFound",
				"details": map[string]any{"name": name, "kind": "secrets"}, "code": 404})
			return
		}
		data := map[string]string{}
		for k, v := range kv {
			data[k] = base64.StdEncoding.EncodeToString([]byte(v))
		}
		json.NewEncoder(w).Encode(map[string]any{"kind": "Secret", "apiVersion": "v1",
			"metadata": map[string]any{"name": name, "namespace": ns}, "type": "Opaque", "data": data})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// kubeconfig writes a kubeconfig whose current context reaches srv in
// namespace ns.
func kubeconfig(t *testing.T, srv *httptest.Server, ns string) string {
	path := filepath.Join(t.TempDir(), "config")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: %q, certificate-authority-data: %s}
users:
- name: test
  user: {token: test-token}
contexts:
- name: dev
  context: {cluster: test, user: test, namespace: %s}
current-context: dev
`, srv.URL, base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})), ns)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGet(t *testing.T) {
	srv := apiServer(t, map[string]map[string]string{
		"team/db-credentials":  {"DB_HOST": "db.example", "DB_PASSWORD": "p\"w"},
		"other/db-credentials": {"DB_HOST": "elsewhere"},
	})
	path := kubeconfig(t, srv, "team")
	p, err := New(path, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Namespace() != "team" || !strings.Contains(p.Name(), "context dev") {
		t.Errorf("namespace %q, name %q: want the context's", p.Namespace(), p.Name())
	}
	got, err := p.Get(context.Background(), "db-credentials")
	if want := `{"DB_HOST":"db.example","DB_PASSWORD":"p\"w"}`; err != nil || got != want {
		t.Errorf("Get = %s, %v; want %s", got, err, want)
	}
	_, err = p.Get(context.Background(), "nope")
	if !errors.Is(err, secrets.ErrNotFound) || !strings.Contains(err.Error(), "nope") || !strings.Contains(err.Error(), "team") {
		t.Errorf("missing Secret: %v", err)
	}
	// A namespace given replaces the context's.
	p, err = New(path, "", "other")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := p.Get(context.Background(), "db-credentials"); err != nil || got != `{"DB_HOST":"elsewhere"}` {
		t.Errorf("namespace other: %s, %v", got, err)
	}
}

func TestNoKubeconfig(t *testing.T) {
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "none"))
	t.Setenv("HOME", t.TempDir())
	if _, err := New("", "", ""); err == nil || !strings.Contains(err.Error(), "kubeconfig") {
		t.Errorf("err %v, want one about the kubeconfig", err)
	}
}
