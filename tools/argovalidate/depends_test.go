package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	wfv1 "github.com/argoproj/argo-workflows/v4/pkg/apis/workflow/v1alpha1"
	"github.com/argoproj/argo-workflows/v4/util/expr/argoexpr"
)

// taskResults is the controller's TaskResults (workflow/controller/dag.go),
// the value each task name has when Argo evaluates a depends expression.
// It is written out here because that package is the whole controller;
// EvalBool reads only the field names.
type taskResults struct {
	Succeeded, Failed, Errored, Skipped, Omitted, Daemoned, AnySucceeded, AllFailed bool
}

// TestDependsEvaluate evaluates every depends expression of the golden
// objects as the controller's evaluateDependsLogic does: "-" written "_"
// in the expression and in the task names, the names as variables of
// argoexpr.EvalBool. With every task Succeeded, each must be true; a task
// name that is a word of the expression language (in, not, len) breaks it.
func TestDependsEvaluate(t *testing.T) {
	files, _ := filepath.Glob("../../golden/testdata/examples/*.argo")
	more, _ := filepath.Glob("../../backends/argo/testdata/*.argo.yaml")
	files = append(files, more...)
	if len(files) < 3 {
		t.Fatalf("found only %v", files)
	}
	for _, path := range files {
		data := mustRead(t, path)
		if rejected(data) {
			continue
		}
		wt := loadTemplate(t, path)
		for _, tm := range wt.Spec.Templates {
			if tm.DAG != nil {
				checkDepends(t, path, tm)
			}
		}
	}
}

func checkDepends(t *testing.T, path string, tm wfv1.Template) {
	scope := map[string]taskResults{}
	for _, task := range tm.DAG.Tasks {
		scope[strings.ReplaceAll(task.Name, "-", "_")] = taskResults{Succeeded: true, AnySucceeded: true}
	}
	for _, task := range tm.DAG.Tasks {
		if task.Depends == "" || strings.Contains(task.Depends, ".Failed") {
			continue // a --caught task runs on failure
		}
		logic := strings.ReplaceAll(task.Depends, "-", "_")
		ok, err := argoexpr.EvalBool(logic, scope)
		if err != nil || !ok {
			t.Errorf("%s: template %s, task %s: depends %q = %v, %v", filepath.Base(path), tm.Name, task.Name, task.Depends, ok, err)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
