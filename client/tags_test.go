package client_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// TestConcurrentTagAdd: twenty writers adding a tag each to one run at
// once, each with a client of its own (as twenty `flowc tag add` are),
// lose none.
func TestConcurrentTagAdd(t *testing.T) {
	root := t.TempDir()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	run := datastore.Run{Flow: "Demo", RunID: "1", User: "ana", SystemTags: []string{"user:ana", "runtime:local"},
		Start: time.Now(), Status: datastore.RunSucceeded}
	if err := st.WriteRun(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	const writers = 20
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			c, err := client.Open(root)
			if err == nil {
				var r *client.Run
				if r, err = c.Namespace(client.Global).Flow("Demo").Run("1"); err == nil {
					err = r.AddTags(fmt.Sprintf("t%02d", i))
				}
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", i, err)
		}
	}
	got, err := st.ReadRun(context.Background(), "Demo", "1")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got.Tags)
	if len(got.Tags) != writers {
		t.Errorf("%d tags kept of %d added: %v", len(got.Tags), writers, got.Tags)
	}
}

// TestCheckTag: tags a terminal or a namespace would misread are refused,
// naming the tag.
func TestCheckTag(t *testing.T) {
	for _, tag := range []string{"", "a\nb", "tab\there", "\x1b[31mred", "bell\a", "del\x7f", "rtl\u202eevil", "user:root", "runtime:argo-workflows", "\xff",
		"project:fraud", "project_branch:prod", "production", "production:t0k"} {
		err := client.CheckTag(tag)
		if err == nil {
			t.Errorf("CheckTag(%q) accepted it", tag)
			continue
		}
		if tag != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", tag)) {
			t.Errorf("CheckTag(%q): %v does not name the tag", tag, err)
		}
	}
	for _, tag := range []string{"exp-7", "ünïcode ok", "users:plural", "a:b", "runtime", "production-candidate", "projects"} {
		if err := client.CheckTag(tag); err != nil {
			t.Errorf("CheckTag(%q): %v", tag, err)
		}
	}
}
