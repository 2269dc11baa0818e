package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/internal/s3test"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// includeFlow is a flow with one flow.IncludedFile parameter whose default
// is rules.txt in dir, holding content.
func includeFlow(t *testing.T, dir, content string) *ir.Flow {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "rules.txt"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return &ir.Flow{Name: "Inc", Params: []ir.Param{{Name: "rules", Field: "Rules", Type: ir.File,
		Default: ir.IncludeRef("rules.txt", []byte(content)).JSON()}}}
}

// TestDeployStoresDefaults: deploy stores the default file's content in the
// target's datastore, under the hash the plan names; a file changed since
// the check is refused.
func TestDeployStoresDefaults(t *testing.T) {
	pkg, root := t.TempDir(), t.TempDir()
	f := includeFlow(t, pkg, "deny all\n")
	if err := storeDefaults(context.Background(), f, pkg, root); err != nil {
		t.Fatal(err)
	}
	st, err := datastore.Open(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	ref := ir.IncludeRef("rules.txt", []byte("deny all\n"))
	data, err := st.GetBlob(context.Background(), ref.SHA)
	if err != nil || string(data) != "deny all\n" {
		t.Fatalf("blob %s = %q, %v; want the default file's content", ref.SHA, data, err)
	}
	if err := os.WriteFile(filepath.Join(pkg, "rules.txt"), []byte("allow all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := storeDefaults(context.Background(), f, pkg, root); err == nil || !strings.Contains(err.Error(), "changed since") {
		t.Errorf("a default changed after the check: %v, want an error", err)
	}
}

// TestTriggerStoresGiven: a file given to trigger is stored in the
// deployment's S3 datastore and passed as its reference; a local root is
// refused, saying which setting to change.
func TestTriggerStoresGiven(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // no user config file
	pkg := t.TempDir()
	f := includeFlow(t, pkg, "deny all\n")
	mine := filepath.Join(t.TempDir(), "mine.txt")
	if err := os.WriteFile(mine, []byte("allow 443\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FLOWC_DATASTORE_ROOT", t.TempDir())
	err := includeGiven(context.Background(), f, map[string]string{"rules": mine})
	if ue := (usageError{}); !errors.As(err, &ue) || !strings.Contains(err.Error(), "FLOWC_DATASTORE_ROOT") {
		t.Errorf("a local root: %v, want a usage error naming FLOWC_DATASTORE_ROOT", err)
	}

	srv := s3test.Start(t)
	srv.Setenv(t)
	root := srv.Root("include")
	t.Setenv("FLOWC_DATASTORE_ROOT", root)
	given := map[string]string{"rules": mine}
	if err := includeGiven(context.Background(), f, given); err != nil {
		t.Fatal(err)
	}
	ref := ir.IncludeRef("mine.txt", []byte("allow 443\n"))
	if given["rules"] != string(ref.JSON()) {
		t.Errorf("value %s, want the reference %s", given["rules"], ref.JSON())
	}
	st, err := datastore.Open(context.Background(), root)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := st.GetBlob(context.Background(), ref.SHA); err != nil || string(data) != "allow 443\n" {
		t.Errorf("blob = %q, %v", data, err)
	}
	if err := includeGiven(context.Background(), f, map[string]string{"rules": "nope.txt"}); err == nil || !strings.Contains(err.Error(), "nope.txt") {
		t.Errorf("a missing file: %v, want an error naming it", err)
	}
}
