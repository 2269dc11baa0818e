package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/client"
	exconditional "github.com/flowc-dev/flowc/examples/conditional"
	exconfig "github.com/flowc-dev/flowc/examples/config"
	exforeach "github.com/flowc-dev/flowc/examples/foreach"
	exnested "github.com/flowc-dev/flowc/examples/nestedforeach"
	exproduction "github.com/flowc-dev/flowc/examples/production"
	extraining "github.com/flowc-dev/flowc/examples/training"
	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// TestExamplesRun runs every example under examples/ and checks, through the
// client API only, that its tasks hold what the example's source says they
// must. Examples run with their defaults go into exampleRoot (shared with
// the other tests, each run once); those that need parameters go into a
// datastore of this test's own, so that the latest runs of exampleRoot stay
// what the other tests expect.
func TestExamplesRun(t *testing.T) {
	own := filepath.Join(t.TempDir(), ".flowc")
	t.Run("hello", func(t *testing.T) { checkHello(t, exRun(t, "Hello", "hello")) })
	t.Run("training", func(t *testing.T) { checkTraining(t, exRun(t, "Training", "training")) })
	t.Run("branch", func(t *testing.T) { checkBranch(t, exRun(t, "Stats", "branch")) })
	t.Run("foreach", func(t *testing.T) { checkForeach(t, exRun(t, "WordCount", "foreach")) })
	t.Run("nestedforeach", func(t *testing.T) { checkNestedForeach(t, exRun(t, "Forecast", "nestedforeach")) })
	t.Run("conditional", func(t *testing.T) { checkConditional(t, exRun(t, "Quality", "conditional")) })
	t.Run("loop", func(t *testing.T) { checkLoop(t, exRun(t, "Sqrt", "loop")) })
	t.Run("config", func(t *testing.T) { checkConfig(t, exRun(t, "Churn", "config")) })
	t.Run("retrycatch", func(t *testing.T) {
		checkRetryCatch(t, exRunParams(t, own, "retrycatch", map[string]json.RawMessage{"FailAttempts": json.RawMessage(`3`)}))
	})
	t.Run("production", func(t *testing.T) {
		checkProduction(t, exRunParams(t, own, "production", map[string]json.RawMessage{
			"Owner": json.RawMessage(`"test"`),
			// Below the default 0.8, which no generated transaction reaches,
			// so that Score flags some.
			"Threshold": json.RawMessage(`0.3`),
		}))
	})
}

// exRun runs an example with its defaults into exampleRoot (once per test
// binary) and opens the run with the client.
func exRun(t *testing.T, flowName, example string) *client.Run {
	t.Helper()
	id := testRun(t, example)
	return exOpenRun(t, exampleRoot, flowName, id)
}

// exRunParams runs an example with parameters into root and opens the run.
func exRunParams(t *testing.T, root, example string, params map[string]json.RawMessage) *client.Run {
	t.Helper()
	dir := filepath.Join("..", "examples", example)
	pkg, diags := check.Load(dir, parser.Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	f, err := check.Select(pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := exec.Run(context.Background(), exec.Options{Plan: f, PkgDir: dir, Root: root, Params: params, Out: &out})
	if err != nil {
		t.Fatalf("run %s: %v\n%s", example, err, out.String())
	}
	if res.Status != datastore.RunSucceeded {
		t.Fatalf("run %s: %s: %v (failed %s)\n%s", example, res.Status, res.Err, res.Failed, out.String())
	}
	return exOpenRun(t, root, f.Name, res.RunID)
}

func exOpenRun(t *testing.T, root, flowName, id string) *client.Run {
	t.Helper()
	run, err := open(t, root).Flow(flowName).Run(id)
	if err != nil {
		t.Fatal(err)
	}
	if !run.Successful() || !run.Finished() {
		t.Fatalf("run %s: %s", run.Pathspec(), run.Status())
	}
	return run
}

// exTasks returns the tasks of a step, each of which must have succeeded
// on its first attempt unless the step retries.
func exTasks(t *testing.T, run *client.Run, step string) []*client.Task {
	t.Helper()
	tasks, err := run.Step(step).Tasks()
	if err != nil {
		t.Fatal(err)
	}
	return tasks
}

// exTask returns the only task of a step.
func exTask(t *testing.T, run *client.Run, step string) *client.Task {
	t.Helper()
	tasks := exTasks(t, run, step)
	if len(tasks) != 1 {
		t.Fatalf("step %s has %d tasks, want 1", step, len(tasks))
	}
	return tasks[0]
}

// exArt decodes an artifact of a task.
func exArt[T any](t *testing.T, tk *client.Task, name string) T {
	t.Helper()
	var v T
	if err := tk.Artifact(name, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// exSteps wants the run's steps to be want, in graph order.
func exSteps(t *testing.T, run *client.Run, want ...string) {
	t.Helper()
	if got := stepNames(t, run); !slices.Equal(got, want) {
		t.Errorf("steps %v, want %v", got, want)
	}
}

// exOK wants every task of the run to have succeeded on attempt 0.
func exOK(t *testing.T, run *client.Run) {
	t.Helper()
	steps, err := run.Steps()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		for _, tk := range exTasks(t, run, s.Name()) {
			if !tk.Successful() || tk.Attempt() != 0 || tk.Error() != nil {
				t.Errorf("%s: successful %v, attempt %d, error %v", tk.Pathspec(), tk.Successful(), tk.Attempt(), tk.Error())
			}
		}
	}
}

// exAbsent wants a task not to hold an artifact.
func exAbsent(t *testing.T, tk *client.Task, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, ok := tk.ArtifactInfo(name); ok {
			t.Errorf("%s holds artifact %s, want it absent (its artifacts: %v)", tk.Pathspec(), name, tk.Artifacts())
		}
	}
}

func checkHello(t *testing.T, run *client.Run) {
	exSteps(t, run, "Start", "Hello", "End")
	exOK(t, run)
	var name string
	if err := run.Parameter("name", &name); err != nil || name != "world" {
		t.Errorf("parameter name = %q, %v", name, err)
	}
	// Start never set Greeting: it is not an artifact there.
	exAbsent(t, exTask(t, run, "Start"), "Greeting")
	for _, step := range []string{"Hello", "End"} {
		if g := exArt[string](t, exTask(t, run, step), "Greeting"); g != "Hello, world!" {
			t.Errorf("%s: Greeting %q", step, g)
		}
	}
	end, err := run.EndTask()
	if err != nil {
		t.Fatal(err)
	}
	if log, err := end.Stderr(); err != nil || !strings.Contains(log, "Hello, world!") {
		t.Errorf("End stderr %q, %v", log, err)
	}
}

func checkTraining(t *testing.T, run *client.Run) {
	exSteps(t, run, "Start", "Fit", "Pick", "End")
	exOK(t, run)
	start := exTask(t, run, "Start")
	grid := exArt[[]extraining.HyperParams](t, start, "Grid")
	if len(grid) != 6 { // three learning rates, two penalties
		t.Fatalf("Grid %v, want 6 settings", grid)
	}
	train, valid := exArt[[]extraining.Example](t, start, "Train"), exArt[[]extraining.Example](t, start, "Valid")
	if len(train) != 1600 || len(valid) != 400 {
		t.Errorf("Train %d rows, Valid %d, want 1600 and 400", len(train), len(valid))
	}
	fits := exTasks(t, run, "Fit")
	if len(fits) != len(grid) {
		t.Fatalf("%d Fit tasks, want %d", len(fits), len(grid))
	}
	var models []extraining.Model
	best := -1
	for i, tk := range fits {
		if fs := tk.ForeachStack(); len(fs) != 1 || fs[0] != (datastore.ForeachFrame{Step: "Start", Var: "Grid", Index: i, Splits: len(grid)}) {
			t.Errorf("%s: foreach stack %+v", tk.Pathspec(), fs)
		}
		m := exArt[extraining.Model](t, tk, "Model")
		if m.Params != grid[i] || len(m.Weights) != 4 || !(m.ValLoss > 0) || m.ValAccuracy <= 0.5 {
			t.Errorf("%s: Model %+v for setting %+v", tk.Pathspec(), m, grid[i])
		}
		models = append(models, m)
		if best < 0 || m.ValLoss < models[best].ValLoss {
			best = i
		}
	}
	pick := exTask(t, run, "Pick")
	if lb := exArt[[]extraining.Model](t, pick, "Leaderboard"); !reflect.DeepEqual(lb, models) {
		t.Errorf("Pick: Leaderboard %+v, want the Fit models in grid order %+v", lb, models)
	}
	// A join starts with only parameters and configs: the datasets stay
	// behind.
	exAbsent(t, pick, "Train", "Valid", "Grid", "Model")
	for _, tk := range []*client.Task{pick, exTask(t, run, "End")} {
		b := exArt[extraining.Model](t, tk, "Best")
		if !reflect.DeepEqual(b, models[best]) {
			t.Errorf("%s: Best %+v, want Fit/%d's %+v", tk.Pathspec(), b, best, models[best])
		}
		for _, m := range models {
			if m.ValLoss < b.ValLoss {
				t.Errorf("%s: Best loss %g, but a Fit task reached %g", tk.Pathspec(), b.ValLoss, m.ValLoss)
			}
		}
	}
}

func checkBranch(t *testing.T, run *client.Run) {
	exSteps(t, run, "Start", "ComputeMean", "ComputeMedian", "ComputeSpread", "Join", "End")
	exOK(t, run)
	prices := exArt[[]float64](t, exTask(t, run, "Start"), "Prices")
	if len(prices) != 7 {
		t.Fatalf("Prices %v", prices)
	}
	sum := 0.0
	for _, p := range prices {
		sum += p
	}
	mean := sum / float64(len(prices))
	sq := 0.0
	for _, p := range prices {
		sq += (p - mean) * (p - mean)
	}
	want := map[string]float64{"Mean": mean, "Median": 12.5, "Spread": math.Sqrt(sq / float64(len(prices)))}
	elapsed := map[string]time.Duration{}
	for step, art := range map[string]string{"ComputeMean": "Mean", "ComputeMedian": "Median", "ComputeSpread": "Spread"} {
		tk := exTask(t, run, step)
		if v := exArt[float64](t, tk, art); v != want[art] {
			t.Errorf("%s: %s %g, want %g", step, art, v, want[art])
		}
		elapsed[step] = exArt[time.Duration](t, tk, "Elapsed")
		// Each branch sets only its own statistic.
		for other := range want {
			if other != art {
				exAbsent(t, tk, other)
			}
		}
	}
	for _, step := range []string{"Join", "End"} {
		tk := exTask(t, run, step)
		for art, w := range want {
			if v := exArt[float64](t, tk, art); v != w {
				t.Errorf("%s: merged %s %g, want %g", step, art, v, w)
			}
		}
		if p := exArt[[]float64](t, tk, "Prices"); !slices.Equal(p, prices) {
			t.Errorf("%s: merged Prices %v", step, p)
		}
		if tm := exArt[map[string]time.Duration](t, tk, "Timings"); !reflect.DeepEqual(tm, elapsed) {
			t.Errorf("%s: Timings %v, want each branch's Elapsed %v", step, tm, elapsed)
		}
		exAbsent(t, tk, "Elapsed") // excluded from the merge
	}
}

func checkForeach(t *testing.T, run *client.Run) {
	exSteps(t, run, "Start", "Process", "Join", "End")
	exOK(t, run)
	items := exArt[[]string](t, exTask(t, run, "Start"), "Items")
	procs := exTasks(t, run, "Process")
	if len(procs) != len(items) || len(items) != 3 {
		t.Fatalf("%d Process tasks for %d items", len(procs), len(items))
	}
	var want []exforeach.Summary
	total := 0
	for i, tk := range procs {
		words := strings.Fields(items[i])
		w := exforeach.Summary{Index: i, First: words[0], Words: len(words)}
		if s := exArt[exforeach.Summary](t, tk, "Summary"); s != w {
			t.Errorf("%s: Summary %+v, want %+v", tk.Pathspec(), s, w)
		}
		want = append(want, w)
		total += w.Words
	}
	for _, step := range []string{"Join", "End"} {
		tk := exTask(t, run, step)
		if s := exArt[[]exforeach.Summary](t, tk, "Summaries"); !slices.Equal(s, want) {
			t.Errorf("%s: Summaries %+v, want %+v", step, s, want)
		}
		if n := exArt[int](t, tk, "Total"); n != total || total != 29 {
			t.Errorf("%s: Total %d, want %d (29)", step, n, total)
		}
		exAbsent(t, tk, "Items", "Summary")
	}
}

func checkNestedForeach(t *testing.T, run *client.Run) {
	exSteps(t, run, "Start", "Region", "Train", "JoinModels", "JoinRegions", "End")
	exOK(t, run)
	regions := exArt[[]string](t, exTask(t, run, "Start"), "Regions")
	if !slices.Equal(regions, []string{"eu", "us", "apac"}) {
		t.Fatalf("Regions %v", regions)
	}
	regionTasks := exTasks(t, run, "Region")
	if len(regionTasks) != len(regions) {
		t.Fatalf("%d Region tasks, want %d", len(regionTasks), len(regions))
	}
	models := make([][]string, len(regions))
	wantTrain := 0
	for r, tk := range regionTasks {
		if cur := exArt[string](t, tk, "CurrentRegion"); cur != regions[r] {
			t.Errorf("%s: CurrentRegion %q, want %q", tk.Pathspec(), cur, regions[r])
		}
		models[r] = exArt[[]string](t, tk, "Models")
		wantTrain += len(models[r])
	}
	if wantTrain != 10 { // 3 + 3 + 4: apac adds holiday-aware
		t.Errorf("the regions list %d models, want 10", wantTrain)
	}
	trains := exTasks(t, run, "Train")
	if len(trains) != wantTrain {
		t.Fatalf("%d Train tasks, want %d", len(trains), wantTrain)
	}
	best := make([]exnested.Score, len(regions))
	seen := make([]int, len(regions))
	prev := []int{-1, -1}
	for _, tk := range trains {
		fs := tk.ForeachStack()
		if len(fs) != 2 || fs[0].Step != "Start" || fs[0].Var != "Regions" || fs[0].Splits != len(regions) ||
			fs[1].Step != "Region" || fs[1].Var != "Models" {
			t.Fatalf("%s: foreach stack %+v", tk.Pathspec(), fs)
		}
		r, m := fs[0].Index, fs[1].Index
		if fs[1].Splits != len(models[r]) {
			t.Errorf("%s: %d splits, want %d", tk.Pathspec(), fs[1].Splits, len(models[r]))
		}
		if cur := []int{r, m}; slices.Compare(cur, prev) <= 0 {
			t.Errorf("%s: tasks out of order, %v after %v", tk.Pathspec(), cur, prev)
		} else {
			prev = cur
		}
		s := exArt[exnested.Score](t, tk, "Score")
		if s.Region != regions[r] || s.Model != models[r][m] || s.Value < 0 || s.Value >= 1 {
			t.Errorf("%s: Score %+v for %s/%s", tk.Pathspec(), s, regions[r], models[r][m])
		}
		if seen[r] == 0 || s.Value > best[r].Value {
			best[r] = s
		}
		seen[r]++
	}
	for r := range regions {
		if seen[r] != len(models[r]) {
			t.Errorf("region %s has %d Train tasks, want %d", regions[r], seen[r], len(models[r]))
		}
	}
	joins := exTasks(t, run, "JoinModels")
	if len(joins) != len(regions) {
		t.Fatalf("%d JoinModels tasks, want %d", len(joins), len(regions))
	}
	for i, tk := range joins {
		fs := tk.ForeachStack()
		if len(fs) != 1 || fs[0].Index != i || fs[0].Var != "Regions" {
			t.Errorf("%s: foreach stack %+v", tk.Pathspec(), fs)
		}
		if b := exArt[exnested.Score](t, tk, "Best"); b != best[i] {
			t.Errorf("%s: Best %+v, want %+v", tk.Pathspec(), b, best[i])
		}
	}
	for _, step := range []string{"JoinRegions", "End"} {
		tk := exTask(t, run, step)
		if w := exArt[[]exnested.Score](t, tk, "Winners"); !slices.Equal(w, best) {
			t.Errorf("%s: Winners %+v, want %+v", step, w, best)
		}
		if fs := tk.ForeachStack(); len(fs) != 0 {
			t.Errorf("%s: foreach stack %+v outside the foreach", step, fs)
		}
	}
}

func checkConditional(t *testing.T, run *client.Run) {
	exOK(t, run)
	readings := exArt[[]exconditional.Reading](t, exTask(t, run, "Start"), "Readings")
	var present []float64
	for _, r := range readings {
		if !r.Missing {
			present = append(present, r.Value)
		}
	}
	if len(readings) != 200 || len(present) == 0 {
		t.Fatalf("%d readings, %d present", len(readings), len(present))
	}
	score := exArt[float64](t, exTask(t, run, "Assess"), "Score")
	if want := float64(len(present)) / float64(len(readings)); score != want {
		t.Errorf("Assess: Score %g, want %g", score, want)
	}
	chosen, method := "CleanFirst", "cleaned-then-standard"
	switch {
	case score > 0.95:
		chosen, method = "Advanced", "advanced"
	case score > 0.8:
		chosen, method = "Standard", "standard"
	}
	// Exactly one target of the conditional step ran.
	exSteps(t, run, "Start", "Assess", chosen, "Finalize", "End")
	for _, step := range []string{"Advanced", "Standard", "CleanFirst"} {
		tasks, err := run.Step(step).Tasks()
		switch {
		case step == chosen && (err != nil || len(tasks) != 1):
			t.Errorf("chosen step %s: %d tasks, %v", step, len(tasks), err)
		case step != chosen && !errors.Is(err, client.ErrNotFound):
			t.Errorf("step %s, not chosen, has %d tasks, %v", step, len(tasks), err)
		}
	}
	mean := func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	}
	var want float64
	switch chosen {
	case "Standard":
		want = mean(present)
	case "Advanced":
		v := slices.Sorted(slices.Values(present))
		trim := len(v) / 20
		want = mean(v[trim : len(v)-trim])
	default:
		want = exArt[float64](t, exTask(t, run, chosen), "Result")
	}
	t.Logf("score %g: the path is %s", score, chosen)
	for _, step := range []string{chosen, "Finalize", "End"} {
		tk := exTask(t, run, step)
		if m := exArt[string](t, tk, "Method"); m != method {
			t.Errorf("%s: Method %q, want %q", step, m, method)
		}
		if r := exArt[float64](t, tk, "Result"); r != want {
			t.Errorf("%s: Result %g, want %g", step, r, want)
		}
		if s := exArt[float64](t, tk, "Score"); s != score {
			t.Errorf("%s: Score %g, want %g", step, s, score)
		}
	}
}

func checkLoop(t *testing.T, run *client.Run) {
	exSteps(t, run, "Start", "Refine", "Report", "End")
	exOK(t, run)
	var number float64
	if err := run.Parameter("number", &number); err != nil || number != 2 {
		t.Fatalf("parameter number = %g, %v", number, err)
	}
	refines := exTasks(t, run, "Refine")
	if len(refines) < 2 || len(refines) > 50 {
		t.Fatalf("%d Refine tasks", len(refines))
	}
	var history []float64
	for i, tk := range refines {
		if it := exArt[int](t, tk, "Iteration"); it != i+1 {
			t.Errorf("%s: Iteration %d, want %d", tk.Pathspec(), it, i+1)
		}
		h := exArt[[]float64](t, tk, "History")
		if len(h) != i+1 || !slices.Equal(h[:i], history) {
			t.Errorf("%s: History %v, want %v and one more", tk.Pathspec(), h, history)
		}
		history = h
		est := exArt[float64](t, tk, "Estimate")
		if len(h) > 0 && h[len(h)-1] != est {
			t.Errorf("%s: Estimate %g, History ends with %g", tk.Pathspec(), est, h[len(h)-1])
		}
		last := i == len(refines)-1
		// Converged is false, the zero value, until the last pass: an
		// artifact only once set.
		var conv bool
		err := tk.Artifact("Converged", &conv)
		if last && (err != nil || !conv) || !last && conv {
			t.Errorf("%s: Converged %v, %v (last pass: %v)", tk.Pathspec(), conv, err, last)
		}
	}
	for _, step := range []string{"Report", "End"} {
		tk := exTask(t, run, step)
		est := exArt[float64](t, tk, "Estimate")
		if it := exArt[int](t, tk, "Iteration"); it != len(refines) {
			t.Errorf("%s: Iteration %d, want %d", step, it, len(refines))
		}
		if !exArt[bool](t, tk, "Converged") || math.Abs(est*est-2) >= 1e-12 || math.Abs(est-math.Sqrt2) > 1e-12 {
			t.Errorf("%s: Estimate %.17g, not converged to √2", step, est)
		}
		if h := exArt[[]float64](t, tk, "History"); !slices.Equal(h, history) {
			t.Errorf("%s: History %v, want %v", step, h, history)
		}
	}
}

func checkRetryCatch(t *testing.T, run *client.Run) {
	exSteps(t, run, "Start", "Fetch", "Summarize", "Publish", "End")
	var fails int
	if err := run.Parameter("fail-attempts", &fails); err != nil || fails != 3 {
		t.Fatalf("parameter fail-attempts = %d, %v", fails, err)
	}
	fetch := exTask(t, run, "Fetch")
	// retry times=3: attempts 0, 1 and 2 fail, attempt 3 succeeds.
	if !fetch.Successful() || fetch.Attempt() != 3 || !slices.Equal(fetch.Attempts(), []int{0, 1, 2, 3}) || fetch.Error() != nil {
		t.Errorf("Fetch: successful %v, attempt %d of %v, error %v", fetch.Successful(), fetch.Attempt(), fetch.Attempts(), fetch.Error())
	}
	for n := range 3 {
		a, err := fetch.AtAttempt(n)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("fetch values, attempt %d: service unavailable", n)
		if a.Status() != datastore.AttemptFailed || a.Finished() || a.Error() == nil || !strings.Contains(a.Error().Error(), want) {
			t.Errorf("Fetch attempt %d: %s, error %v; want failed with %q", n, a.Status(), a.Error(), want)
		}
	}
	if n := exArt[int](t, fetch, "Attempts"); n != 4 {
		t.Errorf("Fetch: Attempts %d, want 4", n)
	}
	values := exArt[[]int](t, fetch, "Values")
	total := 0
	for _, v := range values {
		total += v
	}
	if total != 31 {
		t.Errorf("Values %v add up to %d", values, total)
	}
	if n := exArt[int](t, exTask(t, run, "Summarize"), "Total"); n != total {
		t.Errorf("Summarize: Total %d, want %d", n, total)
	}

	publish := exTask(t, run, "Publish")
	if !publish.Finished() || publish.Successful() || publish.Status() != datastore.AttemptCaught || !slices.Equal(publish.Attempts(), []int{0}) {
		t.Errorf("Publish: finished %v, successful %v, status %s, attempts %v; want caught on attempt 0",
			publish.Finished(), publish.Successful(), publish.Status(), publish.Attempts())
	}
	wantMsg := "publish summary: POST https://reports.example.com/upload (total 31): service unavailable"
	var te *client.TaskError
	if err := publish.Error(); !errors.As(err, &te) || te.Status != datastore.AttemptCaught || te.Message != wantMsg {
		t.Errorf("Publish error %v, want caught %q", err, wantMsg)
	}
	for _, tk := range []*client.Task{publish, exTask(t, run, "End")} {
		failure := exArt[*flow.CaughtError](t, tk, "Failure")
		if failure == nil || failure.Step != "Publish" || failure.Attempt != 0 || failure.Message != wantMsg {
			t.Errorf("%s: Failure %+v, want Publish's %q", tk.Pathspec(), failure, wantMsg)
		}
		// Published stays false, its zero value: no artifact.
		exAbsent(t, tk, "Published")
	}
	end := exTask(t, run, "End")
	if !end.Successful() || exArt[int](t, end, "Total") != total || exArt[int](t, end, "Attempts") != 4 {
		t.Errorf("End: successful %v", end.Successful())
	}
	if log, err := end.Stderr(); err != nil || !strings.Contains(log, "summary not published") {
		t.Errorf("End stderr %q, %v", log, err)
	}
}

func checkConfig(t *testing.T, run *client.Run) {
	exSteps(t, run, "Start", "Train", "End")
	exOK(t, run)
	want := exconfig.Settings{
		Model: exconfig.ModelSettings{Name: "churn-logistic", LearningRate: 0.05,
			Features: []string{"tenure_months", "monthly_spend", "support_tickets"}},
		Data:      exconfig.DataSettings{Source: "s3://analytics/churn/latest/", BatchSize: 1000},
		Resources: exconfig.ResourceSettings{CPU: 4, Memory: 16384},
		Schedule:  exconfig.ScheduleSettings{Cron: "0 3 * * *", Timezone: "UTC"},
	}
	cfgs, err := run.Configs()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfgs["Cfg"]; !ok || len(cfgs) != 1 {
		t.Errorf("Configs() = %v, want Cfg", cfgs)
	}
	if params, err := run.Parameters(); err != nil || len(params) != 0 {
		t.Errorf("Parameters() = %v, %v; want none", params, err)
	}
	// Configs are not artifacts of the steps, but their values show through
	// what the steps made of them.
	plan := exconfig.Plan{Model: want.Model.Name, Source: want.Data.Source, Features: want.Model.Features}
	for _, step := range []string{"Start", "Train", "End"} {
		tk := exTask(t, run, step)
		if p := exArt[exconfig.Plan](t, tk, "Plan"); !reflect.DeepEqual(p, plan) {
			t.Errorf("%s: Plan %+v, want %+v", step, p, plan)
		}
	}
	for _, step := range []string{"Train", "End"} {
		if n := exArt[int](t, exTask(t, run, step), "Batches"); n != 25 { // 25,000 rows in batches of 1000
			t.Errorf("%s: Batches %d, want 25", step, n)
		}
	}
	raw, err := json.Marshal(cfgs["Cfg"])
	if err != nil {
		t.Fatal(err)
	}
	var got exconfig.Settings
	if err := json.Unmarshal(raw, &got); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("config Cfg = %+v, %v; want settings.toml's %+v", got, err, want)
	}
}

func checkProduction(t *testing.T, run *client.Run) {
	exSteps(t, run, "Start", "Extract", "Score", "Report", "End")
	exOK(t, run)
	var (
		owner, region string
		batch         int
		limit         int64
		threshold     float64
		send          bool
		lookback      time.Duration
		countries     []string
		weights       exproduction.RiskWeights
	)
	for name, v := range map[string]any{
		"owner": &owner, "region": &region, "batch-size": &batch, "limit": &limit, "Threshold": &threshold,
		"send-flags": &send, "lookback": &lookback, "countries": &countries, "weights": &weights,
	} {
		if err := run.Parameter(name, v); err != nil {
			t.Errorf("parameter %s: %v", name, err)
		}
	}
	wantWeights := exproduction.RiskWeights{Amount: 0.6, Foreign: 0.3, Night: 0.1}
	if owner != "test" || region != "eu-west-1" || batch != 500 || limit != 10_000_000_000 || threshold != 0.3 ||
		!send || lookback != 24*time.Hour || !slices.Equal(countries, []string{"NL", "BE", "DE"}) || weights != wantWeights {
		t.Errorf("parameters: owner %q region %q batch %d limit %d threshold %g send %v lookback %v countries %v weights %+v",
			owner, region, batch, limit, threshold, send, lookback, countries, weights)
	}
	if params, err := run.Parameters(); err != nil || params["Owner"] != "test" || len(params) != 9 {
		t.Errorf("Parameters() = %v, %v", params, err)
	}

	txs := exArt[[]exproduction.Transaction](t, exTask(t, run, "Extract"), "Transactions")
	if len(txs) == 0 || len(txs) > batch {
		t.Fatalf("Extract read %d transactions, want 1 to %d", len(txs), batch)
	}
	for i, tx := range txs {
		if !slices.Contains(countries, tx.Country) || tx.ID < 0 || tx.ID >= int64(batch) || (i > 0 && tx.ID <= txs[i-1].ID) ||
			tx.Hour < 0 || tx.Hour > 23 || tx.Amount < 0 {
			t.Errorf("transaction %d: %+v", i, tx)
		}
	}
	var want []exproduction.Flag
	for _, tx := range txs {
		r := weights.Amount * min(tx.Amount/1000, 1)
		if tx.Foreign {
			r += weights.Foreign
		}
		if tx.Hour < 6 {
			r += weights.Night
		}
		if r > threshold {
			want = append(want, exproduction.Flag{ID: tx.ID, Risk: r})
		}
	}
	if len(want) == 0 {
		t.Errorf("no transaction of %d above the threshold %g: the check below shows nothing", len(txs), threshold)
	}
	t.Logf("%d transactions, %d flagged", len(txs), len(want))
	for _, step := range []string{"Score", "Report", "End"} {
		tk := exTask(t, run, step)
		var flagged []exproduction.Flag
		if _, ok := tk.ArtifactInfo("Flagged"); ok || len(want) > 0 {
			flagged = exArt[[]exproduction.Flag](t, tk, "Flagged")
		}
		if !slices.Equal(flagged, want) {
			t.Errorf("%s: Flagged %+v, want %+v", step, flagged, want)
		}
		if got := exArt[[]exproduction.Transaction](t, tk, "Transactions"); !slices.Equal(got, txs) {
			t.Errorf("%s: %d transactions, want Extract's %d", step, len(got), len(txs))
		}
	}
}
