package stepfunctions_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/runtime/build"
)

// placeholder is an InputTemplate's <NAME>.
var placeholder = regexp.MustCompile(`<([A-Za-z0-9_.-]+)>`)

// transform makes a rule target's input from event as EventBridge's
// InputTransformer documents it: each InputPathsMap path (dot notation
// from $) is read from the event, and its placeholder replaced by the
// value's JSON, or, inside a JSON string of the template, by its text.
func transform(t *testing.T, it *stepfunctions.InputTransformer, event map[string]any) map[string]any {
	t.Helper()
	if it == nil {
		t.Fatal("the rule has no InputTransformer")
	}
	values := map[string]any{}
	for k, path := range it.InputPathsMap {
		var v any = event
		for _, f := range strings.Split(strings.TrimPrefix(path, "$."), ".") {
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("path %s: not in the event", path)
			}
			v = m[f]
		}
		values[k] = v
	}
	tmpl := it.InputTemplate
	var out strings.Builder
	quoted := false
	for i := 0; i < len(tmpl); i++ {
		switch c := tmpl[i]; {
		case c == '\\' && quoted:
			out.WriteString(tmpl[i : i+2])
			i++
		case c == '"':
			quoted = !quoted
			out.WriteByte(c)
		case c == '<':
			m := placeholder.FindStringSubmatch(tmpl[i:])
			v, ok := values[m[1]]
			if m == nil || !ok {
				t.Fatalf("template %s: placeholder at %d not in InputPathsMap", tmpl, i)
			}
			data, _ := json.Marshal(v)
			if s, isString := v.(string); isString && quoted {
				data, _ = json.Marshal(s)
				data = data[1 : len(data)-1]
			}
			out.Write(data)
			i += len(m[0]) - 1
		default:
			out.WriteByte(c)
		}
	}
	var in map[string]any
	if err := json.Unmarshal([]byte(out.String()), &in); err != nil {
		t.Fatalf("the input the template %s makes is not JSON: %v\n%s", tmpl, err, out.String())
	}
	return in
}

// triggeredRules compiles testdata/triggered and returns its event rule
// and its trigger_on_finish rule.
func triggeredRules(t *testing.T) (event, finish stepfunctions.Rule) {
	t.Helper()
	files := compileDir(t, filepath.Join("testdata", "triggered"), e2eOptions)
	var rules []stepfunctions.Rule
	if err := json.Unmarshal(files[".rules.json"], &rules); err != nil {
		t.Fatal(err)
	}
	if len(rules) != 3 || !strings.HasSuffix(rules[1].Name, "-event-0") || !strings.HasSuffix(rules[2].Name, "-finish-0") {
		t.Fatalf("rules %+v, want ended, event-0 and finish-0", rules)
	}
	return rules[1], rules[2]
}

// dataReady is a data_ready event as PutEvents delivers it, its detail
// holding what no shell or template engine may see.
var dataReady = map[string]any{
	"version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "data_ready", "source": "flowc",
	"account": "123456789012", "time": "2026-12-06T22:00:00Z", "region": "eu-west-1", "resources": []any{},
	"detail": map[string]any{"table": "tx", "note": `$(rm -rf /) ${HOME} {{workflow.name}} 'q' "dq" \ <p0>`, "rows": 3.0},
}

// TestTriggerRuleInput: an event rule's input is the parameters it maps
// and, at TriggerKey, the event as {"name", "payload": its detail}; a
// trigger_on_finish rule's is the end event of the upstream run, as
// flowc's end-run posts it on argo.
func TestTriggerRuleInput(t *testing.T) {
	event, finish := triggeredRules(t)
	got := transform(t, event.Target.InputTransformer, dataReady)
	want := map[string]any{"table": "tx", stepfunctions.TriggerKey: map[string]any{"name": "data_ready", "payload": dataReady["detail"]}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("event rule input\n got %v\nwant %v", got, want)
	}
	if event.Target.Input != "" {
		t.Errorf("event rule has both Input %q and an InputTransformer", event.Target.Input)
	}
	ended := map[string]any{"source": "aws.states", "detail-type": "Step Functions Execution Status Change",
		"detail": map[string]any{"name": "up-7", "status": "SUCCEEDED", "stateMachineArn": "arn:aws:states:eu-west-1:1:stateMachine:Upstream",
			"input": "{}", "output": "{}"}}
	got = transform(t, finish.Target.InputTransformer, ended)
	want = map[string]any{stepfunctions.TriggerKey: map[string]any{"name": "flowc.Upstream.end",
		"payload": map[string]any{"flow": "Upstream", "run_id": "up-7", "pathspec": "Upstream/up-7"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("trigger_on_finish rule input\n got %v\nwant %v", got, want)
	}
}

// TestTriggerOnFinishProjectInput: in a project, the rule on the upstream
// flow of the same project and branch passes its end event
// flowc.PROJECT.BRANCH.FLOW.end with the project and branch, and the rule
// on the bare upstream flow flowc.FLOW.end, as each posts it on argo.
func TestTriggerOnFinishProjectInput(t *testing.T) {
	files := compileFiles(t, "production", e2eOptions)
	var rules []stepfunctions.Rule
	if err := json.Unmarshal(files[".rules.json"], &rules); err != nil {
		t.Fatal(err)
	}
	if len(rules) != 3 {
		t.Fatalf("%d rules, want ended and two on Training", len(rules))
	}
	ended := map[string]any{"detail": map[string]any{"name": "up-7"}}
	for i, want := range []map[string]any{
		{"name": "flowc.fraud.main.Training.end", "payload": map[string]any{"flow": "Training", "run_id": "up-7", "pathspec": "Training/up-7", "project": "fraud", "branch": "main"}},
		{"name": "flowc.Training.end", "payload": map[string]any{"flow": "Training", "run_id": "up-7", "pathspec": "Training/up-7"}},
	} {
		got := transform(t, rules[1+i].Target.InputTransformer, ended)[stepfunctions.TriggerKey]
		if !reflect.DeepEqual(got, any(want)) {
			t.Errorf("rule %s: trigger\n got %v\nwant %v", rules[1+i].Name, got, want)
		}
	}
}

// TestTriggerExecute executes testdata/triggered in aws-local-stepfunctions
// with the input each of its rules makes, and with an input given by hand:
// the start task, run by the real runner, records the trigger the state
// machine passed as FLOWC_TRIGGER, the next step reads it with
// c.Trigger(), and the client's Run.Trigger() returns it; a run started by
// hand has none.
func TestTriggerExecute(t *testing.T) {
	node := needNode(t)
	f, dir := loadDir(t, filepath.Join("testdata", "triggered"))
	bundle := compileBundle(t, f, dir, e2eOptions)
	r, err := build.Build(context.Background(), dir, f, build.Options{})
	if err != nil {
		t.Fatal(err)
	}
	event, finish := triggeredRules(t)
	// aws-local-stepfunctions 3.0.0 strips every backslash from an
	// intrinsic function's string result (BaseIntrinsicFunction.call:
	// result.replaceAll("\\", "")), so the JSON text States.JsonToString
	// makes of a string holding a quote or a backslash is broken there,
	// not on Step Functions. The event executed here holds neither; the
	// rule's input with both is TestTriggerRuleInput's.
	ready := map[string]any{"detail-type": "data_ready", "source": "flowc",
		"detail": map[string]any{"table": "tx", "note": `$(rm -rf /) ${HOME} {{workflow.name}} 'q' <p0> {}`, "rows": 3.0}}
	detail, _ := json.Marshal(ready["detail"])
	for _, tc := range []struct {
		what, run string
		input     map[string]any
		want      *flow.Trigger
		table     any
	}{
		{"event", "sfn-trigger-event", transform(t, event.Target.InputTransformer, ready),
			&flow.Trigger{Type: "event", Name: "data_ready", Payload: detail}, "tx"},
		{"finish", "sfn-trigger-finish", transform(t, finish.Target.InputTransformer, map[string]any{"detail": map[string]any{"name": "up-7"}}),
			&flow.Trigger{Type: "run", Name: "flowc.Upstream.end", Pathspec: "Upstream/up-7",
				Payload: json.RawMessage(`{"flow":"Upstream","run_id":"up-7","pathspec":"Upstream/up-7"}`)}, nil},
		{"by hand", "sfn-trigger-none", map[string]any{"table": "t"}, nil, "t"},
	} {
		t.Run(tc.what, func(t *testing.T) {
			root := t.TempDir()
			ex := execute(t, node, bundle, r.Path, root, tc.run, tc.input)
			if ex.Status != "SUCCEEDED" {
				t.Fatalf("execution %s: %s: %s\nevents %v", ex.Status, ex.Error, ex.Cause, ex.Events)
			}
			c, _ := client.Open(root)
			run, err := c.Namespace(client.Global).Flow(f.Name).Run(tc.run)
			if err != nil {
				t.Fatal(err)
			}
			params, err := run.Parameters()
			if err != nil || params["Table"] != tc.table {
				t.Errorf("parameter table %v (%v), want %v", params["Table"], err, tc.table)
			}
			tasks, err := run.Step("Read").Tasks()
			if err != nil || len(tasks) != 1 {
				t.Fatalf("Read: %v %v", tasks, err)
			}
			var none bool
			var typ, name, pathspec, payload string
			// A field Read left at its zero value is no artifact.
			names := tasks[0].Artifacts()
			for field, p := range map[string]any{"None": &none, "Type": &typ, "Name": &name, "Pathspec": &pathspec, "Payload": &payload} {
				if !slices.Contains(names, field) {
					continue
				}
				if err := tasks[0].Artifact(field, p); err != nil {
					t.Fatalf("Read's %s: %v", field, err)
				}
			}
			seen := &flow.Trigger{Type: typ, Name: name, Pathspec: pathspec, Payload: json.RawMessage(payload)}
			if none {
				seen = nil
			}
			for who, got := range map[string]*flow.Trigger{"c.Trigger() in Read": seen, "Run.Trigger()": run.Trigger()} {
				if !sameTrigger(got, tc.want) {
					t.Errorf("%s = %s, want %s", who, show(got), show(tc.want))
				}
			}
		})
	}
}

// sameTrigger compares two triggers, their payloads as JSON values.
func sameTrigger(a, b *flow.Trigger) bool {
	if a == nil || b == nil {
		return a == b
	}
	var pa, pb any
	json.Unmarshal(a.Payload, &pa)
	json.Unmarshal(b.Payload, &pb)
	return a.Type == b.Type && a.Name == b.Name && a.Pathspec == b.Pathspec && reflect.DeepEqual(pa, pb)
}

func show(t *flow.Trigger) string {
	data, _ := json.Marshal(t)
	return string(data)
}
