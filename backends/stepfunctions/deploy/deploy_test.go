package deploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/backends/stepfunctions/deploy"
	"github.com/flowc-dev/flowc/backends/stepfunctions/deploy/deploytest"
	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/parser"
)

// opts are the compile options of every test here: what the flags of
// flowc deploy step-functions give.
func opts() stepfunctions.Options {
	return stepfunctions.Options{
		JobQueue: "arn:aws:batch:eu-west-1:123456789012:job-queue/flowc",
		Role:     "arn:aws:iam::123456789012:role/flowc",
	}
}

// build compiles the flow in dir with o (image and datastore root filled
// in when empty), as deploy does.
func build(t *testing.T, dir string, o stepfunctions.Options) *stepfunctions.Compiled {
	t.Helper()
	pkg, diags := check.Load(dir, parser.Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	f, err := check.Select(pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	if o.Image == "" {
		o.Image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud:1"
	}
	if o.DatastoreRoot == "" {
		o.DatastoreRoot = "s3://flowc-test/ds"
	}
	if o.WorkflowTimeout == 0 {
		o.WorkflowTimeout = stepfunctions.DefaultWorkflowTimeout
	}
	o.Dir = pkg.Dir
	c, diags, err := stepfunctions.Target{}.Build(f, &o)
	if err != nil || len(diags) > 0 {
		t.Fatalf("build: %v %v", err, diags)
	}
	return c
}

func example(name string) string { return filepath.Join("..", "..", "..", "examples", name) }

// endpoint starts fake and returns clients that call it through the SDK.
func endpoint(t *testing.T, fake *deploytest.AWS) *deploy.Clients {
	t.Helper()
	deploytest.Env(t)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseEndpoint = aws.String(srv.URL)
	return deploy.NewClients(cfg)
}

// TestDeploy deploys the production example (job definitions, state
// machine, schedule, trigger_on_finish rule) to the in-process endpoint
// through the real SDK, then deploys it again and wants no write, then
// changes the image and wants exactly the job definitions and the state
// machine updated.
func TestDeploy(t *testing.T) {
	fake := deploytest.New()
	cl := endpoint(t, fake)
	deployed := func(c *stepfunctions.Compiled) (string, []string) {
		t.Helper()
		var out bytes.Buffer
		if err := (&deploy.Deployer{Clients: cl, Out: &out}).Deploy(context.Background(), c); err != nil {
			t.Fatalf("deploy: %v\n%s", err, out.String())
		}
		return out.String(), fake.Take()
	}

	out, calls := deployed(build(t, example("production"), opts()))
	want := []string{"batch.registerjobdefinition", "batch.registerjobdefinition", "batch.registerjobdefinition",
		"sfn.CreateStateMachine", "scheduler.POST", "events.PutRule", "events.PutTargets", "events.PutRule", "events.PutTargets"}
	if got := deploytest.Writes(calls); !slices.Equal(got, want) {
		t.Errorf("first deploy wrote %v, want %v\n%s", got, want, out)
	}
	// What the SDK sent is what the target compiled.
	var sched map[string]any
	json.Unmarshal(fake.Bodies["scheduler.POST"][0], &sched)
	if sched["ScheduleExpression"] != "cron(0 2 * * ? *)" || sched["ScheduleExpressionTimezone"] != "Europe/Amsterdam" {
		t.Errorf("schedule sent: %s", fake.Bodies["scheduler.POST"][0])
	}
	if tg := sched["Target"].(map[string]any); tg["Arn"] != deploytest.MachinePrefix+"fraud-main-FraudScoring" {
		t.Errorf("schedule target %v, want the created state machine's ARN", tg["Arn"])
	}
	var jd map[string]any
	for _, b := range fake.Bodies["batch.registerjobdefinition"] {
		if strings.Contains(string(b), "secrets") {
			json.Unmarshal(b, &jd)
		}
	}
	if jd == nil || !strings.Contains(fmt.Sprint(jd["containerProperties"]), "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-credentials") {
		t.Errorf("no job definition carries the secret's ARN: %s", fake.Bodies["batch.registerjobdefinition"])
	}
	// The definition goes compact, and as compiled: "ResultPath": null kept.
	var created map[string]any
	json.Unmarshal(fake.Bodies["sfn.CreateStateMachine"][0], &created)
	if def := created["definition"].(string); strings.Contains(def, "\n") || !strings.Contains(def, `"ResultPath":null`) {
		t.Errorf("definition sent: %.300s", def)
	}
	validateSent(t, created["definition"].(string))
	var rule map[string]any
	json.Unmarshal(fake.Bodies["events.PutRule"][1], &rule)
	if !strings.Contains(fmt.Sprint(rule["EventPattern"]), `":stateMachine:Training"`) {
		t.Errorf("trigger_on_finish rule pattern: %v", rule["EventPattern"])
	}

	out, calls = deployed(build(t, example("production"), opts()))
	if w := deploytest.Writes(calls); len(w) != 0 {
		t.Errorf("second deploy of the same flow wrote %v\n%s", w, out)
	}
	if strings.Count(out, "unchanged") != 9 {
		t.Errorf("second deploy should find all 9 objects unchanged:\n%s", out)
	}

	changed := opts()
	changed.Image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fraud:2"
	out, calls = deployed(build(t, example("production"), changed))
	want = []string{"batch.registerjobdefinition", "batch.registerjobdefinition", "batch.registerjobdefinition", "sfn.UpdateStateMachine"}
	if got := deploytest.Writes(calls); !slices.Equal(got, want) {
		t.Errorf("deploy with a new image wrote %v, want %v\n%s", got, want, out)
	}
}

// TestDeployDryRun prints the calls of a first deployment, with no
// clients at all.
func TestDeployDryRun(t *testing.T) {
	var out bytes.Buffer
	if err := (&deploy.Deployer{Out: &out, DryRun: true}).Deploy(context.Background(), build(t, example("loop"), opts())); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"batch.RegisterJobDefinition {", "sfn.CreateStateMachine {", `"name":"Sqrt"`, `"roleArn":"arn:aws:iam::123456789012:role/flowc"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out.String())
		}
	}
}

// validateSent runs asl-validator (tools/sfn) on a definition deploy sent.
// Without node or the npm packages it skips the check, except under CI.
func validateSent(t *testing.T, def string) {
	t.Helper()
	tools := filepath.Join("..", "..", "..", "tools", "sfn")
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

// TestDeployOwnership wants what deploy creates tagged as flowc's (the
// state machine and the rules; the schedule's description), a deploy over
// a state machine, rule or schedule of the same name that flowc did not
// create refused without a write, and the rules of events a flow no longer
// has deleted by the next deploy.
func TestDeployOwnership(t *testing.T) {
	deployed := func(fake *deploytest.AWS, dir string) (string, error) {
		t.Helper()
		var out bytes.Buffer
		err := (&deploy.Deployer{Clients: endpoint(t, fake), Out: &out}).Deploy(context.Background(), build(t, dir, opts()))
		return out.String(), err
	}
	v1, v2 := filepath.Join("testdata", "v1"), filepath.Join("testdata", "v2")

	fake := deploytest.New()
	if out, err := deployed(fake, v1); err != nil {
		t.Fatalf("deploy: %v\n%s", err, out)
	}
	for _, arn := range []string{deploytest.MachinePrefix + "Events", deploytest.RulePrefix + "Events-event-0", deploytest.RulePrefix + "Events-event-1"} {
		if !strings.Contains(fmt.Sprint(fake.Tags[arn]), "flowc:flow") {
			t.Errorf("%s has tags %v, want flowc:flow", arn, fake.Tags[arn])
		}
	}
	fake.Take()
	if out, err := deployed(fake, v2); err != nil || !strings.Contains(out, "rule Events-event-1: deleted") {
		t.Fatalf("deploy without model_ready: %v\n%s", err, out)
	}
	if got := deploytest.Writes(fake.Take()); !slices.Contains(got, "events.RemoveTargets") || !slices.Contains(got, "events.DeleteRule") || slices.Contains(got, "events.PutRule") {
		t.Errorf("deploy without model_ready wrote %v, want its rule's target and rule removed", got)
	}
	if _, ok := fake.Rules["Events-event-1"]; ok || fake.Rules["Events-event-0"] == nil {
		t.Errorf("rules left: %v", fake.Rules)
	}

	// Objects of the same names that flowc did not make.
	for _, tc := range []struct {
		what  string
		setup func(f *deploytest.AWS)
	}{
		{"state machine Events", func(f *deploytest.AWS) {
			f.Machines["Events"] = map[string]any{"name": "Events", "definition": "{}", "roleArn": "x"}
		}},
		{"rule Events-event-0", func(f *deploytest.AWS) {
			f.Machines["Events"] = map[string]any{"name": "Events", "definition": "{}", "roleArn": "x"}
			f.Tags[deploytest.MachinePrefix+"Events"] = []any{map[string]any{"key": "flowc:flow", "value": "Events"}}
			f.Rules["Events-event-0"] = json.RawMessage(`{"Name": "Events-event-0", "EventPattern": "{}", "State": "ENABLED"}`)
		}},
	} {
		fake := deploytest.New()
		tc.setup(fake)
		out, err := deployed(fake, v2)
		if err == nil || !strings.Contains(err.Error(), tc.what+" exists but flowc did not create it") {
			t.Errorf("%s not flowc's: %v\n%s", tc.what, err, out)
		}
		for _, w := range deploytest.Writes(fake.Take()) {
			if strings.HasPrefix(w, "sfn.") || strings.HasPrefix(w, "events.") {
				t.Errorf("%s not flowc's: deploy wrote %s", tc.what, w)
			}
		}
	}
	fake = deploytest.New()
	fake.Schedules["fraud-main-FraudScoring"] = json.RawMessage(`{"Name": "fraud-main-FraudScoring", "Description": "the team's own", "ScheduleExpression": "rate(1 day)"}`)
	if out, err := deployed(fake, example("production")); err == nil || !strings.Contains(err.Error(), "schedule fraud-main-FraudScoring exists but flowc did not create it") {
		t.Errorf("a schedule not flowc's: %v\n%s", err, out)
	}
	if slices.Contains(deploytest.Writes(fake.Take()), "scheduler.PUT") {
		t.Errorf("deploy replaced a schedule flowc did not create")
	}
}

// TestDeployedFlow reads back what deploy made: the flow among Flows (by
// its tags; a state machine without flowc's tag is not), and the datastore
// root its job definitions use.
func TestDeployedFlow(t *testing.T) {
	fake := deploytest.New()
	cl := endpoint(t, fake)
	ctx := context.Background()
	if err := (&deploy.Deployer{Clients: cl, Out: new(bytes.Buffer)}).Deploy(ctx, build(t, example("production"), opts())); err != nil {
		t.Fatal(err)
	}
	fake.Machines["Theirs"] = map[string]any{"name": "Theirs", "definition": "{}", "roleArn": "x"}
	flows, err := cl.Flows(ctx)
	if err != nil || len(flows) != 1 || flows[0].Machine != "fraud-main-FraudScoring" || flows[0].Flow != "FraudScoring" {
		t.Fatalf("Flows: %+v, %v", flows, err)
	}
	root, err := cl.DatastoreRoot(ctx, flows[0])
	if err != nil || root != "s3://flowc-test/ds" {
		t.Errorf("DatastoreRoot: %q, %v", root, err)
	}
	if _, err := cl.Flow(ctx, "Theirs"); err == nil || !strings.Contains(err.Error(), "flowc did not deploy it") {
		t.Errorf("Flow of a state machine not flowc's: %v", err)
	}
}

// TestDeploySettings deploys with --tag's tags and execution-history
// logging: the state machine is created with both, the rules and job
// definitions carry the tags; a second deploy writes nothing; a new tag is
// put with TagResource (and new job definitions), and logging turned off
// updates the state machine.
func TestDeploySettings(t *testing.T) {
	fake := deploytest.New()
	cl := endpoint(t, fake)
	deployed := func(o stepfunctions.Options) (string, []string) {
		t.Helper()
		var out bytes.Buffer
		if err := (&deploy.Deployer{Clients: cl, Out: &out}).Deploy(context.Background(), build(t, example("hello"), o)); err != nil {
			t.Fatalf("deploy: %v\n%s", err, out.String())
		}
		return out.String(), deploytest.Writes(fake.Take())
	}
	o := opts()
	o.Tags = []string{"team=ml"}
	o.HistoryLogGroup = "arn:aws:logs:eu-west-1:123456789012:log-group:h"
	deployed(o)
	var created map[string]any
	json.Unmarshal(fake.Bodies["sfn.CreateStateMachine"][0], &created)
	if lc := fmt.Sprint(created["loggingConfiguration"]); !strings.Contains(lc, "level:ERROR") || !strings.Contains(lc, "log-group:h:*") {
		t.Errorf("logging sent: %v", created["loggingConfiguration"])
	}
	for _, arn := range []string{deploytest.MachinePrefix + "Hello", deploytest.RulePrefix + "Hello-ended"} {
		if tags := fmt.Sprint(fake.Tags[arn]); !strings.Contains(tags, "team") || !strings.Contains(tags, "flowc:flow-name") {
			t.Errorf("%s tags %s", arn, tags)
		}
	}
	if !strings.Contains(string(fake.Bodies["batch.registerjobdefinition"][0]), `"team":"ml"`) {
		t.Errorf("job definition sent without the tag: %s", fake.Bodies["batch.registerjobdefinition"][0])
	}
	if out, w := deployed(o); len(w) != 0 {
		t.Errorf("second deploy wrote %v\n%s", w, out)
	}
	o.Tags = append(o.Tags, "cost=42")
	_, w := deployed(o)
	// The job definitions carry the tags in their content: registered
	// anew, and the state machine, which names them, updated.
	if want := []string{"batch.registerjobdefinition", "sfn.TagResource", "sfn.UpdateStateMachine", "events.TagResource"}; !slices.Equal(w, want) {
		t.Errorf("a new tag wrote %v, want %v", w, want)
	}
	o.HistoryLogGroup = ""
	if _, w := deployed(o); !slices.Equal(w, []string{"sfn.UpdateStateMachine"}) {
		t.Errorf("logging turned off wrote %v, want the state machine updated", w)
	}
}
