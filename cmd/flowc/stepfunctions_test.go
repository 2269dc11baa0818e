package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/backends/stepfunctions/deploy/deploytest"
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
	if code, _, errs := flowcOut("trigger", "step-functions", filepath.Join("..", "..", "examples", "hello"), "--aws-endpoint-url", srv.URL); code != 1 || !strings.Contains(errs, "deploy the flow first") {
		t.Errorf("an undeployed flow: exit %d, stderr %q", code, errs)
	}
}
