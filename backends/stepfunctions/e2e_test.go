package stepfunctions_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/internal/runsnap"
	"github.com/flowc-dev/flowc/internal/s3test"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/runtime/build"
	"github.com/flowc-dev/flowc/runtime/datastore"
	flowexec "github.com/flowc-dev/flowc/runtime/exec"
)

// e2eRoot is the S3 datastore root the flows are compiled for; run.mjs
// serves it from a local directory.
const e2eRoot = "s3://flowc-e2e/datastore"

var e2eOptions = stepfunctions.Options{
	Common:   backends.Common{Image: "flowc-e2e:latest", DatastoreRoot: e2eRoot},
	JobQueue: "arn:aws:batch:eu-west-1:123456789012:job-queue/flowc",
	Role:     "arn:aws:iam::123456789012:role/flowc",
}

// e2eParams are the parameters an example runs with: as flowc run gets
// them (typed JSON by field) and as the execution's input (text by name).
type e2eParams struct {
	local map[string]json.RawMessage
	input map[string]any
}

var e2eCases = map[string]e2eParams{
	"production": {
		local: map[string]json.RawMessage{"Owner": json.RawMessage(`"ops@example.com"`),
			"Countries": json.RawMessage(`["NL","FR"]`), "Weights": json.RawMessage(`{"amount":1,"foreign":0,"night":0}`)},
		// weights as a JSON object, as the console and an EventBridge
		// InputTransformer give it.
		input: map[string]any{"owner": "ops@example.com", "countries": "NL,FR", "weights": map[string]any{"amount": 1, "foreign": 0, "night": 0}},
	},
	// A value no shell would pass unchanged, and braces and quotes that
	// the intrinsic functions must carry as they are.
	"hello": {
		local: map[string]json.RawMessage{"Name": json.RawMessage(`"O'Brien \"$(rm -rf /)\" ${HOME} {}"`)},
		input: map[string]any{"name": `O'Brien "$(rm -rf /)" ${HOME} {}`},
	},
}

// e2eSecrets are the Secrets Manager secrets run.mjs gives the jobs, by
// ARN, as Batch would: //flow:secrets sources=[db-credentials] of
// production and testdata/secrets, with e2eOptions' job queue's region and
// account.
var e2eSecrets = map[string]string{
	"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-credentials": `{"DB_HOST": "db.example", "DB_PORT": 5432}`,
	"arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-token":      "plain-token",
}

// timed lists, by example, the artifacts that hold wall-clock times, which
// no two runs share.
var timed = map[string][]string{"branch": {"Elapsed", "Timings"}}

func loadExample(t *testing.T, name string) (*ir.Flow, string) {
	t.Helper()
	return loadDir(t, filepath.Join("..", "..", "examples", name))
}

func loadDir(t *testing.T, dir string) (*ir.Flow, string) {
	t.Helper()
	pkg, diags := check.Load(dir, parser.Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	f, err := check.Select(pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	return f, pkg.Dir
}

// compileBundle compiles f for step-functions and writes its files into
// one file, each under a "# ---- NAME ----" line, as the golden files are.
func compileBundle(t *testing.T, f *ir.Flow, dir string, opts stepfunctions.Options) string {
	t.Helper()
	tg, err := backends.Lookup("step-functions")
	if err != nil {
		t.Fatal(err)
	}
	opts.Dir = dir
	files, diags, err := tg.Compile(f, &opts)
	if err != nil || len(diags) > 0 {
		t.Fatalf("compile: %v %v", err, diags)
	}
	var b bytes.Buffer
	for _, fl := range files {
		b.WriteString("# ---- " + fl.Name + " ----\n")
		b.Write(fl.Data)
	}
	path := filepath.Join(t.TempDir(), f.Name+".step-functions")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// execution is what run.mjs reports.
type execution struct {
	Status string          `json:"status"`
	Error  string          `json:"error"`
	Cause  string          `json:"cause"`
	Output json.RawMessage `json:"output"`
	Tasks  []struct {
		State   string   `json:"state"`
		Command []string `json:"command"`
		Exit    int      `json:"exit"`
	} `json:"tasks"`
	Events []string `json:"events"`
}

// e2eStore is where an execution's datastore lives: with s3 nil, the
// local directory dir, which run.mjs serves as the compiled root e2eRoot;
// else s3rver, which the runner processes and the getObject states reach
// over HTTP at the compiled root itself.
type e2eStore struct {
	dir string
	s3  *s3test.Server
}

// args are run.mjs's datastore arguments.
func (st e2eStore) args() []string {
	if st.s3 != nil {
		return []string{"--s3-endpoint", st.s3.Endpoint}
	}
	return []string{"--datastore", st.dir, "--s3-root", e2eRoot}
}

// execute runs a compiled state machine in aws-local-stepfunctions, its
// Batch jobs as processes of runner against the datastore directory root.
func execute(t *testing.T, node, bundle, runner, root, runID string, input map[string]any) execution {
	t.Helper()
	return executeOn(t, node, bundle, runner, e2eStore{dir: root}, runID, input)
}

// executeOn runs a compiled state machine in aws-local-stepfunctions, its
// Batch jobs as processes of runner against the datastore st. With
// s3rver, this process's environment (s3test's Setenv) gives run.mjs and
// the runners their credentials.
func executeOn(t *testing.T, node, bundle, runner string, st e2eStore, runID string, input map[string]any) execution {
	t.Helper()
	in, _ := json.Marshal(input)
	if input == nil {
		in = []byte("{}")
	}
	sec, _ := json.Marshal(e2eSecrets)
	args := append([]string{filepath.Join(toolsDir, "run.mjs"), "--definition", bundle, "--runner", runner,
		"--execution", runID, "--input", string(in), "--secrets", string(sec)}, st.args()...)
	cmd := exec.Command(node, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var res execution
	if jerr := json.Unmarshal(out, &res); jerr != nil {
		t.Fatalf("run.mjs: %v %v\n%.2000s\n%s", err, jerr, out, stderr.String())
	}
	return res
}

// snapshot reads a run through the client: its status and parameters, and
// every task with its status, attempt, transition and the content hash of
// each artifact (skip: artifacts named but not compared).
func snapshot(t *testing.T, root, flow, runID string, skip []string) []string {
	t.Helper()
	out, err := runsnap.Of(root, flow, runID, skip)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExamplesExecute compiles every example for step-functions, executes
// the state machine in aws-local-stepfunctions with its Batch jobs run as
// processes of the example's real task runner and its datastore reads
// served from the same local datastore, and wants every task with the same
// artifacts as flowc run of the same flow, read back through the client:
// one flow, the same results on two engines.
func TestExamplesExecute(t *testing.T) {
	node := needNode(t)
	ents, err := os.ReadDir(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ent := range ents {
		name := ent.Name()
		t.Run(name, func(t *testing.T) {
			sameOnBothEngines(t, node, filepath.Join("..", "..", "examples", name), "sfn-e2e-"+name, e2eCases[name], timed[name])
		})
	}
}

// TestCaughtCrashExecute executes a flow whose caught step's process dies
// on every attempt: after the retries, the state machine's Catch runs the
// runner once more to record the failure as caught (as flowc's executor
// does), and the run goes on to End, the same as flowc run.
func TestCaughtCrashExecute(t *testing.T) {
	node := needNode(t)
	// The caught error's message differs: flowc's executor saw the exit
	// status, the state machine only that the job failed.
	run := sameOnBothEngines(t, node, filepath.Join("..", "..", "runtime", "exec", "testdata", "crash"), "sfn-crash", e2eParams{}, []string{"Failure"})
	tasks, err := run.Step("Boom").Tasks()
	if err != nil || len(tasks) != 1 {
		t.Fatalf("Boom: %v %v", tasks, err)
	}
	if tasks[0].Status() != datastore.AttemptCaught || !slices.Equal(tasks[0].Attempts(), []int{0, 1, 2}) {
		t.Errorf("Boom: %s after attempts %v, want caught after 0, 1 and the record 2", tasks[0].Status(), tasks[0].Attempts())
	}
	failure, err := tasks[0].ArtifactAny("Failure")
	if err != nil || !strings.Contains(fmt.Sprint(failure), "process died") {
		t.Errorf("Boom's Failure: %v %v", failure, err)
	}
	end, err := run.EndTask()
	if err != nil {
		t.Fatal(err)
	}
	var reached bool
	if err := end.Artifact("Reached", &reached); err != nil || !reached {
		t.Errorf("End: Reached %v %v", reached, err)
	}
}

// TestParamsExecute executes a flow whose optional parameters without a
// default are left out (as a schedule, an event rule or a trigger leaves
// them), with a JSON parameter given as a JSON object and another as a
// number where a string is expected, the same as flowc run with the same
// values: the parameters a run records and the artifacts match.
func TestParamsExecute(t *testing.T) {
	node := needNode(t)
	dir := filepath.Join("testdata", "params")
	t.Run("omitted", func(t *testing.T) {
		sameOnBothEngines(t, node, dir, "sfn-params-omitted", e2eParams{
			local: map[string]json.RawMessage{"Owner": json.RawMessage(`"ops"`)},
			input: map[string]any{"owner": "ops"},
		}, nil)
	})
	t.Run("json", func(t *testing.T) {
		sameOnBothEngines(t, node, dir, "sfn-params-json", e2eParams{
			local: map[string]json.RawMessage{"Owner": json.RawMessage(`"7"`), "Note": json.RawMessage(`"n"`), "Limit": json.RawMessage(`3`),
				"Weights": json.RawMessage(`{"amount":1,"foreign":0}`), "Extra": json.RawMessage(`{"amount":2,"foreign":1}`),
				"Labels": json.RawMessage(`["a","b"]`)},
			input: map[string]any{"owner": 7, "note": "n", "limit": 3, "labels": "a,b",
				"weights": map[string]any{"amount": 1, "foreign": 0}, "extra": `{"amount": 2, "foreign": 1}`},
		}, nil)
	})
	t.Run("required", func(t *testing.T) {
		f, pkgDir := loadDir(t, dir)
		bundle := compileBundle(t, f, pkgDir, e2eOptions)
		ex := execute(t, node, bundle, "/nonexistent/runner", t.TempDir(), "sfn-params-required", map[string]any{"note": "n"})
		// aws-local-stepfunctions reports a Fail state's Cause as the
		// execution's error message.
		if ex.Status != "FAILED" || !strings.Contains(ex.Cause, "parameter owner is required") || !slices.Contains(ex.Events, "StateEntered:flowc.missing.owner") {
			t.Errorf("execution %s %s: %s; events %v; want flowc.missing.owner", ex.Status, ex.Error, ex.Cause, ex.Events)
		}
	})
}

// TestWideNestedForeachExecute executes a foreach holding a foreach of 41
// items, wider than an inline Map takes, and a top-level foreach after it,
// the same as flowc run. The outer foreach runs as a Distributed Map (each
// item a child execution with its own history), the inner one, as wide,
// as a Distributed Map in it, and the top-level one of 3 items inline;
// after the inline Map its item list has left the payload.
// (run.mjs runs a Distributed Map's iterations in the one execution.)
func TestWideNestedForeachExecute(t *testing.T) {
	node := needNode(t)
	sameOnBothEngines(t, node, filepath.Join("testdata", "wide"), "sfn-wide", e2eParams{}, nil)
	ex := lastExecution
	for _, want := range []string{"StateEntered:Start.distributed", "StateEntered:Group.d.distributed", "StateEntered:Fan.map"} {
		if !slices.Contains(ex.Events, want) {
			t.Errorf("events lack %s: %v", want, ex.Events)
		}
	}
	if slices.Contains(ex.Events, "StateEntered:Group.map") || slices.Contains(ex.Events, "StateEntered:Group.d.map") {
		t.Errorf("the inner foreach of 41 items ran as an inline Map")
	}
	var out struct {
		Items json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(ex.Output, &out); err != nil || string(out.Items) != `{"count":3}` {
		t.Errorf("the execution's output holds items %s (%v), want {\"count\":3}: the list leaves the payload with its Map", out.Items, err)
	}
}

// TestSecretsExecute executes a step with //flow:secrets: each key of a
// JSON secret is a variable of its own (DB_HOST, as a Kubernetes Secret
// gives on argo), the variable Batch put the whole secret in is gone, and
// a secret that is not JSON stays whole in its variable.
func TestSecretsExecute(t *testing.T) {
	node := needNode(t)
	f, dir := loadDir(t, filepath.Join("testdata", "secrets"))
	bundle := compileBundle(t, f, dir, e2eOptions)
	r, err := build.Build(context.Background(), dir, f, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	ex := execute(t, node, bundle, r.Path, root, "sfn-secrets", nil)
	if ex.Status != "SUCCEEDED" {
		t.Fatalf("execution %s: %s: %s", ex.Status, ex.Error, ex.Cause)
	}
	c, _ := client.Open(root)
	run, err := c.Namespace(client.Global).Flow(f.Name).Run("sfn-secrets")
	if err != nil {
		t.Fatal(err)
	}
	end, err := run.EndTask()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"Host": "db.example", "Port": "5432", "Whole": "", "Token": "plain-token"} {
		var got string
		err := end.Artifact(name, &got)
		if want == "" && err != nil {
			continue // the empty string, not saved
		}
		if err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", name, got, err, want)
		}
	}
}

// TestGeneratedExecute executes a flow of 30 steps from internal/flowgen
// (testdata/generated, -steps 30 -seed 3: a branch inside a branch, a
// self-loop in a branch, a foreach in a branch with a foreach inside it, a
// self-loop after a join), the same as flowc run.
func TestGeneratedExecute(t *testing.T) {
	node := needNode(t)
	sameOnBothEngines(t, node, filepath.Join("testdata", "generated"), "sfn-generated", e2eParams{}, nil)
}

// lastExecution is the execution sameOnBothEngines ran last (the tests
// of this package run one at a time).
var lastExecution execution

// sameOnBothEngines compiles the flow in dir for step-functions, executes
// the state machine in aws-local-stepfunctions with its Batch jobs run as
// processes of the flow's real task runner and its datastore reads served
// from the same local datastore, runs it with flowc run too, and wants
// every task with the same status, attempt and artifacts, read through the
// client. It returns the Step Functions run.
func sameOnBothEngines(t *testing.T, node, dir, runID string, params e2eParams, skip []string) *client.Run {
	t.Helper()
	return sameOnBothEnginesOn(t, node, dir, runID, params, skip, nil)
}

// sameOnBothEnginesOn is sameOnBothEngines with the Step Functions run's
// datastore on s3rver (srv not nil): the flow is compiled for the root
// srv.Root("sfn/"+runID), which the runners and getObject states use as it
// is, and the run is read back from there. flowc run writes to a local
// directory either way.
func sameOnBothEnginesOn(t *testing.T, node, dir, runID string, params e2eParams, skip []string, srv *s3test.Server) *client.Run {
	t.Helper()
	ctx := context.Background()
	f, pkgDir := loadDir(t, dir)
	opts, sfnStore := e2eOptions, e2eStore{dir: t.TempDir()}
	sfnRoot := sfnStore.dir
	if srv != nil {
		sfnStore = e2eStore{s3: srv}
		sfnRoot = srv.Root("sfn/" + runID)
		opts.DatastoreRoot = sfnRoot
	}
	bundle := compileBundle(t, f, pkgDir, opts)
	r, err := build.Build(ctx, pkgDir, f, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	localRoot := t.TempDir()
	var out bytes.Buffer
	res, err := flowexec.Run(ctx, flowexec.Options{Plan: f, PkgDir: pkgDir, Root: localRoot, RunID: runID, Params: params.local, Out: &out})
	if err != nil || res.Status != datastore.RunSucceeded {
		t.Fatalf("flowc run: %v %+v\n%s", err, res, out.String())
	}

	ex := executeOn(t, node, bundle, r.Path, sfnStore, runID, params.input)
	lastExecution = ex
	if ex.Status != "SUCCEEDED" {
		t.Fatalf("execution %s: %s: %s\nevents %v", ex.Status, ex.Error, ex.Cause, ex.Events)
	}
	want := snapshot(t, localRoot, f.Name, runID, skip)
	got := snapshot(t, sfnRoot, f.Name, runID, skip)
	if len(want) < 3 || !strings.Contains(want[len(want)-1], "/End/0 ") {
		t.Fatalf("flowc run's snapshot lacks tasks:\n%s", strings.Join(want, "\n"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("the Step Functions run differs from flowc run:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
	c, err := client.Open(sfnRoot)
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.Namespace(client.Global).Flow(f.Name).Run(runID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(run.SystemTags(), "runtime:step-functions") {
		t.Errorf("run tags %v, want runtime:step-functions (FLOWC_ENGINE from the job definition)", run.SystemTags())
	}
	// Every job ran the runner with an argument array, no shell, for the
	// compiled datastore root.
	for _, tk := range ex.Tasks {
		if tk.Command[0] != ir.RunnerPath || tk.Command[1] != "step" {
			t.Errorf("%s ran %v", tk.State, tk.Command)
		}
		if i := slices.Index(tk.Command, "--datastore-root"); i < 0 || i+1 == len(tk.Command) || tk.Command[i+1] != opts.DatastoreRoot {
			t.Errorf("%s ran %v, want --datastore-root %s", tk.State, tk.Command, opts.DatastoreRoot)
		}
	}
	return run
}

// TestExecutionFailure executes retrycatch with a Fetch that fails on
// every attempt: the state machine retries it as //flow:retry says (four
// attempts, each numbered by the runner), then records the run as failed
// with the runner's end-run and fails the execution.
func TestExecutionFailure(t *testing.T) {
	node := needNode(t)
	ctx := context.Background()
	f, dir := loadExample(t, "retrycatch")
	bundle := compileBundle(t, f, dir, e2eOptions)
	r, err := build.Build(ctx, dir, f, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	ex := execute(t, node, bundle, r.Path, root, "sfn-fails", map[string]any{"fail-attempts": "9"})
	// aws-local-stepfunctions reports a Fail state's Cause as the
	// execution's error message.
	if ex.Status != "FAILED" || !strings.Contains(ex.Cause, "a task of the run failed for good") {
		t.Fatalf("execution %s %s: %s", ex.Status, ex.Error, ex.Cause)
	}
	var fetches int
	for _, tk := range ex.Tasks {
		if tk.State == "Fetch" {
			fetches++
		}
	}
	if fetches != 4 {
		t.Errorf("Fetch ran %d times, want 4 (1 + retry times=3)", fetches)
	}
	if last := ex.Tasks[len(ex.Tasks)-1]; last.State != "flowc.failed" || last.Command[1] != "end-run" {
		t.Errorf("the last job is %s %v, want end-run", last.State, last.Command)
	}
	c, _ := client.Open(root)
	run, err := c.Namespace(client.Global).Flow(f.Name).Run("sfn-fails")
	if err != nil {
		t.Fatal(err)
	}
	if run.Status() != datastore.RunFailed {
		t.Errorf("run status %s, want failed", run.Status())
	}
	tasks, err := run.Step("Fetch").Tasks()
	if err != nil || len(tasks) != 1 {
		t.Fatalf("Fetch tasks: %v %v", tasks, err)
	}
	if got := tasks[0].Attempts(); !slices.Equal(got, []int{0, 1, 2, 3}) {
		t.Errorf("Fetch attempts %v, want 0..3", got)
	}
}
