package argoe2e_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// hostile is a parameter value no shell, template engine or kubelet may
// touch.
const hostile = `a "q" 'single' $(touch X) ${HOME} {{workflow.name}} {{=1+41}} $$5 ünïcode`

// hostileObject is a JSON object parameter holding the same traps.
const hostileObject = `{"cmd": "$(touch X)", "home": "${HOME}", "tmpl": "{{workflow.name}}", "expr": "{{=1+41}}", "dollars": "$$5", "q": "a \"q\" 'single'", "n": 42, "f": 0.5, "l": [1, "two", null, true], "o": {"u": "ünïcode"}}`

// behaveCase is a flow run on the cluster and with flowc run: the phase
// its Workflow must end in, and what else the test checks in the two
// runs.
type behaveCase struct {
	name   string
	dir    string // from the repository's root
	params []string
	phase  string
	check  func(t *testing.T, argo, local *client.Run)
	// died: the step's process dies, and only flowc's executor sees its
	// exit status, which it writes in the attempts' errors and the caught
	// error's message (Argo sees a pod fail); those texts are left out of
	// the comparison and the artifacts that hold them compared by the
	// check.
	died []string
}

// TestArgoBehave runs, each on the real cluster and with flowc run, a flow
// whose step fails on its first attempts and is retried; one whose step
// fails in a way no retry can help (neither retried nor caught); one whose
// step's process dies (os.Exit) under //flow:catch; two whose step
// outlives its //flow:timeout deaf to its context (caught; retried and
// failing); and one given hostile parameter values. The Workflow must end
// in the phase wanted and the two runs must be equal: runsnap's
// description (the run's status and parameters, each task's last attempt,
// status and artifacts) and every attempt of every task with its status
// and error. Each case then checks what it is about in the Argo run
// itself, so that a defect both engines share does not pass either. The
// cases run at once, in one namespace.
func TestArgoBehave(t *testing.T) {
	c := need(t)
	for _, k := range []behaveCase{
		{name: "retry", dir: "runtime/exec/testdata/flaky", phase: "Succeeded", check: checkRetry},
		{name: "noretry", dir: "internal/argoe2e/testdata/noretry", phase: "Failed", check: checkNoRetry},
		{name: "crash", dir: "runtime/exec/testdata/crash", phase: "Succeeded", check: checkCrash, died: []string{"Failure"}},
		{name: "timeout-caught", dir: "runtime/exec/testdata/hangcatch", phase: "Succeeded", check: checkTimeoutCaught},
		{name: "timeout-retried", dir: "runtime/exec/testdata/hang", phase: "Failed", check: checkTimeoutRetried},
		{name: "params", dir: "internal/argoe2e/testdata/params", phase: "Succeeded", check: checkParams, params: []string{
			"--text", hostile, "--object", hostileObject, "--items", "x,$(touch X),{{=1+41}},${HOME}", "--count", "42"}},
	} {
		// All at once (scripts/kube-e2e.sh's -parallel): the cases mostly
		// wait, for pods and for Argo's backoff between retries
		// (minutes_between_retries defaults to 2).
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			argo, local := c.behave(t, k)
			k.check(t, argo, local)
		})
	}
}

// behave deploys and triggers the case's flow, waits for the Workflow,
// runs the flow with flowc run, compares the two runs and returns them.
func (c *cluster) behave(t *testing.T, k behaveCase) (argo, local *client.Run) {
	t.Helper()
	dir := filepath.Join("..", "..", filepath.FromSlash(k.dir))
	if err := c.deploy(dir, "behave-"+k.name); err != nil {
		t.Fatal(err)
	}
	release := c.claim(t, nil)
	wf, err := c.trigger(dir, k.params...)
	if err != nil {
		release()
		t.Fatal(err)
	}
	start := time.Now()
	phase, msg, err := c.wait(wf, 15*time.Minute)
	release()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("workflow %s/%s ended %s after %s: %s", c.ns, wf, phase, time.Since(start).Round(time.Second), msg)
	if phase != k.phase {
		t.Fatalf("workflow %s/%s ended %s (%s), want %s", c.ns, wf, phase, msg, k.phase)
	}
	flowName, err := flowName(c, dir)
	if err != nil {
		t.Fatal(err)
	}
	localRoot, localID, err := c.localRun(t, dir, k.params...)
	if localID == "" || (err != nil) != (k.phase == "Failed") {
		t.Fatalf("flowc run (run %q): %v; want it to end as the workflow did, %s", localID, err, k.phase)
	}
	for _, compare := range []func(root, flow, runID string) ([]string, error){
		func(root, flow, runID string) ([]string, error) { return snapshot(root, flow, runID, k.died) },
		func(root, flow, runID string) ([]string, error) {
			return attemptLines(root, flow, runID, k.died == nil)
		},
	} {
		want, err := compare(localRoot, flowName, localID)
		if err != nil {
			t.Fatalf("flowc run's run: %v", err)
		}
		got, err := compare(c.root, flowName, wf)
		if err != nil {
			t.Fatalf("argo's run %s in %s: %v", wf, c.root, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("workflow %s/%s differs from flowc run:%s", c.ns, wf, diff(got, want))
		}
	}
	return openRun(t, c.root, flowName, wf), openRun(t, localRoot, flowName, localID)
}

// attemptLines describes every attempt of every task of a run: its
// number, status and, with errors, its error.
func attemptLines(root, flowName, runID string, withErrors bool) ([]string, error) {
	run, err := openRunErr(root, flowName, runID)
	if err != nil {
		return nil, err
	}
	steps, err := run.Steps()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, st := range steps {
		tasks, err := st.Tasks()
		if err != nil {
			return nil, err
		}
		for _, tk := range tasks {
			for _, n := range tk.Attempts() {
				a, err := tk.AtAttempt(n)
				if err != nil {
					return nil, err
				}
				line := fmt.Sprintf("%s/%s attempt %d %s", st.Name(), tk.ID(), n, a.Status())
				if te := a.Error(); withErrors && te != nil {
					line += fmt.Sprintf(" %q", te.(*client.TaskError).Message)
				}
				out = append(out, line)
			}
		}
	}
	return out, nil
}

func openRunErr(root, flowName, runID string) (*client.Run, error) {
	cl, err := client.Open(root)
	if err != nil {
		return nil, err
	}
	return cl.Namespace(client.Global).Flow(flowName).Run(runID)
}

func openRun(t *testing.T, root, flowName, runID string) *client.Run {
	t.Helper()
	run, err := openRunErr(root, flowName, runID)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// task returns the task of step in run, as its last attempt left it.
func task(t *testing.T, run *client.Run, step, id string) *client.Task {
	t.Helper()
	tk, err := run.Step(step).Task(id)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// artifact reads artifact name of task into v.
func artifact(t *testing.T, tk *client.Task, name string, v any) {
	t.Helper()
	if err := tk.Artifact(name, v); err != nil {
		t.Fatalf("%s: %v", tk.Pathspec(), err)
	}
}

// attemptStatuses lists the status of each attempt of a task.
func attemptStatuses(t *testing.T, tk *client.Task) []datastore.AttemptStatus {
	t.Helper()
	var out []datastore.AttemptStatus
	for _, n := range tk.Attempts() {
		a, err := tk.AtAttempt(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a.Status())
	}
	return out
}

// checkRetry: Flaky's Try fails on attempts 0 and 1 (retry times=2), and
// attempt 2, the one Argo's retryStrategy started third, succeeds.
func checkRetry(t *testing.T, argo, _ *client.Run) {
	try := task(t, argo, "Try", "0")
	want := []datastore.AttemptStatus{datastore.AttemptFailed, datastore.AttemptFailed, datastore.AttemptOK}
	if got := attemptStatuses(t, try); !slices.Equal(got, want) {
		t.Errorf("%s: attempts %v, want %v", try.Pathspec(), got, want)
	}
	var retries int
	artifact(t, task(t, argo, "End", "0"), "Retries", &retries)
	if retries != 2 {
		t.Errorf("End sees Retries %d, want 2 (the c.RetryCount() of the attempt that succeeded)", retries)
	}
}

// checkNoRetry: NoRetry's Lost (retry times=2, catch) returns a
// transition its plan does not allow, which no retry can help: flowc run
// runs it once, does not catch the failure, and the run fails.
func checkNoRetry(t *testing.T, argo, _ *client.Run) {
	if argo.Status() != datastore.RunFailed {
		t.Errorf("run %s: %s, want failed", argo.Pathspec(), argo.Status())
	}
	lost := task(t, argo, "Lost", "0")
	want := []datastore.AttemptStatus{datastore.AttemptFailed}
	if got := attemptStatuses(t, lost); !slices.Equal(got, want) {
		t.Errorf("%s: attempts %v, want %v (no retry, no catch)", lost.Pathspec(), got, want)
	}
}

// checkCrash: Crash's Boom exits with status 3 on both its attempts
// (retry times=1): both are recorded failed (none left running), the
// failure is caught, and End runs and sees the caught error flowc run's
// End sees, but for its message: flowc run's says "exit status 3", which
// Argo's pod that records the catch is not told.
func checkCrash(t *testing.T, argo, local *client.Run) {
	boom := task(t, argo, "Boom", "0")
	want := []datastore.AttemptStatus{datastore.AttemptFailed, datastore.AttemptFailed, datastore.AttemptCaught}
	if got := attemptStatuses(t, boom); !slices.Equal(got, want) {
		t.Errorf("%s: attempts %v, want %v", boom.Pathspec(), got, want)
	}
	var failures [2]*flow.CaughtError
	for i, run := range []*client.Run{argo, local} {
		end := task(t, run, "End", "0")
		var reached bool
		artifact(t, end, "Reached", &reached)
		artifact(t, end, "Failure", &failures[i])
		if !reached || failures[i] == nil || failures[i].Message == "" {
			t.Fatalf("%s sees Reached %v and Failure %+v; want true and Boom's failure", end.Pathspec(), reached, failures[i])
		}
		t.Logf("%s: Failure %+v", end.Pathspec(), *failures[i])
	}
	a, l := *failures[0], *failures[1]
	a.Message, l.Message = "", ""
	if a != l || a.Type != "exit" {
		t.Errorf("End sees Failure %+v, flowc run's End %+v (messages aside); want the same, of type exit", *failures[0], *failures[1])
	}
}

// checkTimeoutCaught: HangCatch's Stuck sleeps 300 s deaf to its context
// under timeout seconds=1: it must be stopped near its timeout, long
// before the sleep ends and before the pod's own deadline (the timeout
// plus 60 s), and End must see the failure caught as a timeout.
func checkTimeoutCaught(t *testing.T, argo, _ *client.Run) {
	stuck := task(t, argo, "Stuck", "0")
	first, err := stuck.AtAttempt(0)
	if err != nil {
		t.Fatal(err)
	}
	ran := first.End().Sub(first.Start())
	t.Logf("%s attempt 0: %s after %s", stuck.Pathspec(), first.Status(), ran.Round(100*time.Millisecond))
	if first.Status() != datastore.AttemptKilled || first.End().IsZero() || ran >= 61*time.Second {
		t.Errorf("%s attempt 0: %s, ran %s; want killed at its timeout of 1 s (well before the pod's deadline of 61 s)", stuck.Pathspec(), first.Status(), ran)
	}
	end := task(t, argo, "End", "0")
	var done bool // never set, so never saved, unless the sleep ended
	if slices.Contains(end.Artifacts(), "Done") {
		artifact(t, end, "Done", &done)
	}
	var failure *flow.CaughtError
	artifact(t, end, "Failure", &failure)
	if done || failure == nil || failure.Step != "Stuck" || failure.Type != "timeout" {
		t.Errorf("End sees Done %v and Failure %+v; want false and Stuck's timeout", done, failure)
	}
}

// checkTimeoutRetried: Hang's Stuck (retry times=1, timeout seconds=1)
// is killed at its timeout on both attempts, and the run fails.
func checkTimeoutRetried(t *testing.T, argo, _ *client.Run) {
	if argo.Status() != datastore.RunFailed {
		t.Errorf("run %s: %s, want failed", argo.Pathspec(), argo.Status())
	}
	stuck := task(t, argo, "Stuck", "0")
	want := []datastore.AttemptStatus{datastore.AttemptKilled, datastore.AttemptKilled}
	if got := attemptStatuses(t, stuck); !slices.Equal(got, want) {
		t.Errorf("%s: attempts %v, want %v", stuck.Pathspec(), got, want)
	}
}

// checkParams: Start saw each value as given, and no file X exists where
// a shell running $(touch X) would have made it: in the Start pod (the
// artifact Created), nor here, where flowc run and flowc trigger ran.
func checkParams(t *testing.T, argo, local *client.Run) {
	start := task(t, argo, "Start", "0")
	var text string
	artifact(t, start, "SeenText", &text)
	if text != hostile {
		t.Errorf("Start saw Text %q, want %q", text, hostile)
	}
	var object map[string]any
	artifact(t, start, "SeenObject", &object)
	var wantObject map[string]any
	if err := json.Unmarshal([]byte(hostileObject), &wantObject); err != nil {
		t.Fatal(err)
	}
	if got, want := canonical(t, object), canonical(t, wantObject); got != want {
		t.Errorf("Start saw Object %s, want %s", got, want)
	}
	var items []string
	artifact(t, start, "SeenItems", &items)
	if want := []string{"x", "$(touch X)", "{{=1+41}}", "${HOME}"}; !slices.Equal(items, want) {
		t.Errorf("Start saw Items %q, want %q", items, want)
	}
	var count int
	artifact(t, start, "SeenCount", &count)
	if count != 42 {
		t.Errorf("Start saw Count %d, want 42", count)
	}
	for _, run := range []*client.Run{argo, local} {
		var created []string
		artifact(t, task(t, run, "Start", "0"), "Created", &created)
		if len(created) > 0 {
			t.Errorf("%s: Start found files named X: %q", run.Pathspec(), created)
		}
	}
	if _, err := os.Stat("X"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file X in the test's directory: %v", err)
	}
}

// canonical is v as JSON with sorted keys.
func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
