package stepfunctions_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/parser"
)

// compileFiles compiles an example for step-functions and returns its
// files by suffix.
func compileFiles(t *testing.T, example string, opts stepfunctions.Options) map[string][]byte {
	t.Helper()
	return compileDir(t, filepath.Join("..", "..", "examples", example), opts)
}

// compileDir compiles the flow in dir for step-functions and returns its
// files by suffix.
func compileDir(t *testing.T, pkg string, opts stepfunctions.Options) map[string][]byte {
	t.Helper()
	f, dir := loadDir(t, pkg)
	tg, _ := backends.Lookup("step-functions")
	opts.Dir = dir
	files, diags, err := tg.Compile(f, &opts)
	if err != nil || len(diags) > 0 {
		t.Fatal(err, diags)
	}
	out := map[string][]byte{}
	for _, fl := range files {
		out[strings.TrimPrefix(fl.Name, f.Name)] = fl.Data
	}
	return out
}

// TestDefaults wants, without --max-workers, every Map's MaxConcurrency
// at 100 (Metaflow's max-workers), and every job definition, without
// //flow:timeout, limited to 5 days an attempt (Metaflow's run time limit
// on Batch); --max-workers and //flow:timeout override them.
func TestDefaults(t *testing.T) {
	for _, tc := range []struct {
		workers, want int
	}{{0, stepfunctions.DefaultMaxWorkers}, {7, 7}} {
		opts := e2eOptions
		opts.MaxWorkers = tc.workers
		files := compileFiles(t, "foreach", opts)
		var m map[string]any
		if err := json.Unmarshal(files[".asl.json"], &m); err != nil {
			t.Fatal(err)
		}
		maps := 0
		walkStates(m, func(name string, st map[string]any) {
			if st["Type"] == "Map" {
				maps++
				if got, _ := st["MaxConcurrency"].(float64); int(got) != tc.want {
					t.Errorf("--max-workers %d: Map %s has MaxConcurrency %v, want %d", tc.workers, name, st["MaxConcurrency"], tc.want)
				}
			}
		})
		if maps < 2 {
			t.Fatalf("%d Map states, want the inline and the distributed", maps)
		}
	}
	files := compileFiles(t, "retrycatch", e2eOptions)
	var jobs []stepfunctions.JobDefinition
	if err := json.Unmarshal(files[".batch.json"], &jobs); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, jd := range jobs {
		if jd.Timeout == nil {
			t.Errorf("job definition %s has no attempt timeout", jd.JobDefinitionName)
			continue
		}
		seen[jd.Timeout.AttemptDurationSeconds] = true
	}
	if !seen[5*24*3600] || len(seen) < 2 {
		t.Errorf("attempt timeouts %v, want 5 days by default and a step's //flow:timeout", seen)
	}
}

// TestExecutionRole wants every job definition to have an execution role,
// which Batch needs to read a job's secrets: --role by default, a step's
// //flow:batch execution_role= for its own.
func TestExecutionRole(t *testing.T) {
	files := compileDir(t, filepath.Join("testdata", "secrets"), e2eOptions)
	var jobs []stepfunctions.JobDefinition
	if err := json.Unmarshal(files[".batch.json"], &jobs); err != nil {
		t.Fatal(err)
	}
	roles := map[string]bool{}
	for _, jd := range jobs {
		cp := jd.ContainerProperties
		if cp.ExecutionRoleArn == "" {
			t.Errorf("job definition %s has no executionRoleArn", jd.JobDefinitionName)
		}
		if len(cp.Secrets) > 0 && cp.ExecutionRoleArn != "arn:aws:iam::123456789012:role/start-exec" {
			t.Errorf("Start's job definition has execution role %q, want its execution_role", cp.ExecutionRoleArn)
		}
		roles[cp.ExecutionRoleArn] = true
	}
	if !roles[e2eOptions.Role] {
		t.Errorf("execution roles %v, want --role for the steps without execution_role", roles)
	}
}

// compileSource compiles a one-file flow for step-functions and returns
// its diagnostics as text.
func compileSource(t *testing.T, src string) string {
	t.Helper()
	pkg, diags := parser.LoadFiles(t.TempDir(), map[string][]byte{"flow.go": []byte(src)}, parser.Options{})
	for _, f := range pkg.Flows {
		diags = append(diags, check.Flow(f)...)
	}
	if len(diags) > 0 || len(pkg.Flows) != 1 {
		t.Fatal(diags)
	}
	tg, _ := backends.Lookup("step-functions")
	_, diags, err := tg.Compile(pkg.Flows[0], &e2eOptions)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(diags)
}

// TestExecutionRoleNotARN wants FLOW083 for an execution_role that is not
// an ARN.
func TestExecutionRoleNotARN(t *testing.T) {
	got := compileSource(t, `package p

import "github.com/flowc-dev/flowc/flow"

type Roles struct{}

//flow:batch execution_role=reader
func (f *Roles) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Roles) End(c *flow.Context) {}
`)
	if !strings.Contains(got, `FLOW083 step-functions: batch execution_role "reader" is not an IAM role ARN`) {
		t.Errorf("diagnostics %q, want FLOW083 naming execution_role", got)
	}
}

// TestTriggerOnFinishProject wants production's rule (project fraud,
// trigger_on_finish flow=Training) to match Training deployed in the same
// project and branch (fraud-main-Training) and outside any project.
func TestTriggerOnFinishProject(t *testing.T) {
	files := compileFiles(t, "production", e2eOptions)
	var rules []stepfunctions.Rule
	if err := json.Unmarshal(files[".rules.json"], &rules); err != nil {
		t.Fatal(err)
	}
	if len(rules) != 2 || !strings.HasSuffix(rules[0].Name, "-ended") {
		t.Fatalf("%d rules, want the ended rule and 1", len(rules))
	}
	rules = rules[1:]
	var pattern struct {
		Detail struct {
			StateMachineArn []map[string]string `json:"stateMachineArn"`
		} `json:"detail"`
	}
	if err := json.Unmarshal([]byte(rules[0].EventPattern), &pattern); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range pattern.Detail.StateMachineArn {
		got = append(got, m["suffix"])
	}
	want := []string{":stateMachine:fraud-main-Training", ":stateMachine:Training"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the rule matches state machines ending in %v, want %v", got, want)
	}
}

// TestTriggerAnyEvent wants a //flow:trigger of two events to start a run
// on either: one rule per event, each targeting the state machine.
func TestTriggerAnyEvent(t *testing.T) {
	files := compileDir(t, filepath.Join("testdata", "events"), e2eOptions)
	var rules []stepfunctions.Rule
	if err := json.Unmarshal(files[".rules.json"], &rules); err != nil {
		t.Fatal(err)
	}
	var events []string
	for _, r := range rules {
		if strings.HasSuffix(r.Name, "-ended") {
			continue
		}
		var p struct {
			DetailType []string `json:"detail-type"`
		}
		json.Unmarshal([]byte(r.EventPattern), &p)
		events = append(events, p.DetailType...)
		if r.Target.Arn == "" {
			t.Errorf("rule %s has no target", r.Name)
		}
	}
	if fmt.Sprint(events) != "[data_ready model_ready]" {
		t.Errorf("rules on %v, want one on data_ready and one on model_ready", events)
	}
}

// TestTimeoutAndEnded wants the state machine's TimeoutSeconds from
// --workflow-timeout (30 days by default, as argo's workflow deadline),
// and the rule that records a timed-out or stopped execution's run.
func TestTimeoutAndEnded(t *testing.T) {
	for _, tc := range []struct {
		timeout time.Duration
		want    int
	}{{0, 30 * 24 * 3600}, {2 * time.Hour, 7200}} {
		opts := e2eOptions
		opts.WorkflowTimeout = tc.timeout
		files := compileFiles(t, "hello", opts)
		var m stepfunctions.Machine
		if err := json.Unmarshal(files[".asl.json"], &m); err != nil {
			t.Fatal(err)
		}
		if m.TimeoutSeconds != tc.want {
			t.Errorf("--workflow-timeout %s: TimeoutSeconds %d, want %d", tc.timeout, m.TimeoutSeconds, tc.want)
		}
		var rules []stepfunctions.Rule
		if err := json.Unmarshal(files[".rules.json"], &rules); err != nil {
			t.Fatal(err)
		}
		if len(rules) != 1 || rules[0].Name != "Hello-ended" || !strings.Contains(rules[0].EventPattern, `"TIMED_OUT","ABORTED"`) ||
			rules[0].Target.InputTransformer == nil || rules[0].Target.InputTransformer.InputTemplate != `{"flowc:end-run": <run>}` {
			t.Errorf("rules %+v, want Hello-ended on TIMED_OUT and ABORTED", rules)
		}
	}
}
