package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/backends/stepfunctions/deploy/deploytest"
	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// flowcOut runs flowc in-process and returns its exit code and output.
func flowcOut(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

var sfnFlags = []string{
	"--image", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud:1",
	"--job-queue", "arn:aws:batch:eu-west-1:123456789012:job-queue/flowc",
	"--role", "arn:aws:iam::123456789012:role/flowc",
	"--datastore-root", "s3://flowc-test/ds",
}

// TestDeployStepFunctionsDryRun prints the calls of a first deployment
// and contacts nothing (no endpoint is given, and no credentials).
func TestDeployStepFunctionsDryRun(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	args := append([]string{"deploy", "step-functions", filepath.Join("..", "..", "examples", "loop"), "--dry-run"}, sfnFlags...)
	code, out, errs := flowcOut(args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"batch.RegisterJobDefinition {", "sfn.CreateStateMachine {", `"name":"Sqrt"`} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
}

// TestTriggerStepFunctions starts an execution with parameters given as
// flags: they are checked here and sent as the text given.
func TestTriggerStepFunctions(t *testing.T) {
	deploytest.Env(t)
	fake := deploytest.New()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	pkg := filepath.Join("..", "..", "examples", "loop")
	if code, out, errs := flowcOut(append([]string{"deploy", "step-functions", pkg, "--aws-endpoint-url", srv.URL}, sfnFlags...)...); code != 0 {
		t.Fatalf("deploy: exit %d\n%s%s", code, out, errs)
	}
	if w := deploytest.Writes(fake.Take()); !slices.Contains(w, "sfn.CreateStateMachine") {
		t.Errorf("flowc deploy step-functions wrote %v, want the state machine created", w)
	}
	code, out, errs := flowcOut("trigger", "step-functions", pkg, "--aws-endpoint-url", srv.URL, "--number", "9", "--run-id", "run-7")
	if code != 0 {
		t.Fatalf("trigger: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "started Sqrt/run-7") {
		t.Errorf("trigger output: %s", out)
	}
	var in map[string]any
	json.Unmarshal(fake.Bodies["sfn.StartExecution"][0], &in)
	if in["input"] != `{"number":"9"}` || in["name"] != "run-7" {
		t.Errorf("StartExecution got %s", fake.Bodies["sfn.StartExecution"][0])
	}
	if code, _, errs := flowcOut("trigger", "step-functions", pkg, "--aws-endpoint-url", srv.URL, "--number", "nine"); code != 2 || !strings.Contains(errs, "--number") {
		t.Errorf("a bad value: exit %d, stderr %q; want 2 naming --number", code, errs)
	}
	// Deployed with --name-prefix, triggered with the same.
	if code, out, errs := flowcOut(append([]string{"deploy", "step-functions", pkg, "--aws-endpoint-url", srv.URL, "--name-prefix", "stg-"}, sfnFlags...)...); code != 0 {
		t.Fatalf("deploy --name-prefix: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := flowcOut("trigger", "step-functions", pkg, "--aws-endpoint-url", srv.URL, "--name-prefix", "stg-", "--run-id", "run-8"); code != 0 || !strings.Contains(out, ":stg-Sqrt:run-8") {
		t.Errorf("trigger --name-prefix: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := flowcOut("trigger", "step-functions", filepath.Join("..", "..", "examples", "hello"), "--aws-endpoint-url", srv.URL); code != 1 || !strings.Contains(errs, "deploy the flow first") {
		t.Errorf("an undeployed flow: exit %d, stderr %q", code, errs)
	}
}

// TestStepFunctionsOperate runs the commands that operate a deployed flow
// through the real AWS SDK against the in-process endpoint: the loop
// example is run here (its run recorded in a local datastore, given with
// --datastore-root as the root the job definitions would name), deployed,
// and triggered with the run's id; list, status, logs (the datastore's,
// and CloudWatch Logs' for a job the history names), terminate (stopped,
// the run recorded failed) and delete (everything flowc made, nothing
// else) are checked on what they print and what they call.
func TestStepFunctionsOperate(t *testing.T) {
	deploytest.Env(t)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	fake := deploytest.New()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	ep := []string{"--aws-endpoint-url", srv.URL}
	pkg := filepath.Join("..", "..", "examples", "loop")
	root := filepath.Join(t.TempDir(), ".flowc")
	run := flowcRun(t, "run", pkg, "--datastore-root", root)

	flowcOK(t, append([]string{"deploy", "step-functions", pkg}, append(ep, sfnFlags...)...)...)
	flowcOK(t, append([]string{"trigger", "step-functions", pkg, "--run-id", run}, ep...)...)
	// A state machine of the same account that flowc did not make.
	fake.Machines["Theirs"] = map[string]any{"name": "Theirs", "definition": "{}", "roleArn": "x"}

	out := flowcOK(t, append([]string{"step-functions", "list"}, ep...)...)
	if !strings.Contains(out, "Sqrt (flow Sqrt, deployed") || !strings.Contains(out, run+"  RUNNING") || strings.Contains(out, "Theirs") {
		t.Errorf("list:\n%s", out)
	}
	st := append([]string{"--datastore-root", root}, ep...)
	out = flowcOK(t, append([]string{"step-functions", "status", run}, st...)...)
	for _, want := range []string{"execution " + run + " of Sqrt: RUNNING", "run Sqrt/" + run + ": succeeded", "Refine/0.1", "Report/0"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if code, _, errs := flowcOut(append([]string{"step-functions", "status", "no-such-run"}, st...)...); code != 1 || !strings.Contains(errs, "no execution no-such-run") {
		t.Errorf("status of an unknown run: exit %d\n%s", code, errs)
	}

	// Logs from the datastore.
	out = flowcOK(t, append([]string{"step-functions", "logs", run + "/Report"}, st...)...)
	if !strings.Contains(out, "done") || !strings.Contains(out, "sqrt=") {
		t.Errorf("logs of Report:\n%s", out)
	}
	// Logs from CloudWatch Logs: the history names a Batch job of Report,
	// whose stream (in the group its awslogs driver names) the endpoint
	// holds; Start's job never started.
	exec := deploytest.ExecutionPrefix + "Sqrt:" + run
	fake.History[exec] = []map[string]any{
		{"id": 5, "type": "TaskSubmitted", "timestamp": 1.7e9, "taskSubmittedEventDetails": map[string]any{"resource": "submitJob.sync", "resourceType": "batch", "output": `{"JobId":"job-report"}`}},
		{"id": 9, "type": "TaskSubmitted", "timestamp": 1.7e9, "taskSubmittedEventDetails": map[string]any{"resource": "submitJob.sync", "resourceType": "batch", "output": `{"JobId":"job-start"}`}},
	}
	fake.BatchJobs["job-report"] = json.RawMessage(`{"jobId": "job-report", "jobName": "Sqrt-Report", "jobQueue": "q", "status": "SUCCEEDED", "createdAt": 1700000000000,
		"startedAt": 1700000000000, "jobDefinition": "d", "parameters": {"step": "Report", "task": "0", "run": "x"},
		"container": {"logStreamName": "Sqrt/default/abc", "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/flows/batch"}}}}`)
	fake.BatchJobs["job-start"] = json.RawMessage(`{"jobId": "job-start", "jobName": "Sqrt-Start", "jobQueue": "q", "status": "RUNNABLE", "createdAt": 1700000000000,
		"startedAt": 1700000000000, "jobDefinition": "d", "parameters": {"step": "Start", "task": "0", "run": "x"}}`)
	fake.LogStreams["/flows/batch Sqrt/default/abc"] = []string{"from cloudwatch 1", "from cloudwatch 2"}
	out = flowcOK(t, append([]string{"step-functions", "logs", run + "/Report", "--cloudwatch"}, st...)...)
	if !strings.Contains(out, "job job-report attempt 0, CloudWatch Logs /flows/batch Sqrt/default/abc") || !strings.Contains(out, "from cloudwatch 1\nfrom cloudwatch 2\n") {
		t.Errorf("logs --cloudwatch of Report:\n%s", out)
	}
	code, out, errs := flowcOut(append([]string{"step-functions", "logs", run + "/Start", "--cloudwatch"}, st...)...)
	if code != 1 || !strings.Contains(errs, "job-start (RUNNABLE) has no CloudWatch Logs stream") || !strings.Contains(errs, "no CloudWatch Logs stream is known for "+run+"/Start") {
		t.Errorf("logs --cloudwatch of a job that never started: exit %d\n%s%s", code, out, errs)
	}
	// A step the datastore has no task of: CloudWatch Logs is looked at.
	code, _, errs = flowcOut(append([]string{"step-functions", "logs", run + "/Nowhere"}, st...)...)
	if code != 1 || !strings.Contains(errs, "The datastore has no output of "+run+"/Nowhere") || !strings.Contains(errs, "no CloudWatch Logs stream is known") {
		t.Errorf("logs of a step the datastore lacks: exit %d\n%s", code, errs)
	}
	if code, _, errs := flowcOut(append([]string{"step-functions", "logs", run + "//x"}, st...)...); code != 2 {
		t.Errorf("logs of a malformed argument: exit %d\n%s", code, errs)
	}

	// Delete refuses while the execution runs.
	if code, _, errs := flowcOut(append([]string{"step-functions", "delete", "Sqrt"}, ep...)...); code != 1 || !strings.Contains(errs, "terminate it first") {
		t.Errorf("delete with a running execution: exit %d\n%s", code, errs)
	}

	// Terminate: the execution stopped, the run (made running again, as
	// one in progress) recorded failed.
	c, err := client.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := c.Store().ReadRun(t.Context(), "Sqrt", run)
	if err != nil {
		t.Fatal(err)
	}
	rec.Status = datastore.RunRunning
	if err := c.Store().WriteRun(t.Context(), rec); err != nil {
		t.Fatal(err)
	}
	fake.Take()
	out = flowcOK(t, append([]string{"step-functions", "terminate", run}, st...)...)
	if !strings.Contains(out, "stopped") || !strings.Contains(out, "run Sqrt/"+run+": recorded failed") {
		t.Errorf("terminate:\n%s", out)
	}
	if w := deploytest.Writes(fake.Take()); !slices.Equal(w, []string{"sfn.StopExecution"}) {
		t.Errorf("terminate called %v", w)
	}
	if rec, _ := c.Store().ReadRun(t.Context(), "Sqrt", run); rec.Status != datastore.RunFailed {
		t.Errorf("after terminate the run is %s, want failed", rec.Status)
	}
	if code, _, errs := flowcOut(append([]string{"step-functions", "terminate", run}, st...)...); code != 1 || !strings.Contains(errs, "already ended: ABORTED") {
		t.Errorf("terminate again: exit %d\n%s", code, errs)
	}

	// Delete: the rules, the state machine, the job definitions; not the
	// state machine flowc did not make, nor a job definition of another.
	fake.Jobs["Other-abc"] = json.RawMessage(`{"jobDefinitionName": "Other-abc", "jobDefinitionArn": "arn:other", "status": "ACTIVE", "tags": {"flowc:flow": "Other"}}`)
	if code, _, errs := flowcOut(append([]string{"step-functions", "delete", "Theirs"}, ep...)...); code != 1 || !strings.Contains(errs, "flowc did not deploy it") {
		t.Errorf("delete of a state machine not flowc's: exit %d\n%s", code, errs)
	}
	out = flowcOK(t, append([]string{"step-functions", "delete", "Sqrt"}, ep...)...)
	if !strings.Contains(out, "rule Sqrt-ended: deleted") || !strings.Contains(out, "state machine Sqrt: deleted") || !strings.Contains(out, "job definition") {
		t.Errorf("delete:\n%s", out)
	}
	if len(fake.Rules) != 0 || fake.Machines["Sqrt"] != nil || fake.Machines["Theirs"] == nil || len(fake.Jobs) != 1 || fake.Jobs["Other-abc"] == nil {
		t.Errorf("after delete: rules %d, machines %v, jobs %d", len(fake.Rules), fake.Machines, len(fake.Jobs))
	}
}

// TestTriggerStepFunctionsWait triggers with --wait: the run's tasks
// (recorded by flowc run into the datastore named) are shown as flowc run
// shows them, and the exit is 0 when the execution succeeds, 1 with the
// execution's error when it fails.
func TestTriggerStepFunctionsWait(t *testing.T) {
	deploytest.Env(t)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	followEvery = time.Millisecond
	defer func() { followEvery = 2 * time.Second }()
	fake := deploytest.New()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	ep := []string{"--aws-endpoint-url", srv.URL}
	pkg := filepath.Join("..", "..", "examples", "loop")
	root := filepath.Join(t.TempDir(), ".flowc")
	run := flowcRun(t, "run", pkg, "--datastore-root", root)
	flowcOK(t, append([]string{"deploy", "step-functions", pkg}, append(ep, sfnFlags...)...)...)

	// The execution runs for two looks, then ends as end says.
	ending := func(end map[string]any) {
		looks := 0
		fake.OnDescribe = func(e map[string]any) {
			if looks++; looks > 2 {
				for k, v := range end {
					e[k] = v
				}
			}
		}
	}
	ending(map[string]any{"status": "SUCCEEDED", "stopDate": 1.8e9})
	code, out, errs := flowcOut(append([]string{"trigger", "step-functions", pkg, "--run-id", run, "--wait", "--datastore-root", root}, ep...)...)
	if code != 0 || !strings.Contains(out, "Run Sqrt/"+run+" succeeded") || !strings.Contains(out, "(8 tasks)") {
		t.Errorf("--wait on a run that succeeds: exit %d\n%s%s", code, out, errs)
	}

	ending(map[string]any{"status": "FAILED", "stopDate": 1.8e9, "error": "States.Runtime", "cause": "history limit"})
	code, out, errs = flowcOut(append([]string{"trigger", "step-functions", pkg, "--run-id", run + "-2", "--wait", "--datastore-root", root}, ep...)...)
	if code != 1 || !strings.Contains(errs, "Run Sqrt/"+run+"-2 failed") || !strings.Contains(errs, "engine: execution FAILED: States.Runtime: history limit") {
		t.Errorf("--wait on an execution that fails: exit %d\n%s%s", code, out, errs)
	}
}

// TestDeployStepFunctionsBranches: a branch deploys its own state
// machine, trigger finds the branch's, and one user's production state
// machine is replaced by another only with its production token.
func TestDeployStepFunctionsBranches(t *testing.T) {
	deploytest.Env(t)
	fake := deploytest.New()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	pkg := filepath.Join("..", "..", "examples", "production")
	deployAs := func(user string, args ...string) (int, string, string) {
		t.Setenv("FLOWC_USER", user)
		return flowcOut(append(append([]string{"deploy", "step-functions", pkg, "--aws-endpoint-url", srv.URL}, sfnFlags...), args...)...)
	}
	if code, out, errs := deployAs("ana"); code != 0 || !strings.Contains(out, "fraud-user-ana-FraudScoring") {
		t.Fatalf("ana: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := flowcOut("trigger", "step-functions", pkg, "--aws-endpoint-url", srv.URL, "--branch", "exp1"); code != 1 || !strings.Contains(errs, "no state machine fraud-test-exp1-FraudScoring") {
		t.Errorf("trigger of a branch not deployed: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := deployAs("ana", "--production")
	if code != 0 || !strings.Contains(out, "production token of fraud.prod.FraudScoring: ") {
		t.Fatalf("ana --production: exit %d\n%s%s", code, out, errs)
	}
	tok := strings.Fields(out[strings.Index(out, "production token of fraud.prod.FraudScoring: "):])[4]
	if code, _, errs := deployAs("bob", "--production"); code != 1 || !strings.Contains(errs, "state machine fraud-prod-FraudScoring is ana's production deployment") {
		t.Errorf("bob without the token: exit %d\n%s", code, errs)
	}
	if code, out, errs := deployAs("bob", "--production", "--production-token", tok); code != 0 {
		t.Errorf("bob with the token %q: exit %d\n%s%s", tok, code, out, errs)
	}
}
