package s3test_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/internal/s3test"
	"github.com/flowc-dev/flowc/runtime/datastore"
	_ "github.com/flowc-dev/flowc/runtime/datastore/s3store"
)

// TestS3rverBackend runs the S3 backend against s3rver: small and large
// (multipart) objects, listing, not-found, and a blob through the Store.
func TestS3rverBackend(t *testing.T) {
	srv := s3test.Start(t)
	srv.Setenv(t)
	ctx := context.Background()
	st, err := datastore.Open(ctx, srv.Root("unit"))
	if err != nil {
		t.Fatal(err)
	}
	b := st.Backend()
	if err := b.Put(ctx, "F/1/_run.json", []byte("{}\n")); err != nil {
		t.Fatal(err)
	}
	if err := b.Put(ctx, "F/1/s/0/0.stdout.log", nil); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get(ctx, "F/1/s/0/0.stdout.log"); err != nil || len(got) != 0 {
		t.Fatalf("empty object: %q, %v", got, err)
	}
	keys, err := b.List(ctx, "F/")
	if err != nil || len(keys) != 1 || keys[0] != "F/1/" {
		t.Fatalf("List(F/) = %q, %v", keys, err)
	}
	if _, err := b.Get(ctx, "F/2/_run.json"); !errors.Is(err, datastore.ErrNotFound) {
		t.Fatalf("Get(missing) = %v, want ErrNotFound", err)
	}
	big := make([]byte, 40<<20)
	for i := range big {
		big[i] = byte(i * 7 / 3)
	}
	a, err := st.PutArtifact(ctx, big)
	if err != nil {
		t.Fatal(err)
	}
	var back []byte
	if err := st.GetArtifact(ctx, a, &back); err != nil || len(back) != len(big) {
		t.Fatalf("GetArtifact of %d bytes: %d bytes, %v", len(big), len(back), err)
	}
}

// TestS3rverListsDeepPrefixes pins the fix serve.js makes to s3rver's
// listing: keys two levels below the prefix show up as a common prefix.
func TestS3rverListsDeepPrefixes(t *testing.T) {
	srv := s3test.Start(t)
	srv.Setenv(t)
	ctx := context.Background()
	st, err := datastore.Open(ctx, srv.Root("deep"))
	if err != nil {
		t.Fatal(err)
	}
	b := st.Backend()
	for _, k := range []string{"W/1/_run.json", "W/1/Start/0/DONE.json", "W/1/Join/0/DONE.json", "W/latest_run", "data/aa/bb"} {
		if err := b.Put(ctx, k, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	for prefix, want := range map[string]string{
		"":     "W/ data/",
		"W/":   "W/1/ W/latest_run",
		"W/1/": "W/1/Join/ W/1/Start/ W/1/_run.json",
	} {
		keys, err := b.List(ctx, prefix)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(keys, " "); got != want {
			t.Errorf("List(%q) = %s, want %s", prefix, got, want)
		}
	}
}
