package task

import (
	"os"
	"strings"
	"testing"
)

func TestExpandSecrets(t *testing.T) {
	t.Setenv("DB_CREDENTIALS", `{"DB_HOST": "db.example", "DB_PORT": 5432}`)
	t.Setenv("PLAIN", "not json")
	t.Setenv(SecretsJSONEnv, "DB_CREDENTIALS,PLAIN")
	t.Setenv("DB_HOST", "")
	os.Unsetenv("DB_HOST")
	t.Setenv("DB_PORT", "")
	os.Unsetenv("DB_PORT")
	if err := expandSecrets(); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("DB_HOST") != "db.example" || os.Getenv("DB_PORT") != "5432" || os.Getenv("PLAIN") != "not json" {
		t.Errorf("DB_HOST %q DB_PORT %q PLAIN %q", os.Getenv("DB_HOST"), os.Getenv("DB_PORT"), os.Getenv("PLAIN"))
	}
	if _, ok := os.LookupEnv("DB_CREDENTIALS"); ok {
		t.Error("the whole JSON secret is still in DB_CREDENTIALS")
	}

	// A key that would replace a variable is refused, unless allowed.
	t.Setenv("S", `{"HOME": "/x"}`)
	t.Setenv(SecretsJSONEnv, "S")
	if err := expandSecrets(); err == nil || !strings.Contains(err.Error(), "allow_override") {
		t.Errorf("err %v, want a refusal naming allow_override", err)
	}
	t.Setenv("S", `{"HOME": "/x"}`)
	t.Setenv(SecretsJSONEnv, "S")
	t.Setenv(SecretsOverrideEnv, "1")
	if err := expandSecrets(); err != nil || os.Getenv("HOME") != "/x" {
		t.Errorf("err %v HOME %q", err, os.Getenv("HOME"))
	}

	// A secret the job did not get is an error.
	t.Setenv(SecretsJSONEnv, "MISSING_SECRET")
	if err := expandSecrets(); err == nil || !strings.Contains(err.Error(), "MISSING_SECRET") {
		t.Errorf("err %v, want MISSING_SECRET named", err)
	}
}
