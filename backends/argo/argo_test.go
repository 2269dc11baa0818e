package argo_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
	"sigs.k8s.io/yaml"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/backends/argo"
	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// opts are the settings the tests compile with.
var opts = argo.Options{Common: backends.Common{Image: "registry.example.com/flowc/test:v1", DatastoreRoot: "s3://bucket/flowc"}}

// load checks the flow package in dir and returns its one flow.
func load(t testing.TB, dir string) *ir.Flow {
	t.Helper()
	pkg, diags := check.Load(dir, parser.Options{})
	if len(diags) > 0 {
		t.Fatalf("%s does not check clean:\n%v", dir, diags)
	}
	f, err := check.Select(pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// loadSource writes src as the one file of a package and loads its flow.
func loadSource(t testing.TB, src string) *ir.Flow {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "flow.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return load(t, dir)
}

// compile compiles f and fails on diagnostics.
func compile(t testing.TB, f *ir.Flow, o argo.Options) []byte {
	t.Helper()
	files, diags, err := argo.Target{}.Compile(f, &o)
	if err != nil || len(diags) > 0 {
		t.Fatalf("compile %s: %v %v", f.Name, err, diags)
	}
	if len(files) != 1 || files[0].Name != f.Name+".argo.yaml" {
		t.Fatalf("compile %s: files %v, want one %s.argo.yaml", f.Name, files, f.Name)
	}
	return files[0].Data
}

// TestFixtures compares the flows under testdata, which use every
// directive and graph shape the examples do not, with their golden files
// (go test ./backends/argo -update rewrites them; make argo-validate runs
// Argo's validator on them).
func TestFixtures(t *testing.T) {
	for _, name := range []string{"full", "shapes", "keywords", "flowwide"} {
		t.Run(name, func(t *testing.T) {
			dir, opts := filepath.Join("testdata", name), opts
			if name == "flowwide" {
				// The full fixture with every flow-wide pod setting.
				dir, opts = filepath.Join("testdata", "full"), flowWide
			}
			got := compile(t, load(t, dir), opts)
			path := filepath.Join("testdata", name+".argo.yaml")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./backends/argo -update creates it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s differs (-golden +got):\n%s", path, diff)
			}
			if again := compile(t, load(t, dir), opts); !bytes.Equal(got, again) {
				t.Error("two compilations differ")
			}
		})
	}
}

// objects compiles f and decodes its objects generically.
func objects(t *testing.T, f *ir.Flow, o argo.Options) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, doc := range strings.Split(string(compile(t, f, o)), "\n---\n") {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// get walks a decoded object along keys and list indices.
func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %q: not a map: %v", k, v)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("at [%d]: not a list that long: %v", k, v)
			}
			v = l[k]
		}
	}
	return v
}

// templateNamed finds a template of the WorkflowTemplate.
func templateNamed(t *testing.T, wt map[string]any, name string) map[string]any {
	t.Helper()
	for _, tm := range get(t, wt, "spec", "templates").([]any) {
		if m := tm.(map[string]any); m["name"] == name {
			return m
		}
	}
	t.Fatalf("no template %q", name)
	return nil
}

// task finds a task of a DAG template.
func task(t *testing.T, tmpl map[string]any, name string) map[string]any {
	t.Helper()
	for _, tk := range get(t, tmpl, "dag", "tasks").([]any) {
		if m := tk.(map[string]any); m["name"] == name {
			return m
		}
	}
	t.Fatalf("template %v has no task %q", tmpl["name"], name)
	return nil
}

// TestShapes pins the wiring of the graph shapes: joins, fan-outs, task
// ids, conditionals and the recursive loop.
func TestShapes(t *testing.T) {
	wt := objects(t, load(t, "testdata/shapes"), opts)[0]
	main := templateNamed(t, wt, "flow--main")
	for _, c := range []struct{ template, task, field, want string }{
		// The branch join ANDs its arms; a foreach join waits for the
		// fan-out to succeed or be skipped (a count of 0); where a
		// conditional's paths meet, the step ORs them.
		{"flow--main", "join", "depends", "meet.Succeeded && outerjoin.Succeeded"},
		{"flow--main", "outerjoin", "depends", "(fan--each.Succeeded || fan--each.Skipped)"},
		{"fan--body", "innerjoin", "depends", "(each--each.Succeeded || each--each.Skipped)"},
		{"flow--main", "left", "when", "'{{tasks.decide.outputs.parameters.next}}' == 'Left'"},
		{"flow--main", "meet", "depends", "(left.Succeeded || right.Succeeded)"},
		{"flow--main", "fan--each", "template", "fan--body"},
		{"fan--body", "each--each", "template", "each--body"},
		{"each--body", "loop", "template", "loop--loop"},
		{"each--body", "after", "when", "'{{tasks.loop.outputs.parameters.next}}' == 'After'"},
		{"loop--loop", "again", "when", "'{{tasks.visit.outputs.parameters.next}}' == 'Loop'"},
	} {
		if got := task(t, templateNamed(t, wt, c.template), c.task)[c.field]; got != c.want {
			t.Errorf("%s.%s %s = %v, want %q", c.template, c.task, c.field, got, c.want)
		}
	}
	for _, c := range []struct {
		template, task string
		params         []any
	}{
		{"flow--main", "fan--each", []any{"id", "{{item}}"}},
		{"fan--body", "each", []any{"task-id", "{{inputs.parameters.id}}"}},
		{"fan--body", "each--each", []any{"id", "{{inputs.parameters.id}}-{{item}}"}},
		{"each--body", "loop", []any{"id", "{{inputs.parameters.id}}", "iter", "0"}},
		{"loop--loop", "visit", []any{"task-id", "{{inputs.parameters.id}}.{{inputs.parameters.iter}}"}},
		{"loop--loop", "again", []any{"id", "{{inputs.parameters.id}}", "iter", "{{=asInt(inputs.parameters.iter) + 1}}"}},
	} {
		tk := task(t, templateNamed(t, wt, c.template), c.task)
		var got []any
		for _, p := range get(t, tk, "arguments", "parameters").([]any) {
			got = append(got, p.(map[string]any)["name"], p.(map[string]any)["value"])
		}
		if diff := cmp.Diff(c.params, got); diff != "" {
			t.Errorf("%s.%s arguments (-want +got):\n%s", c.template, c.task, diff)
		}
	}
	if got := task(t, main, "fan--each")["withSequence"]; !cmp.Equal(got, map[string]any{"count": "{{tasks.fan.outputs.parameters.splits}}"}) {
		t.Errorf("fan--each withSequence = %v", got)
	}
	if _, ok := task(t, main, "start")["depends"]; ok {
		t.Error("start has depends")
	}
	if _, ok := task(t, templateNamed(t, wt, "fan--body"), "each")["depends"]; ok {
		t.Error("a body's first task has depends")
	}
}

// TestContainer pins a step's container: the runner's argument array, no
// shell, and the directives' mapping.
func TestContainer(t *testing.T) {
	objs := objects(t, load(t, "testdata/full"), opts)
	wt := objs[0]
	start := templateNamed(t, wt, "start")
	wantArgs := []any{"step", "Start", "--run-id", "{{workflow.name}}", "--task-id", "{{inputs.parameters.task-id}}",
		"--retry-count", "0", "--datastore-root", "s3://bucket/flowc", "--outputs", "/tmp/flowc-out", "--capture-logs",
		// Every value base64-encoded by an expression, so that no later
		// substitution sees it (tools/argovalidate proves it with Argo's code).
		"--param-b64", "{{='region=' + toBase64(workflow.parameters['region'])}}",
		// Optional without a default: passed only when given.
		"{{=workflow.parameters['count'] == '' ? '--capture-logs' : '--param-b64'}}",
		"{{=workflow.parameters['count'] == '' ? '--capture-logs' : 'count=' + toBase64(workflow.parameters['count'])}}",
		"{{=workflow.parameters['note'] == '' ? '--capture-logs' : '--param-b64'}}",
		"{{=workflow.parameters['note'] == '' ? '--capture-logs' : 'note=' + toBase64(workflow.parameters['note'])}}",
		"--param-b64", "{{='lookback=' + toBase64(workflow.parameters['lookback'])}}",
		"--param-b64", "{{='countries=' + toBase64(workflow.parameters['countries'])}}",
		"--param-b64", "{{='weights=' + toBase64(workflow.parameters['weights'])}}"}
	if diff := cmp.Diff(wantArgs, get(t, start, "container", "args")); diff != "" {
		t.Errorf("start args (-want +got):\n%s", diff)
	}
	if got := get(t, start, "container", "command"); !cmp.Equal(got, []any{ir.RunnerPath}) {
		t.Errorf("command = %v", got)
	}
	if got := get(t, start, "container", "image"); got != "registry.example.com/other:2" {
		t.Errorf("kubernetes image= not applied: %v", got)
	}
	if got := get(t, start, "container", "resources", "limits", "memory"); got != "512Mi" {
		t.Errorf("qos=Guaranteed: memory limit %v", got)
	}
	p := templateNamed(t, wt, "process")
	for _, c := range []struct {
		path []any
		want any
	}{
		{[]any{"retryStrategy", "limit"}, 4.0},
		{[]any{"retryStrategy", "backoff"}, nil},
		{[]any{"activeDeadlineSeconds"}, 665.0}, // 605 s and the grace for the pod's start
		{[]any{"container", "args", 7}, "{{retries}}"},
		{[]any{"container", "resources", "requests", "cpu"}, "2"},
		{[]any{"container", "resources", "requests", "memory"}, "4096Mi"},
		{[]any{"container", "resources", "requests", "ephemeral-storage"}, "20480Mi"},
		{[]any{"container", "resources", "limits", "amd.com/gpu"}, "2"},
		{[]any{"container", "env"}, []any{map[string]any{"name": "FLOWC_BRANCH", "value": "staging"}, map[string]any{"name": "FLOWC_ENGINE", "value": "argo"},
			map[string]any{"name": "FLOWC_PRODUCTION", "value": "false"}, map[string]any{"name": "FLOWC_PROJECT", "value": "fraud"}, map[string]any{"name": "LOG_LEVEL", "value": "debug"}, map[string]any{"name": "MODE", "value": "a b"},
			// $ doubled for the kubelet (tools/argovalidate expands it as the kubelet does).
			map[string]any{"name": "SHELL_TEXT", "value": "$$(HOME) $$$$ $$HOME $$(LOG_LEVEL)"}}},
		{[]any{"container", "envFrom"}, []any{map[string]any{"secretRef": map[string]any{"name": "db-credentials"}}, map[string]any{"secretRef": map[string]any{"name": "k8s-creds"}}}},
		{[]any{"container", "ports"}, []any{map[string]any{"containerPort": 8080.0}}},
		{[]any{"nodeSelector"}, map[string]any{"cloud.google.com/gke-nodepool": "gpu"}},
		{[]any{"tolerations"}, []any{map[string]any{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}}},
		{[]any{"serviceAccountName"}, "worker"},
		{[]any{"metadata", "labels", "team"}, "fraud"},
		{[]any{"metadata", "annotations", "example.com/owner"}, "Fraud Team"},
	} {
		if got := get(t, p, c.path...); !cmp.Equal(got, c.want) {
			t.Errorf("process %v = %#v, want %#v", c.path, got, c.want)
		}
	}
	if got := get(t, templateNamed(t, wt, "join"), "retryStrategy"); !cmp.Equal(got, map[string]any{"limit": 3.0, "retryPolicy": "Always", "backoff": map[string]any{"duration": "2m"},
		// not retried when the runner says no retry can help
		"expression": "lastRetry.exitCode != '202'"}) {
		t.Errorf("join retryStrategy = %v", got)
	}
	// A step without //flow:retry is run again after Argo's own errors
	// only, never after it failed.
	if got := get(t, templateNamed(t, wt, "end"), "retryStrategy"); !cmp.Equal(got, map[string]any{"limit": 2.0, "retryPolicy": "OnError",
		"backoff": map[string]any{"duration": "10s", "factor": 2.0}}) {
		t.Errorf("end retryStrategy = %v", got)
	}
	// No secret value anywhere: only references.
	if data := compile(t, load(t, "testdata/full"), opts); bytes.Contains(data, []byte("secretKeyRef")) || !bytes.Contains(data, []byte("secretRef")) {
		t.Error("secrets are not envFrom references")
	}
}

// TestParameters pins the workflow arguments: raw text as the runner
// parses it, JSON as JSON, an unset optional as "" (never "null").
func TestParameters(t *testing.T) {
	wt := objects(t, load(t, "testdata/full"), opts)[0]
	var got []any
	for _, p := range get(t, wt, "spec", "arguments", "parameters").([]any) {
		got = append(got, p.(map[string]any)["name"], p.(map[string]any)["value"])
	}
	want := []any{"region", "eu-west-1", "count", "", "note", "", "lookback", "24h0m0s", "countries", "NL;BE", "weights", `{"a":1.5}`,
		// the body of the event that started the run, one per event
		"flowc--trigger-0", "", "flowc--trigger-1", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("arguments (-want +got):\n%s", diff)
	}
	f := loadSource(t, `package p
import "github.com/flowc-dev/flowc/flow"
type P struct {
	Who string `+"`"+`flow:"param,required"`+"`"+`
}
func (f *P) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }
func (f *P) End(c *flow.Context) {}
`)
	p := get(t, objects(t, f, opts)[0], "spec", "arguments", "parameters", 0).(map[string]any)
	if _, has := p["value"]; has {
		t.Errorf("a required parameter has a value: %v", p)
	}
}

// TestCronAndSensor pins the CronWorkflow and the Sensor.
func TestCronAndSensor(t *testing.T) {
	objs := objects(t, load(t, "testdata/full"), argo.Options{Common: backends.Common{Image: "i", DatastoreRoot: "s3://b", MaxWorkers: 7}, Namespace: "ml"})
	if len(objs) != 3 {
		t.Fatalf("%d objects, want a WorkflowTemplate, a CronWorkflow and a Sensor", len(objs))
	}
	wt, cron, sensor := objs[0], objs[1], objs[2]
	for _, o := range objs {
		if get(t, o, "metadata", "name") != "fraud-staging-deployed-flow" || get(t, o, "metadata", "namespace") != "ml" {
			t.Errorf("%v: metadata %v", o["kind"], o["metadata"])
		}
	}
	if got := get(t, wt, "spec", "parallelism"); got != 7.0 {
		t.Errorf("parallelism = %v", got)
	}
	if get(t, cron, "kind") != "CronWorkflow" || !cmp.Equal(get(t, cron, "spec", "schedules"), []any{"30 4 * * 1"}) ||
		get(t, cron, "spec", "timezone") != "Europe/Amsterdam" ||
		get(t, cron, "spec", "workflowSpec", "workflowTemplateRef", "name") != "fraud-staging-deployed-flow" {
		t.Errorf("cron spec = %v", cron["spec"])
	}
	if get(t, sensor, "spec", "eventBusName") != "bus" || get(t, sensor, "spec", "template", "serviceAccountName") != "sensor-sa" {
		t.Errorf("sensor options not applied: %v", sensor["spec"])
	}
	deps := get(t, sensor, "spec", "dependencies").([]any)
	if len(deps) != 2 || get(t, deps[1], "eventSourceName") != "events" ||
		!cmp.Equal(get(t, deps[1], "filters", "data", 0, "value"), []any{"model.updated"}) {
		t.Errorf("dependencies = %v", deps)
	}
	// Any one event starts a run (as on step-functions), not all of them.
	if got := get(t, sensor, "spec", "triggers", 0, "template", "conditions"); got != "data_ready_0 || model_updated_1" {
		t.Errorf("trigger conditions = %v", got)
	}
	k8s := get(t, sensor, "spec", "triggers", 0, "template", "k8s")
	// Each event's body goes to its own trigger parameter, "" when that
	// event did not fire; the start task gets the first that is not "".
	wantParams := []any{
		map[string]any{"src": map[string]any{"dependencyName": "data_ready_0", "dataKey": "body", "value": ""}, "dest": "spec.arguments.parameters.0.value"},
		map[string]any{"src": map[string]any{"dependencyName": "data_ready_0", "dataKey": "body.payload.region", "value": "eu-west-1"}, "dest": "spec.arguments.parameters.1.value"},
		map[string]any{"src": map[string]any{"dependencyName": "data_ready_0", "dataKey": "body.payload.w", "value": `{"a":1.5}`}, "dest": "spec.arguments.parameters.2.value"},
		map[string]any{"src": map[string]any{"dependencyName": "model_updated_1", "dataKey": "body", "value": ""}, "dest": "spec.arguments.parameters.3.value"},
	}
	if diff := cmp.Diff(wantParams, get(t, k8s, "parameters")); diff != "" {
		t.Errorf("trigger parameters (-want +got):\n%s", diff)
	}
	if got := get(t, k8s, "source", "resource", "spec", "workflowTemplateRef", "name"); got != "fraud-staging-deployed-flow" {
		t.Errorf("trigger creates %v", got)
	}
	var names []any
	for _, p := range get(t, k8s, "source", "resource", "spec", "arguments", "parameters").([]any) {
		names = append(names, p.(map[string]any)["name"])
	}
	if want := []any{"flowc--trigger-0", "region", "weights", "flowc--trigger-1"}; !cmp.Equal(names, want) {
		t.Errorf("the created workflow's arguments %v, want %v", names, want)
	}
	start := templateNamed(t, wt, "start")
	var env string
	for _, e := range get(t, start, "container", "env").([]any) {
		if e.(map[string]any)["name"] == "FLOWC_TRIGGER_B64" {
			env = e.(map[string]any)["value"].(string)
		}
	}
	if want := "{{=toBase64(workflow.parameters['flowc--trigger-0'] != '' ? workflow.parameters['flowc--trigger-0'] : (workflow.parameters['flowc--trigger-1']))}}"; env != want {
		t.Errorf("start's FLOWC_TRIGGER_B64 = %q, want %q", env, want)
	}
}

// TestCheck: the target needs an image and a datastore root; each error
// names the flag.
func TestCheck(t *testing.T) {
	common := func(image, root string, max int) backends.Common {
		return backends.Common{Image: image, DatastoreRoot: root, MaxWorkers: max}
	}
	for _, c := range []struct {
		o    argo.Options
		want string
	}{
		{argo.Options{Common: common("", "s3://b", 0)}, "--image"},
		{argo.Options{Common: common("i", "", 0)}, "--datastore-root"},
		{argo.Options{Common: common("i", "s3://b", 0), Namespace: "Bad_NS"}, "--namespace"},
		{argo.Options{Common: common("i", "s3://b", -1)}, "--max-workers"},
		{argo.Options{Common: common("i", "s3://b", 3), Namespace: "ml"}, ""},
	} {
		err := c.o.Check()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("Check(%+v) = %v, want an error naming %q", c.o, err, c.want)
		}
	}
}

// TestOtherOptions: options of another target, or none, are an error, not
// a panic.
func TestOtherOptions(t *testing.T) {
	f := load(t, "testdata/full")
	for _, o := range []backends.Options{nil, (*argo.Options)(nil), &otherOptions{}} {
		if _, _, err := (argo.Target{}).Compile(f, o); err == nil || !strings.Contains(err.Error(), "argo") {
			t.Errorf("Compile with %T options: err %v, want one naming argo", o, err)
		}
	}
}

// otherOptions are options of some other target.
type otherOptions struct{ backends.Common }

func (*otherOptions) Flags(*pflag.FlagSet) {}
func (*otherOptions) Check() error         { return nil }

// TestCatch: a catch step whose pod dies is recorded as caught by a task
// that depends on its failure, and its successor waits for either; the
// workflow's exit handler records how the run ended.
func TestCatch(t *testing.T) {
	wt := objects(t, load(t, "../../examples/retrycatch"), opts)[0]
	main := templateNamed(t, wt, "flow--main")
	if got := task(t, main, "publish--caught")["depends"]; got != "(publish.Failed || publish.Errored)" {
		t.Errorf("publish--caught depends = %v", got)
	}
	if got := task(t, main, "end")["depends"]; got != "(publish.Succeeded || publish--caught.Succeeded)" {
		t.Errorf("end depends = %v", got)
	}
	args := get(t, templateNamed(t, wt, "publish--caught"), "container", "args").([]any)
	want := []any{"step", "Publish", "--run-id", "{{workflow.name}}", "--task-id", "{{inputs.parameters.task-id}}", "--retry-count", "auto"}
	if !cmp.Equal(args[:len(want)], want) || !slices.Contains(args, "--caught") {
		t.Errorf("publish--caught args = %v", args)
	}
	if got := get(t, wt, "spec", "onExit"); got != "flow--exit" {
		t.Errorf("onExit = %v", got)
	}
	exit := get(t, templateNamed(t, wt, "flow--exit"), "container", "args")
	if !cmp.Equal(exit, []any{"end-run", "--run-id", "{{workflow.name}}", "--status", "{{workflow.status}}", "--datastore-root", "s3://bucket/flowc"}) {
		t.Errorf("exit handler args = %v", exit)
	}
}

// TestDiskMerge: //flow:kubernetes disk= counts with //flow:resources
// even below kubernetes' default of 10240 MiB; without either, the
// default.
func TestDiskMerge(t *testing.T) {
	f := loadSource(t, `package disk

import "github.com/flowc-dev/flowc/flow"

type Disk struct{}

//flow:resources cpu=2
//flow:kubernetes disk=2048
func (f *Disk) Start(c *flow.Context) flow.Next { return flow.Goto(f.Mid) }

//flow:resources cpu=2 disk=1024
func (f *Disk) Mid(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Disk) End(c *flow.Context) {}
`)
	wt := objects(t, f, opts)[0]
	for step, want := range map[string]string{"start": "2048Mi", "mid": "1024Mi", "end": "10240Mi"} {
		if got := get(t, templateNamed(t, wt, step), "container", "resources", "requests", "ephemeral-storage"); got != want {
			t.Errorf("%s: ephemeral-storage %v, want %s", step, got, want)
		}
	}
}

// TestSupportPods: the exit handler and a --caught pod reach the datastore
// as the steps do (the start step's service account, secrets and
// environment for the exit handler, the step's own for --caught), and
// are retried: a pod that records the run's end must not be lost to a
// node's hiccup.
func TestSupportPods(t *testing.T) {
	f := loadSource(t, `package support

import "github.com/flowc-dev/flowc/flow"

type Support struct{}

//flow:kubernetes service_account=flow-sa
//flow:secrets sources=[s3-creds]
//flow:environment vars={AWS_ENDPOINT_URL_S3="http://minio:9000"}
func (f *Support) Start(c *flow.Context) flow.Next { return flow.Goto(f.Risky) }

//flow:catch
//flow:kubernetes service_account=risky-sa
//flow:secrets sources=[risky-creds]
func (f *Support) Risky(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Support) End(c *flow.Context) {}
`)
	wt := objects(t, f, opts)[0]
	for _, c := range []struct{ tmpl, sa, secret string }{{"flow--exit", "flow-sa", "s3-creds"}, {"risky--caught", "risky-sa", "risky-creds"}} {
		tm := templateNamed(t, wt, c.tmpl)
		if got := get(t, tm, "serviceAccountName"); got != c.sa {
			t.Errorf("%s: serviceAccountName %v, want %s", c.tmpl, got, c.sa)
		}
		if got := get(t, tm, "container", "envFrom"); !cmp.Equal(got, []any{map[string]any{"secretRef": map[string]any{"name": c.secret}}}) {
			t.Errorf("%s: envFrom %v", c.tmpl, got)
		}
		if got, _ := get(t, tm, "retryStrategy", "limit").(float64); got < 1 {
			t.Errorf("%s: no retry: %v", c.tmpl, get(t, tm, "retryStrategy"))
		}
	}
	env := get(t, templateNamed(t, wt, "flow--exit"), "container", "env")
	if !slices.ContainsFunc(env.([]any), func(e any) bool { return e.(map[string]any)["name"] == "AWS_ENDPOINT_URL_S3" }) {
		t.Errorf("flow--exit env %v lacks the start step's environment", env)
	}
}

// TestDefaults: a workflow has Metaflow's limits unless told otherwise:
// 100 pods at once, a step stopped after 5 days, a run after 30.
func TestDefaults(t *testing.T) {
	f := load(t, "../../examples/hello")
	wt := objects(t, f, opts)[0]
	if got := get(t, wt, "spec", "parallelism"); got != float64(argo.DefaultParallelism) || argo.DefaultParallelism != 100 {
		t.Errorf("parallelism %v", got)
	}
	if got := get(t, wt, "spec", "activeDeadlineSeconds"); got != float64(30*24*3600) {
		t.Errorf("workflow activeDeadlineSeconds %v", got)
	}
	if got := get(t, templateNamed(t, wt, "start"), "activeDeadlineSeconds"); got != float64(5*24*3600) {
		t.Errorf("step activeDeadlineSeconds %v", got)
	}
	o := opts
	o.MaxWorkers, o.WorkflowTimeout = 8, 90*time.Minute
	if got := get(t, objects(t, f, o)[0], "spec", "parallelism"); got != 8.0 {
		t.Errorf("--max-workers 8: parallelism %v", got)
	}
	if got := get(t, objects(t, f, o)[0], "spec", "activeDeadlineSeconds"); got != 5400.0 {
		t.Errorf("--workflow-timeout 90m: activeDeadlineSeconds %v", got)
	}
	o.WorkflowTimeout = 1500 * time.Millisecond
	if err := o.Check(); err == nil || !strings.Contains(err.Error(), "--workflow-timeout") {
		t.Errorf("--workflow-timeout 1.5s: %v", err)
	}
}

// TestEventURL: --event-url makes the exit handler post the run's end
// event (TestEngineArgo receives it); it must be an http(s) URL.
func TestEventURL(t *testing.T) {
	o := opts
	o.EventURL = "http://flowc-eventsource-svc:12000/flowc"
	exit := get(t, templateNamed(t, objects(t, load(t, "../../examples/hello"), o)[0], "flow--exit"), "container", "args").([]any)
	if i := slices.Index(exit, any("--event-url")); i < 0 || exit[i+1] != o.EventURL {
		t.Errorf("exit handler args %v", exit)
	}
	for _, bad := range []string{"flowc-eventsource-svc:12000", "ftp://x/y", "http://{{workflow.name}}/x"} {
		o.EventURL = bad
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), "--event-url") {
			t.Errorf("--event-url %q: %v", bad, err)
		}
	}
}

// flowWide is opts with every flow-wide pod setting.
var flowWide = func() argo.Options {
	o := opts
	o.ServiceAccount, o.PriorityClass = "flow-sa", "high"
	o.ImagePullSecrets, o.Secrets = []string{"registry-creds"}, []string{"s3-creds"}
	o.Labels = map[string]string{"team": "fraud", "flowc.dev/flow": "not-this"}
	o.Annotations = map[string]string{"example.com/owner": "Fraud Team {x}"}
	o.NodeSelector = map[string]string{"pool": "batch"}
	o.NotifyOnError, o.NotifyOnSuccess = notifyURL, "env:SUCCESS_HOOK"
	o.Tolerations = []string{"dedicated=ml:NoSchedule", "spot:NoExecute", "anything"}
	o.RunAsUser, o.FSGroup, o.RunAsNonRoot = ptr[int64](1000), ptr[int64](2000), true
	o.PodGC, o.TTL = "OnPodSuccess", 24*time.Hour
	o.ConcurrencyPolicy, o.SuccessfulHistoryLimit, o.FailedHistoryLimit = "Forbid", ptr(5), ptr(0)
	o.SensorNamespace = "argo-events"
	return o
}()

func ptr[T any](v T) *T { return &v }

// notifyURL is a webhook URL with what the kubelet would expand.
const notifyURL = "https://hooks.example.com/services/T0/B0/x$(HOME)$$y"

// TestFlowWide: the flow-wide settings reach every pod, the exit handler's
// too; a step's own service account and node selector win, its secrets add.
func TestFlowWide(t *testing.T) {
	wt := objects(t, load(t, "testdata/full"), flowWide)[0]
	for path, want := range map[string]any{
		"serviceAccountName":                        "flow-sa",
		"podPriorityClassName":                      "high",
		"nodeSelector":                              map[string]any{"pool": "batch"},
		"imagePullSecrets":                          []any{map[string]any{"name": "registry-creds"}},
		"podMetadata.labels.team":                   "fraud",
		"podMetadata.labels.flowc.dev/flow":         "fraud-staging-deployed-flow",
		"podMetadata.annotations.example.com/owner": "Fraud Team {x}",
	} {
		keys := strings.SplitN(path, ".", 3)
		var got any
		switch len(keys) {
		case 1:
			got = get(t, wt, "spec", keys[0])
		default:
			got = get(t, wt, "spec", keys[0], keys[1], keys[2])
		}
		if !cmp.Equal(got, want) {
			t.Errorf("spec.%s = %v, want %v", path, got, want)
		}
	}
	for _, tm := range []string{"flow--exit", "start", "process"} {
		env := get(t, templateNamed(t, wt, tm), "container", "envFrom").([]any)
		if !cmp.Equal(env[0], map[string]any{"secretRef": map[string]any{"name": "s3-creds"}}) {
			t.Errorf("%s envFrom %v", tm, env)
		}
	}
	if got := get(t, templateNamed(t, wt, "process"), "serviceAccountName"); got != "worker" {
		t.Errorf("process: a step's service_account must win, got %v", got)
	}
	o := flowWide
	o.Labels = map[string]string{"team": "Fraud Team"}
	if err := o.Check(); err == nil || !strings.Contains(err.Error(), "--label") {
		t.Errorf("--label team=\"Fraud Team\": %v", err)
	}
}

// TestNotify: --notify-on-error and --notify-on-success become arguments
// of the exit handler's end-run, $ escaped for the kubelet (tools/
// argovalidate checks they reach the runner as given), and bad targets are
// refused by Check.
func TestNotify(t *testing.T) {
	wt := objects(t, load(t, "testdata/full"), flowWide)[0]
	args := get(t, templateNamed(t, wt, "flow--exit"), "container", "args").([]any)
	want := []any{"--notify-on-error", "https://hooks.example.com/services/T0/B0/x$$(HOME)$$$$y", "--notify-on-success", "env:SUCCESS_HOOK"}
	if got := args[len(args)-4:]; !cmp.Equal(got, want) {
		t.Errorf("exit handler args end %v, want %v", got, want)
	}
	for _, tm := range []string{"start", "process"} {
		for _, a := range get(t, templateNamed(t, wt, tm), "container", "args").([]any) {
			if strings.HasPrefix(a.(string), "--notify") {
				t.Errorf("%s has %s: only the exit handler notifies", tm, a)
			}
		}
	}
	for _, bad := range []string{"ftp://x/y", "hooks.example.com/x", "https://x/{{workflow.name}}", "env:", "env:A-B"} {
		o := flowWide
		o.NotifyOnSuccess = bad
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), "--notify-on-success") {
			t.Errorf("--notify-on-success %q: %v", bad, err)
		}
	}
}

// TestRunSettings: tolerations, the security context, pod GC and TTL are
// the workflow's (every pod's, the exit handler's too; a step's own
// tolerations replace them, as Argo does), the CronWorkflow's policy and
// history limits its own, and the Sensor goes to --sensor-namespace.
func TestRunSettings(t *testing.T) {
	objs := objects(t, load(t, "testdata/full"), flowWide)
	wt, cron, sensor := objs[0], objs[1], objs[2]
	for path, want := range map[string]any{
		"tolerations": []any{
			map[string]any{"key": "dedicated", "operator": "Equal", "value": "ml", "effect": "NoSchedule"},
			map[string]any{"key": "spot", "operator": "Exists", "effect": "NoExecute"},
			map[string]any{"key": "anything", "operator": "Exists"},
		},
		"securityContext": map[string]any{"runAsUser": float64(1000), "fsGroup": float64(2000), "runAsNonRoot": true},
		"podGC":           map[string]any{"strategy": "OnPodSuccess"},
		"ttlStrategy":     map[string]any{"secondsAfterCompletion": float64(86400)},
	} {
		if got := get(t, wt, "spec", path); !cmp.Equal(got, want) {
			t.Errorf("spec.%s = %v, want %v", path, got, want)
		}
	}
	for _, tm := range []string{"flow--exit", "start"} {
		if got := get(t, templateNamed(t, wt, tm), "tolerations"); got != nil {
			t.Errorf("%s has its own tolerations %v: the workflow's must reach it", tm, got)
		}
	}
	if got := get(t, templateNamed(t, wt, "process"), "tolerations"); got == nil {
		t.Error("a step's own tolerations are gone")
	}
	for path, want := range map[string]any{"concurrencyPolicy": "Forbid", "successfulJobsHistoryLimit": float64(5), "failedJobsHistoryLimit": float64(0)} {
		if got := get(t, cron, "spec", path); got != want {
			t.Errorf("cron spec.%s = %v, want %v", path, got, want)
		}
	}
	if got := get(t, sensor, "metadata", "namespace"); got != "argo-events" {
		t.Errorf("sensor namespace %v", got)
	}
	// Argo's defaults when not given.
	plain := objects(t, load(t, "testdata/full"), opts)
	for _, path := range []string{"tolerations", "securityContext", "podGC", "ttlStrategy"} {
		if got := get(t, plain[0], "spec", path); got != nil {
			t.Errorf("without flags spec.%s = %v", path, got)
		}
	}
	if got := get(t, plain[1], "spec", "concurrencyPolicy"); got != "Allow" {
		t.Errorf("default concurrency policy %v", got)
	}
}

// TestSensorNamespaceOption: the trigger's namespace option places the
// Sensor, and --sensor-namespace wins over it.
func TestSensorNamespaceOption(t *testing.T) {
	src := `package trig

import "github.com/flowc-dev/flowc/flow"

//flow:trigger events=[ready] options={namespace=events-ns}
type Trig struct{}

func (f *Trig) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Trig) End(c *flow.Context) {}
`
	f := loadSource(t, src)
	o := opts
	o.Namespace = "ml"
	if got := get(t, objects(t, f, o)[1], "metadata", "namespace"); got != "events-ns" {
		t.Errorf("with the option the sensor is in %v", got)
	}
	o.SensorNamespace = "flagged"
	objs := objects(t, f, o)
	if got := get(t, objs[1], "metadata", "namespace"); got != "flagged" {
		t.Errorf("with --sensor-namespace the sensor is in %v", got)
	}
	if got := get(t, objs[1], "spec", "triggers", 0, "template", "k8s", "source", "resource", "metadata", "namespace"); got != "ml" {
		t.Errorf("the sensor creates workflows in %v, want the template's namespace ml", got)
	}
}

// TestRunSettingsRefused: Check refuses what Kubernetes and Argo would.
func TestRunSettingsRefused(t *testing.T) {
	for flag, change := range map[string]func(o *argo.Options){
		"--toleration":               func(o *argo.Options) { o.Tolerations = []string{"k=v:Sometimes"} },
		"--toleration ":              func(o *argo.Options) { o.Tolerations = []string{"=v:NoSchedule"} },
		"--run-as-user":              func(o *argo.Options) { o.RunAsUser = ptr[int64](-5) },
		"--run-as-non-root":          func(o *argo.Options) { o.RunAsUser = ptr[int64](0) },
		"--pod-gc":                   func(o *argo.Options) { o.PodGC = "Never" },
		"--ttl":                      func(o *argo.Options) { o.TTL = 1500 * time.Millisecond },
		"--concurrency-policy":       func(o *argo.Options) { o.ConcurrencyPolicy = "Sometimes" },
		"--successful-history-limit": func(o *argo.Options) { o.SuccessfulHistoryLimit = ptr(-1) },
		"--sensor-namespace":         func(o *argo.Options) { o.SensorNamespace = "Events" },
	} {
		o := flowWide
		change(&o)
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), strings.TrimSpace(flag)) {
			t.Errorf("%s: %v", flag, err)
		}
	}
}

// TestFlagsDocumented: docs/argo.md's table names every flag of the
// target, the common ones included.
func TestFlagsDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "argo.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	fs := pflag.NewFlagSet("argo", pflag.ContinueOnError)
	backends.RegisterFlags(fs, argo.Target{}.NewOptions())
	fs.VisitAll(func(f *pflag.Flag) {
		if !strings.Contains(doc, "| `--"+f.Name+"`") && !strings.Contains(doc, ", `--"+f.Name+"`") {
			t.Errorf("--%s is not in docs/argo.md's flags table", f.Name)
		}
	})
}
