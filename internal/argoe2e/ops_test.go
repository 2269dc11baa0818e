package argoe2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
)

// The operations tests: flowc argo list, status, logs, suspend, resume,
// stop, terminate and delete, flowc trigger argo --wait, and the exit
// handler's notifications, each against the real API server and Argo's
// controller, on runs of testdata/sleepy (a Start step that sleeps for
// --seconds, so a run can be caught running) and of runtime/exec's
// panicky (a step that panics). The runs go on at once (two CPUs: every pod
// costs about 10 s, so they are few: 12 pods in all).

var (
	sleepyDir  = filepath.Join("testdata", "sleepy")
	panickyDir = filepath.Join("..", "..", "runtime", "exec", "testdata", "panicky")
)

// TestArgoOperate deploys sleepy and panicky with notifications to a
// webhook this test serves, then operates their runs with flowc's own
// commands and checks each against the Workflow Argo's controller keeps,
// the datastore the pods write and the posts the exit handler makes.
func TestArgoOperate(t *testing.T) {
	c := need(t)
	hook := startHook(t)
	notify := []string{"--notify-on-error", hook.url + "/error", "--notify-on-success", hook.url + "/success"}
	deployErr := make(chan error, 1)
	go func() { deployErr <- c.deploy(panickyDir, "panicky", notify...) }()
	// sleepy's trigger makes a Sensor (the cluster has Argo Events' CRDs).
	if err := c.deploy(sleepyDir, "sleepy", notify...); err != nil {
		t.Fatal(err)
	}
	if err := <-deployErr; err != nil {
		t.Fatal(err)
	}

	t.Run("list deployed", func(t *testing.T) {
		out := c.must(t, "argo", "list")
		wantLines(t, out, `^panicky \(flow Panicky\): 0 runs$`, `^sleepy \(flow Sleepy, schedule "0 0 1 1 \*", triggered by events\): 0 runs$`)
		out = c.must(t, "argo", "list", "Sleepy")
		wantLines(t, out, `^sleepy \(flow Sleepy`)
		if strings.Contains(out, "panicky") {
			t.Errorf("flowc argo list Sleepy shows panicky:\n%s", out)
		}
	})

	runs := map[string]string{} // what each run is for, by run id
	var mu sync.Mutex
	ran := func(what, id string) {
		mu.Lock()
		runs[id] = what
		mu.Unlock()
	}
	// The runs share the node with other tests' Workflows.
	release := c.claim(t, nil)
	t.Run("runs", func(t *testing.T) {
		t.Run("wait succeeded", func(t *testing.T) {
			t.Parallel()
			c.waitSucceeded(t, hook, ran)
		})
		t.Run("wait failed", func(t *testing.T) {
			t.Parallel()
			c.waitFailed(t, hook, ran)
		})
		t.Run("suspend resume", func(t *testing.T) {
			t.Parallel()
			c.suspendResume(t, hook, ran)
		})
		t.Run("terminate", func(t *testing.T) {
			t.Parallel()
			c.terminate(t, hook, ran)
		})
		t.Run("stop", func(t *testing.T) {
			t.Parallel()
			c.stop(t, hook, ran)
		})
	})
	release()

	t.Run("list runs", func(t *testing.T) {
		out := c.must(t, "argo", "list", "--runs", "0")
		for id, what := range runs {
			phase := map[string]string{"wait succeeded": "Succeeded", "suspend resume": "Succeeded"}[what]
			if phase == "" {
				phase = "Failed"
			}
			wantLines(t, out, `^  `+regexp.QuoteMeta(id)+`\s+`+phase+`\s`)
		}
	})

	t.Run("delete", func(t *testing.T) { c.deleteFlow(t, runs) })
}

// waitSucceeded: trigger argo --wait follows a run that succeeds with
// flowc run's display and exits 0; the exit handler posts one success
// notification; status and logs read the finished run.
func (c *cluster) waitSucceeded(t *testing.T, hook *hook, ran func(string, string)) {
	out, errOut, err := c.flowcRun("trigger", "argo", sleepyDir, "--namespace", c.ns, "--wait", "--seconds", "0")
	t.Logf("flowc trigger argo sleepy --wait: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	id := runID(out)
	ran("wait succeeded", id)
	if err != nil {
		t.Fatalf("trigger --wait of a run that succeeds: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	wantLines(t, out,
		`^\[Sleepy/`+id+`/Start/0\] finished in `,
		`^\[Sleepy/`+id+`/End/0\] finished in `,
		`^Run Sleepy/`+id+` succeeded in .* \(2 tasks\)\.$`)
	hook.want(t, id, "/success", "flowc: run Sleepy/"+id+" succeeded.")

	out = c.must(t, "argo", "status", id)
	wantLines(t, out, `^Run `+id+` \(template sleepy\): Succeeded$`, `^  finished: `, `^  Start\s+1 succeeded$`, `^  End\s+1 succeeded$`)
	// From the datastore (a single block has no header), not a pod.
	out = c.must(t, "argo", "logs", id+"/Start")
	if want := "sleepy: run " + id + " sleeps 0 s\n"; !strings.HasPrefix(out, want) && !strings.Contains(out, "stdout <==\n"+want) || strings.Contains(out, "(pod ") {
		t.Errorf("flowc argo logs %s/Start of a finished run: %q, want %q from the datastore", id, out, want)
	}
}

// waitFailed: trigger argo --wait of a run whose step panics exits 1 and
// names the step, its error and Argo's reason; the exit handler posts one
// error notification naming the failed task.
func (c *cluster) waitFailed(t *testing.T, hook *hook, ran func(string, string)) {
	out, errOut, err := c.flowcRun("trigger", "argo", panickyDir, "--namespace", c.ns, "--wait")
	t.Logf("flowc trigger argo panicky --wait: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	id := runID(out)
	ran("wait failed", id)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("trigger --wait of a failing run: %v, want exit 1\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	wantLines(t, out, `^\[Panicky/`+id+`/Start/0\] finished in `, `^\[Panicky/`+id+`/Explode/0\] failed after `)
	wantLines(t, errOut,
		`^Run Panicky/`+id+` failed after `,
		`^  step:  Explode$`,
		`^  error: .*kaboom 7`,
		`^  log:   flowc logs Panicky/`+id+`/Explode/0 --stderr$`,
		`^  engine: workflow Failed`)
	text := hook.want(t, id, "/error", "")
	for _, w := range []string{"flowc: run Panicky/" + id + " failed (Failed): task Panicky/" + id + "/Explode/0: ", "kaboom 7", ". Its log: flowc logs Panicky/" + id + "/Explode/0 --stderr"} {
		if !strings.Contains(text, w) {
			t.Errorf("the error notification %q does not hold %q", text, w)
		}
	}
	out = c.must(t, "argo", "status", id)
	wantLines(t, out, `^Run `+id+` \(template panicky\): Failed$`, `^  Start\s+1 succeeded$`, `^  Explode\s+1 failed$`)
}

// suspendResume catches a run while its Start sleeps: status says it
// runs, logs read Start's pod; suspend sets spec.suspend, and after Start
// ends no End pod starts until resume, after which the run succeeds and
// its logs come from the datastore.
func (c *cluster) suspendResume(t *testing.T, hook *hook, ran func(string, string)) {
	id, err := c.trigger(sleepyDir, "--seconds", "60")
	if err != nil {
		t.Fatal(err)
	}
	ran("suspend resume", id)
	c.waitRunning(t, id)

	// The controller marks the node running once it sees the pod run.
	c.eventually(t, []string{"argo", "status", id}, `^Run `+id+` \(template sleepy\): Running$`, `^  Start\s+1 running$`)
	out := c.must(t, "argo", "list", "sleepy")
	wantLines(t, out, `^  `+id+`\s+Running\s+\S+\s+running for `)

	out = c.must(t, "argo", "suspend", id)
	if want := "suspended workflow.argoproj.io/" + id + " in namespace " + c.ns + "\n"; out != want {
		t.Errorf("suspend: %q, want %q", out, want)
	}
	wf := c.workflow(t, id)
	if s, _, _ := unstructured.NestedBool(wf.Object, "spec", "suspend"); !s {
		t.Errorf("after flowc argo suspend, workflow %s has no spec.suspend: true", id)
	}
	if p := nodePhase(wf, "start"); p != "Running" {
		t.Fatalf("Start is %q right after suspend, want Running: the run was not caught while it ran (a loaded machine?)", p)
	}
	wantLines(t, c.must(t, "argo", "status", id), `^Run `+id+` \(template sleepy\): Running \(suspended\)$`)
	// Start goes on to its end; End must not start while suspended. Give
	// the controller time to schedule End, as it would do at once.
	c.poll(t, "Start of "+id+" to end", 5*time.Minute, func(wf *unstructured.Unstructured) bool {
		return nodePhase(wf, "start") == "Succeeded"
	}, id)
	time.Sleep(20 * time.Second)
	wf = c.workflow(t, id)
	phase, _, _ := unstructured.NestedString(wf.Object, "status", "phase")
	if p := nodePhase(wf, "end"); p != "" || phase != "Running" {
		t.Fatalf("suspended workflow %s: phase %s, End %q 20 s after Start ended; want Running and no End node", id, phase, p)
	}
	out = c.must(t, "argo", "resume", id)
	if want := "resumed workflow.argoproj.io/" + id + " in namespace " + c.ns + "\n"; out != want {
		t.Errorf("resume: %q, want %q", out, want)
	}
	if s, ok, _ := unstructured.NestedBool(c.workflow(t, id).Object, "spec", "suspend"); s {
		t.Errorf("after flowc argo resume, workflow %s has spec.suspend %v (set %v)", id, s, ok)
	}
	phase, msg, err := c.wait(id, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if phase != "Succeeded" {
		t.Fatalf("resumed workflow %s ended %s: %s", id, phase, msg)
	}
	hook.want(t, id, "/success", "flowc: run Sleepy/"+id+" succeeded.")
	out = c.must(t, "argo", "logs", id)
	for _, w := range []string{
		"==> Sleepy/" + id + "/Start/0 attempt 0 stdout <==\nsleepy: run " + id + " sleeps 60 s\n",
		"==> Sleepy/" + id + "/End/0 attempt 0 stdout <==\nsleepy: run " + id + " ends\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("flowc argo logs %s after it ended: %q does not hold %q", id, out, w)
		}
	}
}

// terminate: Argo kills the run's pod and runs no exit handler, so
// nothing is posted; flowc argo terminate records the run failed, which
// flowc runs shows. A second terminate is refused.
func (c *cluster) terminate(t *testing.T, hook *hook, ran func(string, string)) {
	id, err := c.trigger(sleepyDir, "--seconds", "600")
	if err != nil {
		t.Fatal(err)
	}
	ran("terminate", id)
	c.waitRunning(t, id)
	out := c.must(t, "argo", "terminate", id)
	if want := "terminated workflow.argoproj.io/" + id + " in namespace " + c.ns + "\nrun Sleepy/" + id + ": recorded failed\n"; out != want {
		t.Errorf("terminate: %q, want %q", out, want)
	}
	phase, msg, err := c.wait(id, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if phase != "Failed" {
		t.Errorf("terminated workflow %s ended %s (%s), want Failed", id, phase, msg)
	}
	if p := nodePhase(c.workflow(t, id), "flow--exit"); p != "" {
		t.Errorf("terminated workflow %s ran its exit handler (%s)", id, p)
	}
	c.wantRecorded(t, id, "failed")
	hook.wantNone(t, id)
	_, errOut, err := c.flowcRun("argo", "terminate", id, "--namespace", c.ns)
	if err == nil || !strings.Contains(errOut, "cannot terminate run "+id+": it is over (Failed)") {
		t.Errorf("terminate of a terminated run: %v, stderr %q; want it refused", err, errOut)
	}
}

// stop: Argo kills the run's pod, then runs the exit handler, which
// records the run failed and posts one error notification.
func (c *cluster) stop(t *testing.T, hook *hook, ran func(string, string)) {
	id, err := c.trigger(sleepyDir, "--seconds", "600")
	if err != nil {
		t.Fatal(err)
	}
	ran("stop", id)
	c.waitRunning(t, id)
	out := c.must(t, "argo", "stop", id)
	if want := "stopped workflow.argoproj.io/" + id + " in namespace " + c.ns + "\n"; out != want {
		t.Errorf("stop: %q, want %q", out, want)
	}
	phase, msg, err := c.wait(id, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if phase != "Failed" {
		t.Errorf("stopped workflow %s ended %s (%s), want Failed", id, phase, msg)
	}
	if p := nodePhase(c.workflow(t, id), "flow--exit"); p != "Succeeded" {
		t.Errorf("stopped workflow %s: its exit handler is %q, want Succeeded", id, p)
	}
	c.wantRecorded(t, id, "failed")
	text := hook.want(t, id, "/error", "")
	if !strings.HasPrefix(text, "flowc: run Sleepy/"+id+" failed (Failed)") {
		t.Errorf("the error notification of a stopped run: %q", text)
	}
}

// deleteFlow: delete removes sleepy's CronWorkflow and WorkflowTemplate
// and leaves its runs; it refuses a template flowc did not make and a flow
// it already deleted.
func (c *cluster) deleteFlow(t *testing.T, runs map[string]string) {
	ctx := context.Background()
	foreign := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate",
		"metadata": map[string]any{"name": "not-flowcs"},
		"spec": map[string]any{"entrypoint": "main", "templates": []any{map[string]any{"name": "main",
			"container": map[string]any{"image": "busybox", "command": []any{"true"}}}}}}}
	if _, err := c.client.Resource(gvrTemplate).Namespace(c.ns).Create(ctx, foreign, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := c.flowcRun("argo", "delete", "not-flowcs", "--namespace", c.ns); err == nil || !strings.Contains(errOut, "flowc deployed nothing named not-flowcs in namespace "+c.ns) {
		t.Errorf("delete of a template flowc did not make: %v, stderr %q; want it refused", err, errOut)
	}
	if _, err := c.client.Resource(gvrTemplate).Namespace(c.ns).Get(ctx, "not-flowcs", metav1.GetOptions{}); err != nil {
		t.Errorf("the template flowc did not make: %v", err)
	}

	out := c.must(t, "argo", "delete", "Sleepy")
	want := "deleted sensor.argoproj.io/sleepy in namespace " + c.ns + "\ndeleted cronworkflow.argoproj.io/sleepy in namespace " + c.ns +
		"\ndeleted workflowtemplate.argoproj.io/sleepy in namespace " + c.ns + "\n"
	kinds := []struct {
		what string
		res  dynamic.ResourceInterface
	}{{"sensor", c.client.Resource(gvrSensor).Namespace(c.ns)}, {"cronworkflow", c.client.Resource(gvrCron).Namespace(c.ns)},
		{"workflowtemplate", c.client.Resource(gvrTemplate).Namespace(c.ns)}}
	if out != want {
		t.Errorf("delete Sleepy: %q, want %q", out, want)
	}
	for _, gvr := range kinds {
		if _, err := gvr.res.Get(ctx, "sleepy", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("%s sleepy after delete: %v, want not found", gvr.what, err)
		}
	}
	for id, what := range runs {
		if _, err := c.client.Resource(gvrWorkflow).Namespace(c.ns).Get(ctx, id, metav1.GetOptions{}); err != nil {
			t.Errorf("run %s after delete: %v, want it kept", id, err)
		}
		if what != "wait succeeded" {
			continue
		}
		// Status reads the template the run stored; logs need the deployed
		// one, and say where the logs are.
		wantLines(t, c.must(t, "argo", "status", id), `^Run `+id+` \(template sleepy\): Succeeded$`, `^  Start\s+1 succeeded$`)
		if _, errOut, err := c.flowcRun("argo", "logs", id, "--namespace", c.ns); err == nil || !strings.Contains(errOut, "flowc logs FLOW/"+id) {
			t.Errorf("flowc argo logs of a run of a deleted flow: %v, stderr %q", err, errOut)
		}
	}
	if _, errOut, err := c.flowcRun("argo", "delete", "Sleepy", "--namespace", c.ns); err == nil || !strings.Contains(errOut, "flowc deployed nothing named Sleepy in namespace "+c.ns) {
		t.Errorf("a second delete Sleepy: %v, stderr %q; want it refused", err, errOut)
	}
	out = c.must(t, "argo", "list")
	if strings.Contains(out, "sleepy") || !strings.Contains(out, "panicky (flow Panicky)") {
		t.Errorf("flowc argo list after delete Sleepy:\n%s", out)
	}
}

// flowcRun runs flowc with the datastore's environment and returns its
// stdout and stderr.
func (c *cluster) flowcRun(args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(c.flowc, args...)
	cmd.Env = os.Environ()
	for k, v := range c.s3.Env() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// must runs flowc ARGS --namespace NS and wants it to succeed.
func (c *cluster) must(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := c.flowcRun(append(args, "--namespace", c.ns)...)
	if err != nil {
		t.Fatalf("flowc %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	t.Logf("flowc %s:\n%s", strings.Join(args, " "), out)
	return out
}

// eventually runs flowc ARGS --namespace NS every 2 s until each regular
// expression matches a line of its output, for a minute at most.
func (c *cluster) eventually(t *testing.T, args []string, res ...string) {
	t.Helper()
	var out string
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(2 * time.Second) {
		out = c.must(t, args...)
		ok := true
		for _, re := range res {
			ok = ok && regexp.MustCompile(`(?m)`+re).MatchString(out)
		}
		if ok {
			return
		}
	}
	wantLines(t, out, res...)
}

// runID is the run id trigger printed, or "" (then the test fails on
// what it printed).
func runID(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if id, ok := strings.CutPrefix(l, "run id: "); ok {
			return strings.TrimSpace(id)
		}
	}
	return ""
}

// wantLines wants each regular expression to match a line of out.
func wantLines(t *testing.T, out string, res ...string) {
	t.Helper()
	for _, re := range res {
		if !regexp.MustCompile(`(?m)` + re).MatchString(out) {
			t.Errorf("no line matches %s in:\n%s", re, out)
		}
	}
}

// workflow is Workflow name as the API server has it.
func (c *cluster) workflow(t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	wf, err := c.client.Resource(gvrWorkflow).Namespace(c.ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return wf
}

// nodePhase is the phase of the workflow's pod node of template tmpl, or
// "" when it has none.
func nodePhase(wf *unstructured.Unstructured, tmpl string) string {
	nodes, _, _ := unstructured.NestedMap(wf.Object, "status", "nodes")
	for _, n := range nodes {
		m, _ := n.(map[string]any)
		if m["type"] == "Pod" && m["templateName"] == tmpl {
			p, _ := m["phase"].(string)
			return p
		}
	}
	return ""
}

// poll reads Workflow name every 2 s until ok says so, failing the test
// after limit.
func (c *cluster) poll(t *testing.T, what string, limit time.Duration, ok func(*unstructured.Unstructured) bool, name string) {
	t.Helper()
	for start := time.Now(); ; time.Sleep(2 * time.Second) {
		if ok(c.workflow(t, name)) {
			return
		}
		if time.Since(start) > limit {
			t.Fatalf("waited %s for %s", limit, what)
		}
	}
}

// waitRunning waits until run id's Start step runs its code: flowc argo
// logs reads its pod, which has printed its line (so the runner has
// recorded the run in the datastore).
func (c *cluster) waitRunning(t *testing.T, id string) {
	t.Helper()
	want := "sleepy: run " + id + " sleeps "
	var out, errOut string
	for start := time.Now(); ; time.Sleep(2 * time.Second) {
		var err error
		out, errOut, err = c.flowcRun("argo", "logs", id+"/Start", "--namespace", c.ns)
		if err == nil && strings.Contains(out, want) {
			break
		}
		if time.Since(start) > 5*time.Minute {
			t.Fatalf("Start of run %s did not print %q in 5 minutes; flowc argo logs: %v\nstdout:\n%s\nstderr:\n%s", id, want, err, out, errOut)
		}
	}
	t.Logf("flowc argo logs %s/Start while it runs:\n%s", id, out)
	if !regexp.MustCompile(`(?m)^==> Sleepy/` + id + `/Start/0 attempt 0 \(pod \S+, running\) <==$`).MatchString(out) {
		t.Errorf("flowc argo logs %s/Start while it runs does not read the pod:\n%s", id, out)
	}
	// The task's own lines, not those of Argo's emissary in the same
	// container.
	if strings.Contains(out, "argo=true") {
		t.Errorf("flowc argo logs %s/Start while it runs shows Argo's executor's lines:\n%s", id, out)
	}
}

// wantRecorded wants flowc runs to show run id of Sleepy with status.
func (c *cluster) wantRecorded(t *testing.T, id, status string) {
	t.Helper()
	out, errOut, err := c.flowcRun("runs", "Sleepy", "--all", "--datastore-root", c.root)
	if err != nil {
		t.Fatalf("flowc runs: %v\n%s", err, errOut)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "Sleepy/"+id) {
			if !strings.Contains(l, status) {
				t.Errorf("flowc runs shows %q for Sleepy/%s, want it %s", l, id, status)
			}
			return
		}
	}
	t.Errorf("flowc runs does not show Sleepy/%s:\n%s", id, out)
}

// hook is a webhook for the exit handler's notifications, on the address
// the pods reach this machine at.
type hook struct {
	url   string
	mu    sync.Mutex
	posts []post
}

type post struct {
	path, contentType, text string
	err                     error // a body that is not {"text": ...}
}

func startHook(t *testing.T) *hook {
	l, err := net.Listen("tcp", net.JoinHostPort(os.Getenv("FLOWC_E2E_HOST"), "0"))
	if err != nil {
		t.Fatal(err)
	}
	h := &hook{url: "http://" + l.Addr().String()}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		p := post{path: r.URL.Path, contentType: r.Header.Get("Content-Type")}
		if r.Method != http.MethodPost {
			p.err = fmt.Errorf("method %s", r.Method)
		}
		var body map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&body); err != nil {
			p.err = fmt.Errorf("body %q: %v", b, err)
		} else if text, ok := body["text"].(string); !ok || len(body) != 1 {
			p.err = fmt.Errorf("body %q, want {\"text\": ...} only", b)
		} else {
			p.text = text
		}
		h.mu.Lock()
		h.posts = append(h.posts, p)
		h.mu.Unlock()
	})}
	go srv.Serve(l) //nolint:errcheck
	t.Cleanup(func() { srv.Close() })
	return h
}

// of returns the posts that name run id.
func (h *hook) of(id string) []post {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []post
	for _, p := range h.posts {
		if p.err != nil || strings.Contains(p.text, "/"+id+" ") || strings.Contains(p.text, "/"+id+"/") || strings.Contains(p.text, "/"+id+".") {
			out = append(out, p)
		}
	}
	return out
}

// want waits for the run's notification (its exit handler ends before
// the Workflow does, so it is normally there at once), wants exactly one,
// posted as JSON to path, with text when text is not empty; it returns
// the text.
func (h *hook) want(t *testing.T, id, path, text string) string {
	t.Helper()
	var ps []post
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(2 * time.Second) {
		if ps = h.of(id); len(ps) > 0 {
			break
		}
	}
	if len(ps) != 1 {
		t.Fatalf("%d notifications of run %s, want 1: %+v", len(ps), id, ps)
	}
	p := ps[0]
	if mt, _, _ := mime.ParseMediaType(p.contentType); p.err != nil || p.path != path || mt != "application/json" || text != "" && p.text != text {
		t.Fatalf("notification of run %s: %+v; want a JSON post to %s with text %q", id, p, path, text)
	}
	t.Logf("notification of run %s: POST %s %s", id, p.path, p.text)
	return p.text
}

// wantNone wants no notification of run id.
func (h *hook) wantNone(t *testing.T, id string) {
	t.Helper()
	if ps := h.of(id); len(ps) > 0 {
		t.Errorf("run %s notified %+v, want nothing", id, ps)
	}
}
