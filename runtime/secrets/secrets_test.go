package secrets

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestEnvName(t *testing.T) {
	for in, want := range map[string]string{
		"db-credentials": "DB_CREDENTIALS",
		"api token":      "API_TOKEN",
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf": "PROD_DB",
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:plain":          "PLAIN",
	} {
		if got := EnvName(in); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", in, got, want)
		}
	}
}

func writeEnv(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name+".env"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestEnvDir(t *testing.T) {
	dir := t.TempDir()
	writeEnv(t, dir, "db", "\xef\xbb\xbf# the test database\n\nDB_HOST=db.example\r\n  DB_PASSWORD=pa ss=\"word\"\n")
	got, err := EnvDir(dir).Get(context.Background(), "db")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"DB_HOST":"db.example","DB_PASSWORD":"pa ss=\"word\""}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	_, err = EnvDir(dir).Get(context.Background(), "missing")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "missing.env") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := EnvDir(dir).Get(context.Background(), "../db"); err == nil {
		t.Error("a reference with a / read a file outside the directory")
	}
}

// TestEnvFileErrorsHideValues: a malformed line is reported by file and
// line, and nothing of its text is printed.
func TestEnvFileErrorsHideValues(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"noequals": "OK=1\nhunter2-secret-value\n",
		"badkey":   "hunter2 secret value=x\n",
		"twice":    "K=hunter2-secret-value\nK=hunter2-secret-value\n",
	} {
		writeEnv(t, dir, name, content)
		_, err := EnvDir(dir).Get(context.Background(), name)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error shows the file's content: %v", name, err)
		}
		if !strings.Contains(err.Error(), name+".env:") {
			t.Errorf("%s: the error does not name file and line: %v", name, err)
		}
	}
}

func TestEnv(t *testing.T) {
	p := Static{"db-credentials": {"DB_HOST": "h", "DB_PASSWORD": "p"}, "api": {"TOKEN": "t"}}
	ctx := context.Background()
	got, err := Env(ctx, p, []string{"db-credentials", "api"}, true, []string{"HOME=/root"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`DB_CREDENTIALS={"DB_HOST":"h","DB_PASSWORD":"p"}`, `API={"TOKEN":"t"}`, JSONEnv + "=DB_CREDENTIALS,API", OverrideEnv + "=1"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got, err := Env(ctx, p, nil, false, nil); err != nil || got != nil {
		t.Errorf("no secrets: %q %v", got, err)
	}
	// A missing secret names the reference and where it was looked for.
	_, err = Env(ctx, p, []string{"nope"}, false, nil)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), p.Name()) {
		t.Errorf("missing: %v", err)
	}
	// Two references that make one variable, and a variable the task has.
	if _, err := Env(ctx, p, []string{"api", "API"}, false, nil); err == nil || !strings.Contains(err.Error(), "rename one") {
		t.Errorf("same variable: %v", err)
	}
	if _, err := Env(ctx, p, []string{"api"}, false, []string{"API=x"}); err == nil || !strings.Contains(err.Error(), "already has") {
		t.Errorf("variable taken: %v", err)
	}
}
