package datastore_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestRemoveTemp: the temporary files of a writer killed mid-write (its
// process gone) are removed; a live writer's are kept, and so is every
// object.
func TestRemoveTemp(t *testing.T) {
	ctx := context.Background()
	s, l := newStore(t)
	ref, err := s.PutBlob(ctx, []byte("kept"))
	if err != nil {
		t.Fatal(err)
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(l.Root(), "data", ref.SHA[:2])
	gone := filepath.Join(dir, "."+ref.SHA+".tmp-"+strconv.Itoa(dead.Process.Pid)+"-7")
	live := filepath.Join(dir, ".other.tmp-"+strconv.Itoa(os.Getppid())+"-1")
	for _, p := range []string{gone, live} {
		if err := os.WriteFile(p, make([]byte, 100), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n, size, err := l.RemoveTemp(ctx, "")
	if err != nil || n != 1 || size != 100 {
		t.Fatalf("RemoveTemp: %d files, %d bytes, %v; want 1, 100", n, size, err)
	}
	if _, err := os.Stat(gone); !os.IsNotExist(err) {
		t.Errorf("the dead writer's file is still there: %v", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("the live writer's file was removed: %v", err)
	}
	if _, err := s.GetBlob(ctx, ref.SHA); err != nil {
		t.Errorf("the blob: %v", err)
	}
}
