package exec_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
	"github.com/flowc-dev/flowc/runtime/secrets"
	"github.com/flowc-dev/flowc/runtime/secrets/awssecrets"
	"github.com/flowc-dev/flowc/runtime/secrets/awssecrets/smtest"
)

// TestSecretsNeverStored runs a step that reads two secrets from an env
// file provider: the step sees them, its artifacts prove it, and no byte
// of either value is anywhere under the datastore, nor in the run's
// output.
func TestSecretsNeverStored(t *testing.T) {
	const password, host, token = "pw-7f3a9c-never-stored", "db.secret-host.example", "tok-51e0b2-never-stored"
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name+".env"), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("db-credentials", "DB_HOST="+host+"\nDB_PASSWORD="+password+"\n")
	write("api-token", "API_TOKEN="+token+"\n")

	pkg := "testdata/secretflow"
	root := t.TempDir()
	var out bytes.Buffer
	res, err := exec.Run(context.Background(), exec.Options{Plan: mustPlan(t, pkg), PkgDir: pkg, Root: root, Out: &out, Secrets: secrets.EnvDir(dir)})
	if err != nil || res.Status != datastore.RunSucceeded {
		t.Fatalf("run: %v %v\n%s", err, res, out.String())
	}
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	p := datastore.TaskPath{Flow: "Secretive", Run: res.RunID, Step: "Use", Task: "0"}
	var sha string
	var n int
	var whole bool
	artifact(t, st, p, "PasswordSHA", &sha)
	artifact(t, st, p, "HostLen", &n)
	sum := sha256.Sum256([]byte(password))
	if sha != hex.EncodeToString(sum[:]) || n != len(host)+len(token) {
		t.Errorf("the step saw other values: sha %s, lengths %d", sha, n)
	}
	if err := st.GetArtifact(context.Background(), mustArtifact(t, st, p, "Whole"), &whole); err == nil && whole {
		t.Error("DB_CREDENTIALS, the whole secret, was still in the step's environment")
	}
	for _, v := range []string{password, host, token} {
		if strings.Contains(out.String(), v) {
			t.Errorf("the run's output holds a secret value %q", v)
		}
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, v := range []string{password, host, token} {
			if bytes.Contains(data, []byte(v)) {
				t.Errorf("%s holds a secret value %q", path, v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSecretMissing: a secret the provider lacks stops the run before it
// is recorded, naming the step and the secret.
func TestSecretMissing(t *testing.T) {
	pkg := "testdata/secretflow"
	root := t.TempDir()
	_, err := exec.Run(context.Background(), exec.Options{Plan: mustPlan(t, pkg), PkgDir: pkg, Root: root,
		Secrets: secrets.Static{"db-credentials": {"DB_PASSWORD": "x"}}})
	if err == nil || !strings.Contains(err.Error(), "step Use") || !strings.Contains(err.Error(), `"api-token"`) {
		t.Fatalf("err %v, want one naming step Use and secret api-token", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(root, "Secretive")); len(ents) > 0 {
		t.Errorf("a run was recorded: %v", ents)
	}
}

func mustArtifact(t *testing.T, st *datastore.Store, p datastore.TaskPath, name string) datastore.Artifact {
	t.Helper()
	d, err := st.ReadDone(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	arts, err := st.ReadArtifacts(context.Background(), p, d.Attempt)
	if err != nil {
		t.Fatal(err)
	}
	return arts[name]
}

// TestSecretsFromSecretsManager: a secret read from Secrets Manager (a
// JSON object, with a number) reaches the step split into its keys by the
// runner, as on AWS Batch; a plain-text secret stays whole in its variable.
func TestSecretsFromSecretsManager(t *testing.T) {
	const password = "pw-from-secrets-manager"
	srv := smtest.Server(t, "eu-west-1", map[string]string{
		"db-credentials": `{"DB_HOST": "db.example", "DB_PASSWORD": "` + password + `", "DB_PORT": 5432}`,
		"api-token":      "tok-plain",
	})
	smtest.Env(t, srv)
	p, err := awssecrets.New(context.Background(), "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	pkg := "testdata/secretflow"
	root := t.TempDir()
	var out bytes.Buffer
	res, err := exec.Run(context.Background(), exec.Options{Plan: mustPlan(t, pkg), PkgDir: pkg, Root: root, Out: &out, Secrets: p})
	if err != nil || res.Status != datastore.RunSucceeded {
		t.Fatalf("run: %v %v\n%s", err, res, out.String())
	}
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	tp := datastore.TaskPath{Flow: "Secretive", Run: res.RunID, Step: "Use", Task: "0"}
	var sha string
	var n int
	artifact(t, st, tp, "PasswordSHA", &sha)
	artifact(t, st, tp, "HostLen", &n)
	sum := sha256.Sum256([]byte(password))
	// HostLen is len(DB_HOST) + len(API_TOKEN): API_TOKEN is the whole
	// plain-text secret api-token.
	if sha != hex.EncodeToString(sum[:]) || n != len("db.example")+len("tok-plain") {
		t.Errorf("the step saw other values: sha %s, lengths %d", sha, n)
	}
}
