package stepfunctions_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/internal/flowgen"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
)

// Batch rejects a job whose container overrides exceed 8,192 characters.
const batchOverrideLimit = 8192

// Worst cases of what the state machine puts in a command at run time.
const (
	maxRunID      = 80       // an execution name has at most 80 characters
	maxIndex      = "99999"  // a foreach index (a foreach that wide is a Distributed Map)
	maxIter       = "999999" // a self-loop's visit number
	maxParamInput = 6000     // flowc trigger's bound on the run's input (maxTriggerInput)
)

// intrinsicArgs splits the arguments of States.Array(...) at its top-level
// commas.
func intrinsicArgs(t *testing.T, call string) []string {
	inner, ok := strings.CutPrefix(call, "States.Array(")
	if !ok || !strings.HasSuffix(inner, ")") {
		t.Fatalf("command %q is not a States.Array", call)
	}
	inner = inner[:len(inner)-1]
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(inner); i++ {
		switch c := inner[i]; {
		case c == '\\':
			i++
		case c == '\'':
			quoted = !quoted
		case quoted:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(inner[start:i]))
			start = i + 1
		}
	}
	return append(out, strings.TrimSpace(inner[start:]))
}

// worstCommand is the longest command a Task state's Command.$ can make,
// and whether it carries parameters (Start).
func worstCommand(t *testing.T, f *ir.Flow, call string) ([]string, bool) {
	args := intrinsicArgs(t, call)
	var cmd []string
	params := false
	for i, a := range args {
		switch {
		case strings.HasPrefix(a, "'"):
			cmd = append(cmd, strings.NewReplacer(`\'`, "'", `\{`, "{", `\}`, "}", `\\`, `\`).Replace(a[1:len(a)-1]))
		case a == "$.run", a == "$['"+stepfunctions.EndRunKey+"']":
			cmd = append(cmd, strings.Repeat("r", maxRunID))
		case a == "$.task", strings.HasPrefix(a, "States.Format('{}.{}', $.task"):
			cmd = append(cmd, worstTaskID(f.Step(cmd[2]), a != "$.task"))
		case strings.HasPrefix(a, "States.Format('") && strings.Contains(a, "$.p["):
			// --param=NAME={}: the value's share is counted once for all below.
			params = true
			cmd = append(cmd, a[len("States.Format('"):strings.Index(a, "{}")])
		case strings.HasPrefix(a, "$.args.p") && strings.HasSuffix(a, ".v"):
			// Put there by the parameter's Choice: --param=NAME=VALUE or a
			// shorter no-op.
			n, err := strconv.Atoi(a[len("$.args.p") : len(a)-len(".v")])
			if err != nil || n >= len(f.Params) {
				t.Fatalf("argument %d of %q: no parameter %q", i, call, a)
			}
			params = true
			cmd = append(cmd, "--param="+f.Params[n].Name+"=")
		default:
			t.Fatalf("argument %d of %q: unknown form %q", i, call, a)
		}
	}
	return cmd, params
}

// overrideSize is the length of the ContainerOverrides Batch receives:
// the command, and the environment variables of co (Start's FLOWC_TRIGGER,
// counted with the value "null" of a run started by hand).
func overrideSize(cmd []string, co map[string]any) int {
	type kv struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	var env []kv
	if e, ok := co["Environment"].([]any); ok {
		for _, v := range e {
			env = append(env, kv{Name: v.(map[string]any)["Name"].(string), Value: "null"})
		}
	}
	data, _ := json.Marshal(struct {
		Command     []string `json:"command"`
		Environment []kv     `json:"environment,omitempty"`
	}{cmd, env})
	return len(data)
}

// walkTasks calls fn with every Task state's Parameters.
func walkTasks(m map[string]any, fn func(state string, params map[string]any)) {
	states, _ := m["States"].(map[string]any)
	for name, v := range states {
		st := v.(map[string]any)
		if p, ok := st["Parameters"].(map[string]any); ok && st["Type"] == "Task" {
			fn(name, p)
		}
		if bs, ok := st["Branches"].([]any); ok {
			for _, b := range bs {
				walkTasks(b.(map[string]any), fn)
			}
		}
		if ip, ok := st["ItemProcessor"].(map[string]any); ok {
			walkTasks(ip, fn)
		}
	}
}

// generated returns a generated flow of about steps steps.
func generated(t *testing.T, steps int) *ir.Flow {
	t.Helper()
	pkg, diags := parser.LoadFiles(t.TempDir(), map[string][]byte{"flow.go": flowgen.Generate("Gen", steps, 1)}, parser.Options{})
	for _, f := range pkg.Flows {
		diags = append(diags, check.Flow(f)...)
	}
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	return pkg.Flows[0]
}

// TestDefinitionTooLarge: a flow of 10,000 steps makes a definition over
// Step Functions' 1 MiB, a FLOW081 at the flow, not a failed deploy.
func TestDefinitionTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	f := generated(t, 10000)
	tg, _ := backends.Lookup("step-functions")
	_, diags, err := tg.Compile(f, &e2eOptions)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) != 1 || diags[0].Code != diag.TargetLimit || !strings.Contains(diags[0].Message, "takes at most 1048576") || diags[0].Pos.Line != f.Pos.Line {
		t.Fatalf("diagnostics %v, want one FLOW081 at the flow about the definition's size", diags)
	}
}

// worstTaskID is the longest task id of a step at run time.
func worstTaskID(step *ir.Step, loop bool) string {
	parts := make([]string, max(1, len(step.Foreach)))
	for j := range parts {
		parts[j] = maxIndex
	}
	id := strings.Join(parts, "-")
	if loop {
		id += "." + maxIter
	}
	return id
}

// TestContainerOverridesFit compiles generated flows of 1,000 and 10,000
// steps and wants every job's container overrides, at the worst case of
// every run-time value, under Batch's limit. A task's job sends no
// overrides at all: the job definition holds the runner's command with
// Ref::step, Ref::run and Ref::task, and the state passes those three as
// job parameters (image, environment, secrets and resources are in the job
// definition too). Only Start overrides the command, to add the run's
// parameters, which flowc trigger bounds; end-run overrides it with a
// fixed one. So the size does not grow with the flow.
func TestContainerOverridesFit(t *testing.T) {
	for _, steps := range []int{100, 1000} {
		t.Run(fmt.Sprint(steps), func(t *testing.T) {
			f := generated(t, steps)
			opts := e2eOptions
			opts.DatastoreRoot = "s3://" + strings.Repeat("b", 63) + "/" + strings.Repeat("p", 512-5-63-1)
			tg, _ := backends.Lookup("step-functions")
			files, diags, err := tg.Compile(f, &opts)
			if err != nil || len(diags) > 0 {
				t.Fatal(err, diags)
			}
			var m map[string]any
			if err := json.Unmarshal(files[0].Data, &m); err != nil {
				t.Fatal(err)
			}
			overrides, start, jobParams, n := 0, 0, 0, 0
			walkTasks(m, func(state string, p map[string]any) {
				if jp, ok := p["Parameters"].(map[string]any); ok {
					n++
					step := f.Step(jp["step"].(string))
					worst, _ := json.Marshal(map[string]string{"step": step.Name, "run": strings.Repeat("r", maxRunID),
						"task": worstTaskID(step, jp["task.$"] != "$.task")})
					jobParams = max(jobParams, len(worst))
				}
				co, ok := p["ContainerOverrides"].(map[string]any)
				if !ok {
					return
				}
				n++
				cmd, params := worstCommand(t, f, co["Command.$"].(string))
				size := overrideSize(cmd, co)
				if params {
					// The values, JSON-escaped as in the run's input, whose
					// JSON flowc trigger bounds.
					start = size + maxParamInput
					if _, ok := co["Environment"]; !ok {
						t.Errorf("%s: no FLOWC_TRIGGER in its container overrides", state)
					}
				} else {
					overrides = max(overrides, size)
				}
			})
			if n < len(f.Steps) {
				t.Fatalf("found %d Task states that run a task for %d steps", n, len(f.Steps))
			}
			compact, _ := json.Marshal(m)
			t.Logf("%d steps, %d task states: container overrides: none but Start (%d characters with %d of parameters, "+
				"so an event's JSON text up to %d characters fits with them) and end-run (%d); "+
				"longest job parameters %d characters; definition %d bytes (%d compact)",
				len(f.Steps), n, start, maxParamInput, batchOverrideLimit-start+len("null"), overrides, jobParams, len(files[0].Data), len(compact))
			if overrides > batchOverrideLimit || start > batchOverrideLimit {
				t.Errorf("container overrides of %d (Start %d) characters exceed Batch's %d", overrides, start, batchOverrideLimit)
			}
		})
	}
}
