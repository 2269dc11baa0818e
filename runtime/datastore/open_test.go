package datastore_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

func TestScheme(t *testing.T) {
	for root, want := range map[string]string{
		"s3://bucket/prefix": "s3",
		"s3://bucket":        "s3",
		".flowc":             "",
		"/tmp/x":             "",
		"dir/with://inside":  "",
		"://nothing":         "",
		"":                   "",
	} {
		if got := datastore.Scheme(root); got != want {
			t.Errorf("Scheme(%q) = %q, want %q", root, got, want)
		}
	}
}

func TestOpenLocalAndUnknownScheme(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "store")
	st, err := datastore.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := st.Backend().(*datastore.Local); !ok || l.Root() != dir {
		t.Fatalf("Open(%s) gave backend %T, want a Local at the directory", dir, st.Backend())
	}
	_, err = datastore.Open(ctx, "gs://bucket/x")
	if err == nil || !strings.Contains(err.Error(), `unknown scheme "gs"`) {
		t.Fatalf("Open(gs://...) error = %v, want unknown scheme", err)
	}
}

func TestRegisterScheme(t *testing.T) {
	var got string
	datastore.RegisterScheme("memtest", func(_ context.Context, root string) (datastore.Backend, error) {
		got = root
		return datastore.NewLocal(t.TempDir())
	})
	if _, err := datastore.Open(context.Background(), "memtest://b/p"); err != nil {
		t.Fatal(err)
	}
	if got != "memtest://b/p" {
		t.Fatalf("opener got root %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("registering a scheme twice did not panic")
		}
	}()
	datastore.RegisterScheme("memtest", nil)
}
