package ui_test

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/ui"
)

// TestIndexNamespace: the run list shows the namespace SetNamespace
// chose, ?namespace=NS another, ?namespace= every run.
func TestIndexNamespace(t *testing.T) {
	root := t.TempDir()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, r := range []struct{ id, user string }{{"100", "ana"}, {"200", "bob"}} {
		doc := datastore.Run{Flow: "Scores", RunID: r.id, User: r.user, Start: start, End: start.Add(time.Second), Status: datastore.RunSucceeded,
			SystemTags: []string{"user:" + r.user, "runtime:local", "project:fraud", "project_branch:user." + r.user}}
		if err := st.WriteRun(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
	}
	c, err := client.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ui.New(c)
	if err != nil {
		t.Fatal(err)
	}
	s.SetNamespace("user:ana")
	srv := httptest.NewServer(s)
	defer srv.Close()
	get := func(path string) string {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for _, tc := range []struct {
		path      string
		want, not []string
	}{
		{"/", []string{"Scores/100", "namespace <code>user:ana</code>"}, []string{"Scores/200"}},
		{"/?namespace=user:bob", []string{"Scores/200"}, []string{"Scores/100"}},
		{"/?namespace=project_branch:user.bob", []string{"Scores/200"}, []string{"Scores/100"}},
		{"/?namespace=", []string{"Scores/100", "Scores/200", "every namespace"}, nil},
		{"/?namespace=user:carol", []string{"No runs in namespace <code>user:carol</code>"}, []string{"Scores/100", "Scores/200"}},
	} {
		page := get(tc.path)
		for _, w := range tc.want {
			if !strings.Contains(page, w) {
				t.Errorf("GET %s: no %q", tc.path, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(page, n) {
				t.Errorf("GET %s: has %q", tc.path, n)
			}
		}
	}
}
