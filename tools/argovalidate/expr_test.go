package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"testing"

	wfv1 "github.com/argoproj/argo-workflows/v4/pkg/apis/workflow/v1alpha1"
	"github.com/argoproj/argo-workflows/v4/util/expr/env"
	"github.com/argoproj/argo-workflows/v4/util/logging"
	"github.com/argoproj/argo-workflows/v4/util/template"
	"github.com/expr-lang/expr"
)

// Argo's validator does not look inside expression templates ({{=...}})
// or valueFrom.expression. These tests evaluate the ones flowc emits with
// Argo's own template replacement and expression environment, on the
// golden objects of backends/argo.

func loadTemplate(t *testing.T, path string) *wfv1.WorkflowTemplate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := split(data)
	if err != nil {
		t.Fatal(err)
	}
	return docs[0].obj.(*wfv1.WorkflowTemplate)
}

func tmpl(t *testing.T, wt *wfv1.WorkflowTemplate, name string) *wfv1.Template {
	t.Helper()
	for i := range wt.Spec.Templates {
		if wt.Spec.Templates[i].Name == name {
			return &wt.Spec.Templates[i]
		}
	}
	t.Fatalf("no template %s", name)
	return nil
}

// replace substitutes vars into a string list as the controller does.
func replace(t *testing.T, list []string, vars map[string]string) []string {
	t.Helper()
	ctx := logging.WithLogger(context.Background(), logging.NewSlogLogger(logging.Error, logging.Text))
	data, _ := json.Marshal(list)
	out, err := template.Replace(ctx, string(data), vars, false)
	if err != nil {
		t.Fatalf("replace %s: %v", data, err)
	}
	var got []string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestLoopExpressions: the loop's next iteration and its output.
func TestLoopExpressions(t *testing.T) {
	wt := loadTemplate(t, "../../backends/argo/testdata/shapes.argo.yaml")
	loop := tmpl(t, wt, "loop--loop")
	var again *wfv1.DAGTask
	for i := range loop.DAG.Tasks {
		if loop.DAG.Tasks[i].Name == "again" {
			again = &loop.DAG.Tasks[i]
		}
	}
	var iter string
	for _, p := range again.Arguments.Parameters {
		if p.Name == "iter" {
			iter = p.Value.String()
		}
	}
	if got := replace(t, []string{iter}, map[string]string{"inputs.parameters.iter": "3"}); got[0] != "4" {
		t.Errorf("iter after 3 = %q", got[0])
	}
	out := loop.Outputs.Parameters[0].ValueFrom.Expression
	for _, c := range []struct{ visit, again, want string }{{"After", "", "After"}, {"Loop", "After", "After"}} {
		scope := map[string]any{"tasks.visit.outputs.parameters.next": c.visit}
		if c.again != "" {
			scope["tasks.again.outputs.parameters.next"] = c.again
		}
		e := env.GetFuncMap(scope)
		program, err := expr.Compile(out, expr.Env(e))
		if err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		got, err := expr.Run(program, e)
		if err != nil || got != c.want {
			t.Errorf("visit chose %s, again %q: next = %v, %v; want %s", c.visit, c.again, got, err, c.want)
		}
	}
}

// TestTriggerExpression: the start task's FLOWC_TRIGGER_B64 is the body of
// the event that started the run, the first trigger parameter that is not
// "", base64-encoded so that no later pass substitutes inside it; "" for a
// run started by hand.
func TestTriggerExpression(t *testing.T) {
	wt := loadTemplate(t, "../../backends/argo/testdata/full.argo.yaml")
	var value string
	for _, e := range tmpl(t, wt, "start").Container.Env {
		if e.Name == "FLOWC_TRIGGER_B64" {
			value = e.Value
		}
	}
	if value == "" {
		t.Fatal("start has no FLOWC_TRIGGER_B64")
	}
	body := `{"name":"model.updated","payload":{"note":"{{workflow.name}} $(HOME)"}}`
	for _, c := range []struct{ first, second, want string }{
		{"", "", ""},
		{"", body, base64.StdEncoding.EncodeToString([]byte(body))},
		{body, "", base64.StdEncoding.EncodeToString([]byte(body))},
	} {
		vars := map[string]string{"workflow.parameters.flowc--trigger-0": c.first, "workflow.parameters.flowc--trigger-1": c.second}
		if got := replace(t, []string{value}, vars); got[0] != c.want {
			t.Errorf("trigger parameters %q, %q: %q, want %q", c.first, c.second, got[0], c.want)
		}
	}
}
