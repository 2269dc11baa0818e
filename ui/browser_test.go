package ui_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/ui"
)

// chromePath finds headless Chromium: $FLOWC_CHROME, else chromium (Debian's
// package, which .ci/run installs) or Chrome on PATH. Without one the test
// fails under CI=true and is skipped elsewhere.
func chromePath(t *testing.T) string {
	for _, name := range []string{os.Getenv("FLOWC_CHROME"), "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on PATH: .ci/run installs Debian's chromium package, which the browser tests need")
	}
	t.Skip("no chromium on PATH (apt-get install chromium); the browser tests are skipped")
	return ""
}

// testBrowser drives headless Chromium through the UI: the runs, a run in
// progress and its live update when it finishes, a finished run, one of its
// tasks with its log and artifacts, and the task's card; a screenshot of
// each page; no JavaScript error, failed request or policy violation in the
// console.
func testBrowser(t *testing.T, fx *fixture) {
	exe := chromePath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(bctx, 4*time.Minute)
	defer cancel()

	// Read the console from the start, until the browser closes.
	var mu sync.Mutex
	var errs []string
	var wg sync.WaitGroup
	msgs := chromedp.Console(ctx)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				errs = append(errs, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line))
				mu.Unlock()
			}
		}
	}()

	dir := artifactsDir(t, "ui")
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
		}
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
	}
	visible := func(sel string) chromedp.Action[chromedp.Void] { return chromedp.WaitVisible(chromedp.CSS(sel)) }
	base := fx.srv.URL
	gated := "/runs/Gated/" + fx.gatedRun
	prod := "/runs/FraudScoring/" + fx.prodRun

	do("the runs", chromedp.Navigate(base+"/"), visible("table.runs"))
	contains(t, "the runs", text("table.runs"), "Gated/"+fx.gatedRun, "FraudScoring/"+fx.prodRun, "running", "succeeded")
	shot("1-runs")

	do("a run in progress", chromedp.Click(chromedp.CSS(`a[href="`+gated+`"]`)), visible("#run-status"), visible(`svg.dag .node.running`), visible("svg.gantt"))
	if s := text("#run-status"); s != "running" {
		t.Errorf("run status %q, want running", s)
	}
	shot("2-run-in-progress")

	do("a task in progress", chromedp.Navigate(base+"/tasks/Gated/"+fx.gatedRun+"/Work/0"), visible("#card-frame"), chromedp.Sleep(500*time.Millisecond))
	if s := text("#task-status"); s != "running" {
		t.Errorf("task status %q, want running", s)
	}
	shot("3-task-in-progress")
	// A live card reloads itself every second: read it and take its
	// picture again if a reload overtook the first try.
	for try := 0; ; try++ {
		err := chromedp.Do(ctx, chromedp.Navigate(base+"/cards/Gated/"+fx.gatedRun+"/Work/0?attempt=0&type=default"), visible("h1"))
		var main string
		var png []byte
		if err == nil {
			main, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		}
		if err == nil {
			png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
		}
		if err == nil {
			contains(t, "the live card", main, "Item 1", "waiting: ")
			if err := os.WriteFile(filepath.Join(dir, "4-live-card.png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
			break
		}
		if try == 2 {
			t.Fatalf("the live card: %v", err)
		}
	}

	// The run page follows the run: when the gate opens, the status turns
	// to succeeded without a reload (the mark set on the page survives).
	do("the run page again", chromedp.Navigate(base+gated), visible("#run-status"))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.flowcMark = 1`)); err != nil {
		t.Fatal(err)
	}
	fx.openGate(t)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("run-status").textContent === "succeeded"`, chromedp.WithPollingTimeout(time.Minute))); err != nil {
		t.Fatalf("the run page did not follow the run to its end: %v", err)
	}
	if mark, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.flowcMark`)); err != nil || mark != 1 {
		t.Errorf("the page reloaded instead of updating itself: %v %v", mark, err)
	}
	do("the finished graph", visible(`svg.dag .node.done[data-step="End"]`))
	shot("5-run-finished-live")

	do("a finished run", chromedp.Navigate(base+prod), visible("svg.gantt"))
	shot("6-run-finished")
	do("follow the run to a task", chromedp.Click(chromedp.CSS(`table.tasks a[href$="/Report/0"]`)), visible("#log-stderr"), visible("#card-frame"), chromedp.Sleep(500*time.Millisecond))
	contains(t, "the task's log", text("#log-stderr"), "msg=flagged")
	contains(t, "the task's artifacts", text("table.artifacts"), "Flagged", "[]production.Flag", "Transactions")
	shot("7-task")

	src, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#card-frame"), "src"))
	if err != nil || !src.Exists {
		t.Fatalf("the card frame's src: %v %v", src, err)
	}
	do("the card", chromedp.Navigate(base+src.Value), visible("h1"))
	contains(t, "the card", text("main"), "Fraud review", "flags reviewed", "Parameters", "Artifacts", "Graph")
	shot("8-card")

	cancelBrowser()
	wg.Wait()
	for _, e := range errs {
		t.Errorf("browser console: %s", e)
	}
}

// BenchmarkRunPage10kBrowser opens the run page of a 10,000-task run in
// headless Chromium, from a new server each time (every task read), and
// reports the time from the start of the navigation to the load event as
// the page's own Navigation Timing records it.
//
//	go test ./ui -run '^$' -bench RunPage10kBrowser -benchtime 10x
func BenchmarkRunPage10kBrowser(b *testing.B) {
	exe := ""
	for _, name := range []string{os.Getenv("FLOWC_CHROME"), "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); name != "" && err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		b.Skip("no chromium on PATH")
	}
	root := b.TempDir()
	id := synthRun(b, root, 10000)
	c, err := client.Open(root)
	if err != nil {
		b.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1280, 1200))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	for b.Loop() {
		s, err := ui.New(c)
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(s)
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/runs/Wide/"+id), chromedp.WaitVisible(chromedp.CSS("svg.gantt"))); err != nil {
			b.Fatal(err)
		}
		ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.getEntriesByType("navigation")[0].loadEventEnd`))
		if os.Getenv("FLOWC_BENCH_TIMING") != "" {
			j, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(performance.getEntriesByType("navigation")[0])`))
			b.Log(j)
		}
		if err != nil {
			b.Fatal(err)
		}
		total += time.Duration(ms * float64(time.Millisecond))
		srv.Close()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-to-load")
	if dir := os.Getenv("FLOWC_TEST_ARTIFACTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, "run-10k.png"), png, 0o644)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}
