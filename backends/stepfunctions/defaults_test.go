package stepfunctions_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
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
	if len(rules) != 3 || !strings.HasSuffix(rules[0].Name, "-ended") {
		t.Fatalf("%d rules, want the ended rule and 2", len(rules))
	}
	// One rule per state machine, so that each knows the end event it
	// passes as the run's trigger (TestTriggerOnFinishProjectInput).
	var got []string
	for _, r := range rules[1:] {
		var pattern struct {
			Detail struct {
				StateMachineArn []map[string]string `json:"stateMachineArn"`
			} `json:"detail"`
		}
		if err := json.Unmarshal([]byte(r.EventPattern), &pattern); err != nil {
			t.Fatal(err)
		}
		for _, m := range pattern.Detail.StateMachineArn {
			got = append(got, m["suffix"])
		}
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

// TestBatchQueue: a step's //flow:batch queue= sends its jobs (and its
// caught record's) to that queue; the others go to --job-queue.
func TestBatchQueue(t *testing.T) {
	src := `package p

import "github.com/flowc-dev/flowc/flow"

type Q struct{}

func (f *Q) Start(c *flow.Context) flow.Next { return flow.Goto(f.Train) }

//flow:batch queue=gpu-queue gpu=1
//flow:catch
func (f *Q) Train(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Q) End(c *flow.Context) {}
`
	pkg, diags := parser.LoadFiles(t.TempDir(), map[string][]byte{"flow.go": []byte(src)}, parser.Options{})
	for _, f := range pkg.Flows {
		diags = append(diags, check.Flow(f)...)
	}
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	tg, _ := backends.Lookup("step-functions")
	files, diags, err := tg.Compile(pkg.Flows[0], &e2eOptions)
	if err != nil || len(diags) > 0 {
		t.Fatal(err, diags)
	}
	var m map[string]any
	if err := json.Unmarshal(files[0].Data, &m); err != nil {
		t.Fatal(err)
	}
	queues := map[string]string{}
	walkStates(m, func(name string, st map[string]any) {
		if p, ok := st["Parameters"].(map[string]any); ok && p["JobQueue"] != nil {
			queues[name] = p["JobQueue"].(string)
		}
	})
	for _, name := range []string{"Train", "Train.caught"} {
		if queues[name] != "gpu-queue" {
			t.Errorf("%s goes to %q, want gpu-queue", name, queues[name])
		}
	}
	for _, name := range []string{"Start", "End", "flowc.failed"} {
		if queues[name] != e2eOptions.JobQueue {
			t.Errorf("%s goes to %q, want --job-queue", name, queues[name])
		}
	}
}

// TestSpotRetry: every job definition lets Batch rerun a job whose host
// was reclaimed, and only that, apart from the state machine's retries.
func TestSpotRetry(t *testing.T) {
	files := compileFiles(t, "retrycatch", e2eOptions)
	var jobs []stepfunctions.JobDefinition
	if err := json.Unmarshal(files[".batch.json"], &jobs); err != nil {
		t.Fatal(err)
	}
	for _, jd := range jobs {
		rs := jd.RetryStrategy
		if rs.Attempts != stepfunctions.SpotAttempts || len(rs.EvaluateOnExit) != 2 ||
			rs.EvaluateOnExit[0] != (stepfunctions.EvaluateOnExit{OnStatusReason: "Host EC2*", Action: "RETRY"}) ||
			rs.EvaluateOnExit[1] != (stepfunctions.EvaluateOnExit{OnReason: "*", Action: "EXIT"}) {
			t.Errorf("%s: retryStrategy %+v, want Spot reclamation retried and nothing else", jd.JobDefinitionName, rs)
		}
	}
}

// TestTmpfs: //flow:batch use_tmpfs mounts a tmpfs of half the job's
// memory at /metaflow_temp (Metaflow's defaults), tmpfs_size and
// tmpfs_path choose them, and TMPDIR names it.
func TestTmpfs(t *testing.T) {
	for _, tc := range []struct {
		attrs string
		want  stepfunctions.Tmpfs
	}{
		{"use_tmpfs=true memory=8192", stepfunctions.Tmpfs{ContainerPath: "/metaflow_temp", Size: 4096}},
		{"tmpfs_size=1024 tmpfs_path=/scratch", stepfunctions.Tmpfs{ContainerPath: "/scratch", Size: 1024}},
	} {
		src := "package p\n\nimport \"github.com/flowc-dev/flowc/flow\"\n\ntype T struct{}\n\n//flow:batch " + tc.attrs +
			"\nfunc (f *T) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }\n\nfunc (f *T) End(c *flow.Context) {}\n"
		pkg, diags := parser.LoadFiles(t.TempDir(), map[string][]byte{"flow.go": []byte(src)}, parser.Options{})
		for _, f := range pkg.Flows {
			diags = append(diags, check.Flow(f)...)
		}
		if len(diags) > 0 {
			t.Fatal(diags)
		}
		tg, _ := backends.Lookup("step-functions")
		files, diags, err := tg.Compile(pkg.Flows[0], &e2eOptions)
		if err != nil || len(diags) > 0 {
			t.Fatal(err, diags)
		}
		var jobs []stepfunctions.JobDefinition
		if err := json.Unmarshal(files[1].Data, &jobs); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, jd := range jobs {
			cp := jd.ContainerProperties
			if cp.LinuxParameters == nil || len(cp.LinuxParameters.Tmpfs) == 0 {
				continue
			}
			found = true
			if cp.LinuxParameters.Tmpfs[0] != tc.want {
				t.Errorf("%s: tmpfs %+v, want %+v", tc.attrs, cp.LinuxParameters.Tmpfs[0], tc.want)
			}
			if !slices.Contains(cp.Environment, stepfunctions.KeyValue{Name: "TMPDIR", Value: tc.want.ContainerPath}) {
				t.Errorf("%s: environment %v lacks TMPDIR", tc.attrs, cp.Environment)
			}
		}
		if !found {
			t.Errorf("%s: no job definition has a tmpfs", tc.attrs)
		}
	}
}

// TestSeparateRoles: --job-role is the jobs' role, --events-role the
// schedule's and rules', each --role when not given.
func TestSeparateRoles(t *testing.T) {
	opts := e2eOptions
	opts.JobRole, opts.EventsRole = "arn:aws:iam::123456789012:role/jobs", "arn:aws:iam::123456789012:role/events"
	files := compileFiles(t, "production", opts)
	var jobs []stepfunctions.JobDefinition
	var rules []stepfunctions.Rule
	var sched stepfunctions.Schedule
	if json.Unmarshal(files[".batch.json"], &jobs) != nil || json.Unmarshal(files[".rules.json"], &rules) != nil || json.Unmarshal(files[".schedule.json"], &sched) != nil {
		t.Fatal("unreadable output")
	}
	for _, jd := range jobs {
		if jd.ContainerProperties.JobRoleArn != opts.JobRole {
			t.Errorf("%s runs as %s, want --job-role", jd.JobDefinitionName, jd.ContainerProperties.JobRoleArn)
		}
	}
	for _, r := range rules {
		if r.Target.RoleArn != opts.EventsRole {
			t.Errorf("rule %s starts as %s, want --events-role", r.Name, r.Target.RoleArn)
		}
	}
	if sched.Target.RoleArn != opts.EventsRole {
		t.Errorf("the schedule starts as %s, want --events-role", sched.Target.RoleArn)
	}
}
