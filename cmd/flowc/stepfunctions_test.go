package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fakeAWS is an in-process endpoint that speaks the wire protocols of the
// services flowc deploy step-functions uses, as the SDK sends them: Step
// Functions (JSON 1.0, X-Amz-Target AWSStepFunctions.*), EventBridge (JSON
// 1.1, AWSEvents.*), Batch (REST-JSON, POST /v1/<op>) and EventBridge
// Scheduler (REST-JSON, /schedules/NAME). It keeps what it is sent, so a
// second deploy reads it back, and records every call.
type fakeAWS struct {
	mu        sync.Mutex
	calls     []string
	bodies    map[string][]json.RawMessage // by call, in order
	jobs      map[string]json.RawMessage
	machines  map[string]map[string]any // by name: name, definition, roleArn
	schedules map[string]json.RawMessage
	rules     map[string]json.RawMessage
	targets   map[string]json.RawMessage
	tags      map[string]any // by ARN: what CreateStateMachine and PutRule (on creation) were given
}

func newFakeAWS() *fakeAWS {
	return &fakeAWS{bodies: map[string][]json.RawMessage{}, jobs: map[string]json.RawMessage{}, machines: map[string]map[string]any{},
		schedules: map[string]json.RawMessage{}, rules: map[string]json.RawMessage{}, targets: map[string]json.RawMessage{}, tags: map[string]any{}}
}

const (
	fakeAccount = "arn:aws:states:eu-west-1:123456789012:stateMachine:"
	fakeRuleARN = "arn:aws:events:eu-west-1:123456789012:rule/"
)

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	var op string
	switch t := r.Header.Get("X-Amz-Target"); {
	case strings.HasPrefix(t, "AWSStepFunctions."):
		op = "sfn." + strings.TrimPrefix(t, "AWSStepFunctions.")
	case strings.HasPrefix(t, "AWSEvents."):
		op = "events." + strings.TrimPrefix(t, "AWSEvents.")
	case strings.HasPrefix(r.URL.Path, "/v1/"):
		op = "batch." + strings.TrimPrefix(r.URL.Path, "/v1/")
	case strings.HasPrefix(r.URL.Path, "/schedules/"):
		op = "scheduler." + r.Method
	default:
		http.Error(w, "unknown call "+r.Method+" "+r.URL.String(), http.StatusNotImplemented)
		return
	}
	f.calls = append(f.calls, op)
	f.bodies[op] = append(f.bodies[op], body)
	var in map[string]any
	json.Unmarshal(body, &in)
	str := func(k string) string { s, _ := in[k].(string); return s }
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	fail := func(status int, code string) {
		w.Header().Set("X-Amzn-ErrorType", code)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type": %q, "message": "fake: %s"}`, code, code)
	}
	switch op {
	case "batch.describejobdefinitions":
		var out []json.RawMessage
		if jd, ok := f.jobs[str("jobDefinitionName")]; ok {
			out = append(out, jd)
		}
		reply(map[string]any{"jobDefinitions": out})
	case "batch.registerjobdefinition":
		name := str("jobDefinitionName")
		var jd map[string]any
		json.Unmarshal(body, &jd)
		jd["revision"], jd["status"] = 1, "ACTIVE"
		jd["jobDefinitionArn"] = "arn:aws:batch:eu-west-1:123456789012:job-definition/" + name + ":1"
		f.jobs[name], _ = json.Marshal(jd)
		reply(map[string]any{"jobDefinitionName": name, "jobDefinitionArn": jd["jobDefinitionArn"], "revision": 1})
	case "sfn.ListStateMachines":
		var out []map[string]any
		for _, name := range slices.Sorted(mapKeysOf(f.machines)) {
			out = append(out, map[string]any{"name": name, "stateMachineArn": fakeAccount + name, "type": "STANDARD", "creationDate": 1.7e9})
		}
		reply(map[string]any{"stateMachines": out})
	case "sfn.CreateStateMachine":
		if _, ok := f.machines[str("name")]; ok {
			fail(400, "StateMachineAlreadyExists")
			return
		}
		f.machines[str("name")] = in
		if in["tags"] != nil {
			f.tags[fakeAccount+str("name")] = in["tags"]
		}
		reply(map[string]any{"stateMachineArn": fakeAccount + str("name"), "creationDate": 1.7e9})
	case "sfn.DescribeStateMachine", "sfn.UpdateStateMachine", "sfn.StartExecution":
		name := strings.TrimPrefix(str("stateMachineArn"), fakeAccount)
		m, ok := f.machines[name]
		if !ok {
			fail(400, "StateMachineDoesNotExist")
			return
		}
		switch op {
		case "sfn.DescribeStateMachine":
			reply(map[string]any{"stateMachineArn": fakeAccount + name, "name": name, "definition": m["definition"], "roleArn": m["roleArn"],
				"type": "STANDARD", "status": "ACTIVE", "creationDate": 1.7e9})
		case "sfn.UpdateStateMachine":
			for k, v := range in {
				m[k] = v
			}
			reply(map[string]any{"updateDate": 1.7e9})
		default:
			exec := str("name")
			if exec == "" {
				exec = "generated-0001"
			}
			reply(map[string]any{"executionArn": "arn:aws:states:eu-west-1:123456789012:execution:" + name + ":" + exec, "startDate": 1.7e9})
		}
	case "scheduler.GET", "scheduler.POST", "scheduler.PUT", "scheduler.DELETE":
		name := strings.TrimPrefix(r.URL.Path, "/schedules/")
		s, ok := f.schedules[name]
		switch {
		case r.Method == "POST" && ok:
			fail(409, "ConflictException")
		case r.Method != "POST" && !ok:
			fail(404, "ResourceNotFoundException")
		case r.Method == "GET":
			w.Header().Set("Content-Type", "application/json")
			w.Write(s)
		case r.Method == "DELETE":
			delete(f.schedules, name)
			reply(map[string]any{})
		default:
			in["Name"], in["Arn"] = name, "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/"+name
			if in["GroupName"] == nil {
				in["GroupName"] = "default"
			}
			f.schedules[name], _ = json.Marshal(in)
			reply(map[string]any{"ScheduleArn": in["Arn"]})
		}
	case "sfn.ListTagsForResource":
		tags, _ := f.tags[str("resourceArn")].([]any)
		reply(map[string]any{"tags": tags})
	case "events.DescribeRule":
		rule, ok := f.rules[str("Name")]
		if !ok {
			fail(400, "ResourceNotFoundException")
			return
		}
		var out map[string]any
		json.Unmarshal(rule, &out)
		delete(out, "Tags")
		out["Arn"] = fakeRuleARN + str("Name")
		reply(out)
	case "events.PutRule":
		if _, ok := f.rules[str("Name")]; !ok && in["Tags"] != nil {
			f.tags[fakeRuleARN+str("Name")] = in["Tags"]
		}
		f.rules[str("Name")] = body
		reply(map[string]any{"RuleArn": fakeRuleARN + str("Name")})
	case "events.ListTagsForResource":
		tags, _ := f.tags[str("ResourceARN")].([]any)
		reply(map[string]any{"Tags": tags})
	case "events.ListRules":
		var out []map[string]any
		for _, name := range slices.Sorted(mapKeysOf(f.rules)) {
			if strings.HasPrefix(name, str("NamePrefix")) {
				out = append(out, map[string]any{"Name": name, "Arn": fakeRuleARN + name})
			}
		}
		reply(map[string]any{"Rules": out})
	case "events.RemoveTargets":
		delete(f.targets, str("Rule"))
		reply(map[string]any{"FailedEntryCount": 0, "FailedEntries": []any{}})
	case "events.DeleteRule":
		delete(f.rules, str("Name"))
		delete(f.tags, fakeRuleARN+str("Name"))
		reply(map[string]any{})
	case "events.ListTargetsByRule":
		t, ok := f.targets[str("Rule")]
		if !ok {
			t = []byte(`{"Targets": []}`)
		}
		w.Write(t)
	case "events.PutTargets":
		f.targets[str("Rule")] = body
		reply(map[string]any{"FailedEntryCount": 0, "FailedEntries": []any{}})
	default:
		http.Error(w, "fake: no "+op, http.StatusNotImplemented)
	}
}

func mapKeysOf[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// take returns the calls made since the last take.
func (f *fakeAWS) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

// writes keeps the calls that change something.
func writes(calls []string) []string {
	var out []string
	for _, c := range calls {
		switch {
		case strings.Contains(c, "Describe"), strings.Contains(c, "describe"), strings.Contains(c, "List"), c == "scheduler.GET":
		default:
			out = append(out, c)
		}
	}
	return out
}

// flowcOut runs flowc in-process and returns its exit code and output.
func flowcOut(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func awsEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFAKE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fake")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

var sfnFlags = []string{
	"--image", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud:1",
	"--job-queue", "arn:aws:batch:eu-west-1:123456789012:job-queue/flowc",
	"--role", "arn:aws:iam::123456789012:role/flowc",
	"--datastore-root", "s3://flowc-test/ds",
}

// TestDeployStepFunctions deploys the production example (job
// definitions, state machine, schedule, trigger_on_finish rule) to the
// fake endpoint through the real SDK, then deploys it again and wants no
// write, then changes the image and wants exactly the job definition and
// the state machine updated.
func TestDeployStepFunctions(t *testing.T) {
	awsEnv(t)
	fake := newFakeAWS()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	pkg := filepath.Join("..", "..", "examples", "production")
	deploy := func(flags ...string) (string, []string) {
		t.Helper()
		args := append([]string{"deploy", "step-functions", pkg, "--aws-endpoint-url", srv.URL}, flags...)
		code, out, errs := flowcOut(args...)
		if code != 0 {
			t.Fatalf("flowc %v: exit %d\n%s%s", args, code, out, errs)
		}
		return out, fake.take()
	}

	out, calls := deploy(sfnFlags...)
	want := []string{"batch.registerjobdefinition", "batch.registerjobdefinition", "batch.registerjobdefinition",
		"sfn.CreateStateMachine", "scheduler.POST", "events.PutRule", "events.PutTargets", "events.PutRule", "events.PutTargets"}
	if got := writes(calls); !slices.Equal(got, want) {
		t.Errorf("first deploy wrote %v, want %v\n%s", got, want, out)
	}
	// What the SDK sent is what the target compiled.
	var sched map[string]any
	json.Unmarshal(fake.bodies["scheduler.POST"][0], &sched)
	if sched["ScheduleExpression"] != "cron(0 2 * * ? *)" || sched["ScheduleExpressionTimezone"] != "Europe/Amsterdam" {
		t.Errorf("schedule sent: %s", fake.bodies["scheduler.POST"][0])
	}
	if tg := sched["Target"].(map[string]any); tg["Arn"] != fakeAccount+"fraud-main-FraudScoring" {
		t.Errorf("schedule target %v, want the created state machine's ARN", tg["Arn"])
	}
	var jd map[string]any
	for _, b := range fake.bodies["batch.registerjobdefinition"] {
		if strings.Contains(string(b), "secrets") {
			json.Unmarshal(b, &jd)
		}
	}
	if jd == nil || !strings.Contains(fmt.Sprint(jd["containerProperties"]), "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-credentials") {
		t.Errorf("no job definition carries the secret's ARN: %s", fake.bodies["batch.registerjobdefinition"])
	}
	// The definition goes compact, and as compiled: "ResultPath": null kept.
	var created map[string]any
	json.Unmarshal(fake.bodies["sfn.CreateStateMachine"][0], &created)
	if def := created["definition"].(string); strings.Contains(def, "\n") || !strings.Contains(def, `"ResultPath":null`) {
		t.Errorf("definition sent: %.300s", def)
	}
	validateSent(t, created["definition"].(string))
	var rule map[string]any
	json.Unmarshal(fake.bodies["events.PutRule"][1], &rule)
	if !strings.Contains(fmt.Sprint(rule["EventPattern"]), `":stateMachine:Training"`) {
		t.Errorf("trigger_on_finish rule pattern: %v", rule["EventPattern"])
	}

	out, calls = deploy(sfnFlags...)
	if w := writes(calls); len(w) != 0 {
		t.Errorf("second deploy of the same flow wrote %v\n%s", w, out)
	}
	if strings.Count(out, "unchanged") != 9 {
		t.Errorf("second deploy should find all 9 objects unchanged:\n%s", out)
	}

	changed := slices.Clone(sfnFlags)
	changed[1] = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud:2"
	out, calls = deploy(changed...)
	want = []string{"batch.registerjobdefinition", "batch.registerjobdefinition", "batch.registerjobdefinition", "sfn.UpdateStateMachine"}
	if got := writes(calls); !slices.Equal(got, want) {
		t.Errorf("deploy with a new image wrote %v, want %v\n%s", got, want, out)
	}
}

// validateSent runs asl-validator (tools/sfn) on a definition deploy sent.
// Without node or the npm packages it skips the check, except under CI.
func validateSent(t *testing.T, def string) {
	t.Helper()
	tools := filepath.Join("..", "..", "tools", "sfn")
	node, err := osexec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(tools, "node_modules", "asl-validator"))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("node and tools/sfn's packages are needed (npm ci --prefix tools/sfn): %v", err)
		}
		t.Logf("not validating the sent definition: %v", err)
		return
	}
	path := filepath.Join(t.TempDir(), "sent.asl.json")
	if err := os.WriteFile(path, []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := osexec.Command(node, filepath.Join(tools, "validate.mjs"), path).CombinedOutput(); err != nil {
		t.Errorf("asl-validator rejects the definition deploy sent: %v\n%s", err, out)
	}
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
	awsEnv(t)
	fake := newFakeAWS()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	pkg := filepath.Join("..", "..", "examples", "loop")
	if code, out, errs := flowcOut(append([]string{"deploy", "step-functions", pkg, "--aws-endpoint-url", srv.URL}, sfnFlags...)...); code != 0 {
		t.Fatalf("deploy: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs := flowcOut("trigger", "step-functions", pkg, "--aws-endpoint-url", srv.URL, "--number", "9", "--run-id", "run-7")
	if code != 0 {
		t.Fatalf("trigger: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "started Sqrt/run-7") {
		t.Errorf("trigger output: %s", out)
	}
	var in map[string]any
	json.Unmarshal(fake.bodies["sfn.StartExecution"][0], &in)
	if in["input"] != `{"number":"9"}` || in["name"] != "run-7" {
		t.Errorf("StartExecution got %s", fake.bodies["sfn.StartExecution"][0])
	}
	if code, _, errs := flowcOut("trigger", "step-functions", pkg, "--aws-endpoint-url", srv.URL, "--number", "nine"); code != 2 || !strings.Contains(errs, "--number") {
		t.Errorf("a bad value: exit %d, stderr %q; want 2 naming --number", code, errs)
	}
	if code, _, errs := flowcOut("trigger", "step-functions", filepath.Join("..", "..", "examples", "hello"), "--aws-endpoint-url", srv.URL); code != 1 || !strings.Contains(errs, "deploy the flow first") {
		t.Errorf("an undeployed flow: exit %d, stderr %q", code, errs)
	}
}

// TestDeployStepFunctionsOwnership wants what deploy creates tagged as
// flowc's (the state machine and the rules; the schedule's description),
// a deploy over a state machine, rule or schedule of the same name that
// flowc did not create refused without a write, and the rules of events a
// flow no longer has deleted by the next deploy.
func TestDeployStepFunctionsOwnership(t *testing.T) {
	awsEnv(t)
	deploy := func(fake *fakeAWS, pkg string) (int, string) {
		t.Helper()
		srv := httptest.NewServer(fake)
		defer srv.Close()
		code, out, errs := flowcOut(append([]string{"deploy", "step-functions", pkg, "--aws-endpoint-url", srv.URL}, sfnFlags...)...)
		return code, out + errs
	}
	v1, v2 := filepath.Join("testdata", "sfnrules", "v1"), filepath.Join("testdata", "sfnrules", "v2")

	fake := newFakeAWS()
	if code, out := deploy(fake, v1); code != 0 {
		t.Fatalf("deploy: exit %d\n%s", code, out)
	}
	for _, arn := range []string{fakeAccount + "Events", fakeRuleARN + "Events-event-0", fakeRuleARN + "Events-event-1"} {
		if !strings.Contains(fmt.Sprint(fake.tags[arn]), "flowc:flow") {
			t.Errorf("%s has tags %v, want flowc:flow", arn, fake.tags[arn])
		}
	}
	fake.take()
	if code, out := deploy(fake, v2); code != 0 || !strings.Contains(out, "rule Events-event-1: deleted") {
		t.Fatalf("deploy without model_ready: exit %d\n%s", code, out)
	}
	if got := writes(fake.take()); !slices.Contains(got, "events.RemoveTargets") || !slices.Contains(got, "events.DeleteRule") || slices.Contains(got, "events.PutRule") {
		t.Errorf("deploy without model_ready wrote %v, want its rule's target and rule removed", got)
	}
	if _, ok := fake.rules["Events-event-1"]; ok || fake.rules["Events-event-0"] == nil {
		t.Errorf("rules left: %v", slices.Sorted(mapKeysOf(fake.rules)))
	}

	// Objects of the same names that flowc did not make.
	for _, tc := range []struct {
		what  string
		setup func(f *fakeAWS)
	}{
		{"state machine Events", func(f *fakeAWS) {
			f.machines["Events"] = map[string]any{"name": "Events", "definition": "{}", "roleArn": "x"}
		}},
		{"rule Events-event-0", func(f *fakeAWS) {
			f.machines["Events"] = map[string]any{"name": "Events", "definition": "{}", "roleArn": "x"}
			f.tags[fakeAccount+"Events"] = []any{map[string]any{"key": "flowc:flow", "value": "Events"}}
			f.rules["Events-event-0"] = json.RawMessage(`{"Name": "Events-event-0", "EventPattern": "{}", "State": "ENABLED"}`)
		}},
	} {
		fake := newFakeAWS()
		tc.setup(fake)
		code, out := deploy(fake, v2)
		if code != 1 || !strings.Contains(out, tc.what+" exists but flowc did not create it") {
			t.Errorf("%s not flowc's: exit %d\n%s", tc.what, code, out)
		}
		for _, w := range writes(fake.take()) {
			if strings.HasPrefix(w, "sfn.") || strings.HasPrefix(w, "events.") {
				t.Errorf("%s not flowc's: deploy wrote %s", tc.what, w)
			}
		}
	}
	fake = newFakeAWS()
	fake.schedules["fraud-main-FraudScoring"] = json.RawMessage(`{"Name": "fraud-main-FraudScoring", "Description": "the team's own", "ScheduleExpression": "rate(1 day)"}`)
	if code, out := deploy(fake, filepath.Join("..", "..", "examples", "production")); code != 1 || !strings.Contains(out, "schedule fraud-main-FraudScoring exists but flowc did not create it") {
		t.Errorf("a schedule not flowc's: exit %d\n%s", code, out)
	}
	if slices.Contains(writes(fake.take()), "scheduler.PUT") {
		t.Errorf("deploy replaced a schedule flowc did not create")
	}
}
