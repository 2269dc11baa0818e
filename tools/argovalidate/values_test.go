package main

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	wfv1 "github.com/argoproj/argo-workflows/v4/pkg/apis/workflow/v1alpha1"
	"github.com/argoproj/argo-workflows/v4/util/logging"
	"github.com/argoproj/argo-workflows/v4/workflow/common"
	"k8s.io/kubernetes/third_party/forked/golang/expansion"
)

// These tests run flowc's templates through what happens to a container
// template on its way to a process: the controller's common.ProcessArgs
// (global parameters substituted, then inputs, a second pass over the
// result), then the kubelet's $(VAR) expansion of env values and args
// (k8s.io/kubernetes/third_party/forked/golang/expansion, as
// pkg/kubelet/kubelet_pods.go and pkg/kubelet/container/helpers.go use it).
// What the runner is given must be what the user gave.

// hostile is a value no substitution may change.
const hostile = `a "q" 'single' $(touch X) ${HOME} {{workflow.name}} {{=1+41}} {{inputs.parameters.task-id}} $$5 ünïcode`

// pod is what the container of template name runs with: its env and args
// after the controller and the kubelet.
func pod(t *testing.T, wt *wfv1.WorkflowTemplate, name string, params, inputs map[string]string) (env map[string]string, args []string) {
	t.Helper()
	ctx := logging.WithLogger(context.Background(), logging.NewSlogLogger(logging.Error, logging.Text))
	globals := common.Parameters{"workflow.name": "wf-1", "workflow.namespace": "ns", "workflow.status": "Succeeded"}
	for k, v := range params {
		globals["workflow.parameters."+k] = v
	}
	var a wfv1.Arguments
	for k, v := range inputs {
		a.Parameters = append(a.Parameters, wfv1.Parameter{Name: k, Value: wfv1.AnyStringPtr(v)})
	}
	out, err := common.ProcessArgs(ctx, tmpl(t, wt, name), &a, globals, common.Parameters{"pod.name": "wf-1-123"}, false, "ns", nil)
	if err != nil {
		t.Fatalf("ProcessArgs %s: %v", name, err)
	}
	env = map[string]string{"HOME": "/root"} // what the image may set
	for _, e := range out.Container.Env {
		env[e.Name] = expansion.Expand(e.Value, expansion.MappingFuncFor(env))
	}
	mapping := expansion.MappingFuncFor(env)
	for _, s := range out.Container.Args {
		args = append(args, expansion.Expand(s, mapping))
	}
	return env, args
}

// runnerParams decodes the --param-b64 arguments as the runner does.
func runnerParams(t *testing.T, args []string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for i, a := range args {
		if a != "--param-b64" || i+1 >= len(args) {
			continue
		}
		name, enc, _ := strings.Cut(args[i+1], "=")
		v, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			t.Fatalf("--param-b64 %q: %v", args[i+1], err)
		}
		got[name] = string(v)
	}
	return got
}

// TestParameterValuesUnchanged: parameter values with template syntax,
// expressions, $(VAR), quotes and non-ASCII reach the runner unchanged.
func TestParameterValuesUnchanged(t *testing.T) {
	wt := loadTemplate(t, "../../backends/argo/testdata/full.argo.yaml")
	params := map[string]string{
		"region":    hostile,
		"count":     "5",
		"note":      "{{workflow.parameters.region}} $(HOME)",
		"lookback":  "24h",
		"countries": "NL;$(HOME);{{=1+1}}",
		"weights":   `{"a": 1.5, "s": "{{workflow.name}} $(HOME) \"x\""}`,
	}
	_, args := pod(t, wt, "start", params, map[string]string{"task-id": "0"})
	got := runnerParams(t, args)
	for k, want := range params {
		if got[k] != want {
			t.Errorf("parameter %s reaches the runner as %q, want %q\nargs: %q", k, got[k], want, args)
		}
	}
	// Unset optional parameters stay unset.
	params["count"], params["note"] = "", ""
	_, args = pod(t, wt, "start", params, map[string]string{"task-id": "0"})
	got = runnerParams(t, args)
	if _, ok := got["count"]; ok {
		t.Errorf("unset count reaches the runner: %q", args)
	}
	if _, ok := got["note"]; ok {
		t.Errorf("unset note reaches the runner: %q", args)
	}
}

// TestEnvironmentAndArgsLiteral: //flow:environment values and the
// runner's own arguments reach the process as written, $ and all.
func TestEnvironmentAndArgsLiteral(t *testing.T) {
	wt := loadTemplate(t, "../../backends/argo/testdata/full.argo.yaml")
	env, args := pod(t, wt, "process", nil, map[string]string{"task-id": "3"})
	if want := "$(HOME) $$ $HOME $(LOG_LEVEL)"; env["SHELL_TEXT"] != want {
		t.Errorf("SHELL_TEXT = %q, want %q", env["SHELL_TEXT"], want)
	}
	if i := indexOf(args, "--datastore-root"); i < 0 || args[i+1] != "s3://bucket/flowc" {
		t.Errorf("--datastore-root in %q", args)
	}
	if i := indexOf(args, "--task-id"); i < 0 || args[i+1] != "3" {
		t.Errorf("--task-id in %q", args)
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s && i+1 < len(list) {
			return i
		}
	}
	return -1
}

// TestNotifyTargetsLiteral: the exit handler's notification targets reach
// the runner as given to flowc compile, $ and all.
func TestNotifyTargetsLiteral(t *testing.T) {
	wt := loadTemplate(t, "../../backends/argo/testdata/flowwide.argo.yaml")
	_, args := pod(t, wt, "flow--exit", nil, nil)
	for flag, want := range map[string]string{
		"--notify-on-error":   "https://hooks.example.com/services/T0/B0/x$(HOME)$$y",
		"--notify-on-success": "env:SUCCESS_HOOK",
		"--status":            "Succeeded",
	} {
		if i := indexOf(args, flag); i < 0 || args[i+1] != want {
			t.Errorf("%s in %q, want %q", flag, args, want)
		}
	}
}
