package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
	"github.com/flowc-dev/flowc/ui"
)

// run runs the flow package in dir into the datastore at root; with wait
// false it returns at once and the run goes on in the background until the
// test ends (it is stopped and waited for then).
func run(t *testing.T, dir, root string, params map[string]json.RawMessage, wait bool) string {
	t.Helper()
	pkg, diags := check.Load(dir, parser.Options{})
	if err := diags.Err(); err != nil {
		t.Fatal(err)
	}
	f, err := check.Select(pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	var res *exec.Result
	var runErr error
	var wg sync.WaitGroup
	finished := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(finished)
		res, runErr = exec.Run(ctx, exec.Options{Plan: f, PkgDir: dir, Root: root, Out: &out, Params: params,
			OnStart: func(id string) error { started <- id; return nil }})
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
	if wait {
		wg.Wait()
		if runErr != nil || res.Status != datastore.RunSucceeded {
			t.Fatalf("run %s: %v %+v\n%s", dir, runErr, res, out.String())
		}
		return res.RunID
	}
	select {
	case id := <-started:
		return id
	case <-finished:
		t.Fatalf("run %s ended before it started: %v\n%s", dir, runErr, out.String())
		return ""
	case <-time.After(3 * time.Minute): // the first run builds the runner
		t.Fatalf("run %s did not start", dir)
		return ""
	}
}

// waitFor polls cond until it holds, failing the test after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fixture is a datastore with a finished production run and a gated run
// in progress, and a server on it.
type fixture struct {
	root       string
	prodRun    string // FraudScoring, finished, with a card on Report/0
	gatedRun   string // Gated, its Work tasks waiting for gate
	gate       string
	srv        *httptest.Server
	prodSteps  []string
	gatedSteps []string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	fx := &fixture{root: t.TempDir()}
	fx.gate = filepath.Join(t.TempDir(), "gate")
	fx.prodRun = run(t, "../examples/production", fx.root, map[string]json.RawMessage{"Owner": json.RawMessage(`"ana"`), "Threshold": json.RawMessage(`0.4`)}, true)
	gate, _ := json.Marshal(fx.gate)
	fx.gatedRun = run(t, "testdata/gated", fx.root, map[string]json.RawMessage{"Gate": gate}, false)
	st, err := datastore.OpenLocal(fx.root)
	if err != nil {
		t.Fatal(err)
	}
	// Wait until each Work task's live card shows its progress bar: the
	// first live render, as the step starts, is still empty.
	waitFor(t, "the gated run's three Work tasks to run", func() bool {
		n := 0
		for _, id := range []string{"0", "1", "2"} {
			p := datastore.TaskPath{Flow: "Gated", Run: fx.gatedRun, Step: "Work", Task: id}
			page, err := st.GetCard(context.Background(), p, datastore.CardInfo{Type: "default"})
			if err == nil && bytes.Contains(page, []byte("waiting: ")) {
				n++
			}
		}
		return n == 3
	})
	c, err := client.Open(fx.root)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ui.New(c)
	if err != nil {
		t.Fatal(err)
	}
	fx.srv = httptest.NewServer(s)
	t.Cleanup(fx.srv.Close)
	return fx
}

// openGate lets the gated run finish.
func (fx *fixture) openGate(t *testing.T) {
	if err := os.WriteFile(fx.gate, nil, 0o644); err != nil && !errors.Is(err, os.ErrExist) {
		t.Fatal(err)
	}
}

// artifactsDir is where tests keep screenshots: $FLOWC_TEST_ARTIFACTS/name
// when set, else a temporary directory; the path is logged.
func artifactsDir(t *testing.T, name string) string {
	dir := t.TempDir()
	if base := os.Getenv("FLOWC_TEST_ARTIFACTS"); base != "" {
		dir = filepath.Join(base, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", dir)
	return dir
}
