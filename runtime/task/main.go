package task

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/sched"
)

// Usage is the runner's command line, for its errors.
const Usage = `usage:
  RUNNER await   (reads one of the command lines below from standard input; see runtime/exec)
  RUNNER serve   (reads several, length-prefixed, and runs them one after another; see runtime/exec)
  RUNNER init --run-id ID --params FILE [--datastore-root DIR]
  RUNNER end-run --run-id ID --status succeeded|failed [--datastore-root DIR] [--event-url URL] [--failed-task PATHSPEC] [--error MSG]
              [--notify-on-error URL|env:NAME] [--notify-on-success URL|env:NAME]
  RUNNER exit-hook NAME --run-id ID --status succeeded|failed [--datastore-root DIR] [--failed-task PATHSPEC] [--error MSG]
  RUNNER step STEP --run-id ID --task-id ID [--input-paths STEP/ID,...] [--split-index N] [--retry-count N|auto]
              [--datastore-root DIR] [--param NAME=VALUE ...] [--param-b64 NAME=BASE64 ...] [--outputs DIR] [--capture-logs] [--max-visits N]`

// Main runs the runner's command line and exits. The generated main of a
// flow's runner calls it. `RUNNER await` reads the command line from
// standard input first (see AwaitCommand).
func Main[F any](fl Flow[F]) {
	args := os.Args[1:]
	if len(args) == 1 && args[0] == ServeCommand {
		os.Exit(serve(fl))
	}
	if len(args) == 1 && args[0] == AwaitCommand {
		var done bool
		var code int
		if args, done, code = await(); done {
			os.Exit(code)
		}
	}
	os.Exit(Run(context.Background(), fl, args))
}

// Run runs one runner command and returns its exit code.
func Run[F any](ctx context.Context, fl Flow[F], args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, Usage)
		return ExitUsage
	}
	fs := flag.NewFlagSet("runner "+args[0], flag.ContinueOnError)
	root := fs.String("datastore-root", DefaultRoot, "the datastore root")
	runID := fs.String("run-id", "", "the run")
	taskID := fs.String("task-id", "", "the task")
	inputs := fs.String("input-paths", "", "the input tasks, STEP/ID,...")
	split := fs.Int("split-index", -1, "the foreach index")
	retry := fs.String("retry-count", "0", "the attempt: a number, or auto for one past the attempts recorded")
	var params paramFlags
	fs.Var(&params, "param", "start: a parameter's value, NAME=VALUE (repeatable); records the run's parameters if it has none")
	fs.Var(b64ParamFlags{&params}, "param-b64", "start: as --param, the value in standard base64, NAME=BASE64 (repeatable)")
	outputs := fs.String("outputs", "", "write the task's next steps and foreach width to files next and splits in this directory")
	captureLogs := fs.Bool("capture-logs", false, "store the task's own stdout and stderr as the attempt's logs")
	status := fs.String("status", "", "end-run: how the run ended, succeeded or failed (Argo's Succeeded, Failed and Error are taken too)")
	eventURL := fs.String("event-url", "", "end-run: post the event flowc.FLOW.end of a succeeded run to this URL (an Argo Events webhook)")
	notifyErr := fs.String("notify-on-error", "", "end-run: post a Slack-style message to this URL (or env:NAME, the URL in variable NAME) when the run failed")
	notifyOK := fs.String("notify-on-success", "", "end-run: post a Slack-style message to this URL (or env:NAME) when the run succeeded")
	paramsFile := fs.String("params", "", "init: a JSON object of parameter values")
	caught := fs.String("caught", "", "record this failure of the previous attempt as caught, without running the step")
	maxVisits := fs.Int("max-visits", 0, "step: the most visits of a self-loop step the engine runs; a visit that chooses the step again at the limit fails saying so")
	caughtType := fs.String("caught-type", "exit", "with --caught: exit (the process died) or timeout (it was killed at its timeout)")
	failedTask := fs.String("failed-task", "", "end-run, exit-hook: the pathspec of the task that failed the run, for the exit hooks")
	errMsg := fs.String("error", "", "end-run, exit-hook: why the run failed, for the exit hooks")
	cmd, rest := args[0], args[1:]
	step := ""
	if cmd == "step" || cmd == "exit-hook" {
		if len(rest) == 0 {
			fmt.Fprintln(os.Stderr, Usage)
			return ExitUsage
		}
		step, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil || fs.NArg() > 0 || *runID == "" {
		fmt.Fprintln(os.Stderr, Usage)
		return ExitUsage
	}
	st, err := openStore(ctx, *root, fl.Name, *runID)
	if err != nil {
		fmt.Fprintf(os.Stderr, "flowc runner: %v\n", err)
		return ExitFailed
	}
	// A task with no --input-paths, other than the first, was started by
	// an engine without a flowc scheduler: it works out its inputs from the
	// whole plan.
	resolve := cmd == "step" && *inputs == "" && step != ""
	if cmd == "exit-hook" {
		return callExitHook(ctx, fl, step, flow.RunInfo{Flow: fl.Name, RunID: *runID, Pathspec: fl.Name + "/" + *runID,
			Status: strings.ToLower(*status), FailedTask: *failedTask, Error: *errMsg})
	}
	if cmd == "end-run" {
		if at, ok := endHandled(ctx, st); ok {
			fmt.Fprintf(os.Stderr, "flowc runner: end-run: the run's end was handled at %s; not again\n", at.Format(time.RFC3339))
			return ExitOK
		}
		if err := finishRun(ctx, st, *status); err != nil {
			fmt.Fprintf(os.Stderr, "flowc runner: end-run: %v\n", err)
			return ExitFailed
		}
		if err := endHooks(ctx, fl, st, hookRun{root: *root, status: *status, failedTask: *failedTask, errMsg: *errMsg}); err != nil {
			fmt.Fprintf(os.Stderr, "flowc runner: end-run: %v\n", err)
			return ExitFailed
		}
		if *eventURL != "" && strings.EqualFold(*status, "succeeded") {
			if err := postEndEvent(ctx, *eventURL, fl.Name, *runID); err != nil {
				fmt.Fprintf(os.Stderr, "flowc runner: end-run: %v\n", err)
				return ExitFailed
			}
		}
		target := *notifyErr
		if strings.EqualFold(*status, "succeeded") {
			target = *notifyOK
		}
		if target != "" {
			failed, msg := *failedTask, *errMsg
			if !strings.EqualFold(*status, "succeeded") && failed == "" {
				if plan, err := runPlan(ctx, fl, st); err == nil {
					failed, msg = findFailure(ctx, plan, st)
				}
			}
			notify(ctx, target, fl.Name, *runID, *status, failed, msg)
		}
		markEndHandled(ctx, st)
		return ExitOK
	}
	var plan *ir.Flow
	switch {
	case cmd == "step" && (len(params) > 0 || resolve):
		plan, err = runPlan(ctx, fl, st)
		if err == nil && step == plan.Graph.Start {
			resolve = false
			err = startRun(ctx, fl, plan, st, params)
		}
	case cmd == "step":
		plan, err = st.ReadStepPlan(ctx, step)
	default:
		plan, err = st.ReadPlan(ctx)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "flowc runner: %v\n", err)
		return ExitFailed
	}
	switch cmd {
	case "init":
		if err := initRun(ctx, fl, plan, st, *paramsFile); err != nil {
			fmt.Fprintf(os.Stderr, "flowc runner: init: %v\n", err)
			if errors.As(err, new(*paramError)) {
				return ExitUsage
			}
			return ExitFailed
		}
		return ExitOK
	case "step":
		s := plan.Step(step)
		if s == nil || *taskID == "" {
			fmt.Fprintf(os.Stderr, "flowc runner: no step %q in flow %s\n%s\n", step, plan.Name, Usage)
			return ExitUsage
		}
		refs, err := parseRefs(*inputs)
		if err != nil {
			fmt.Fprintf(os.Stderr, "flowc runner: %v\n", err)
			return ExitUsage
		}
		retryCount, auto, err := parseRetry(*retry)
		if err != nil {
			fmt.Fprintf(os.Stderr, "flowc runner: %v\n", err)
			return ExitUsage
		}
		if auto {
			if retryCount, err = nextAttempt(ctx, st, step, *taskID); err != nil {
				fmt.Fprintf(os.Stderr, "flowc runner: %v\n", err)
				return ExitFailed
			}
		}
		r := &runner[F]{fl: fl, plan: plan, st: s, store: st, outputs: *outputs, args: stepArgs{
			step: step, runID: *runID, taskID: *taskID, inputs: refs, splitIndex: *split, retryCount: retryCount, caught: *caught, caughtType: *caughtType, maxVisits: *maxVisits,
		}}
		if *captureLogs {
			c, err := startCapture(maxCapturedLog)
			if err != nil {
				fmt.Fprintf(os.Stderr, "flowc runner: capture logs: %v\n", err)
				return ExitFailed
			}
			r.logs = c
			// Where the task ended before storing its logs: the output
			// goes back where it went (a runner that serves more tasks
			// goes on with the next).
			defer c.stop()
		}
		if resolve {
			res, err := resolveInputs(ctx, plan, st, step, *taskID)
			if err != nil {
				// Recorded as a failed attempt, so the engine's log and
				// flowc logs both say why.
				r.args.inputs = nil
				return r.failEarly(ctx, fmt.Errorf("find inputs: %w", err))
			}
			r.args.inputs, r.args.splitIndex = res.Inputs, res.SplitIndex
		}
		if *caught == "" {
			if err := expandSecrets(); err != nil {
				return r.failEarly(ctx, fmt.Errorf("secrets: %w", err))
			}
		}
		// An engine may start a task again after it finished (Argo runs a
		// step's pod again after an error of its own, which can come after
		// the step succeeded, or after a --caught pod recorded the catch):
		// the step is not run, nor its failure caught, twice.
		code, done := ExitOK, false
		if r.outputs != "" || resolve {
			code, done = r.finishedBefore(ctx)
		}
		if !done {
			code = r.runStep(ctx)
		}
		if resolve && code == ExitOK && s.Kind == ir.KindEnd {
			endRun(ctx, st)
			// Argo's exit handler runs the hooks (end-run); on an engine
			// without one, End does.
			if engineName() != "argo" {
				if err := runExitHooks(ctx, plan, st, hookRun{root: *root, status: string(datastore.RunSucceeded)}); err != nil {
					fmt.Fprintf(os.Stderr, "flowc runner: %v\n", err)
				}
			}
		}
		return code
	}
	fmt.Fprintln(os.Stderr, Usage)
	return ExitUsage
}

// parseRefs reads "Step/ID,Step/ID".
func parseRefs(s string) ([]sched.Ref, error) {
	if s == "" {
		return nil, nil
	}
	var out []sched.Ref
	for _, p := range strings.Split(s, ",") {
		step, id, ok := strings.Cut(p, "/")
		if !ok || step == "" || id == "" {
			return nil, fmt.Errorf("input path %q: want STEP/TASK", p)
		}
		out = append(out, sched.Ref{Step: step, ID: id})
	}
	return out, nil
}

// initRun records the run's parameters and configs as the artifacts of the
// _parameters task. params holds each parameter's value as JSON, typed as
// the plan says (flowc parsed and checked them).
func initRun[F any](ctx context.Context, fl Flow[F], plan *ir.Flow, st *store, paramsFile string) error {
	values := map[string]json.RawMessage{}
	if paramsFile != "" {
		data, err := os.ReadFile(paramsFile)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(data, &values); err != nil {
			return fmt.Errorf("parameters file: %w", err)
		}
	}
	return recordParams(ctx, fl, plan, st, values)
}

// recordParams writes the _parameters task from values, JSON by field
// name; a parameter without a value takes its default.
func recordParams[F any](ctx context.Context, fl Flow[F], plan *ir.Flow, st *store, values map[string]json.RawMessage) error {
	f := new(F)
	ptrs := map[string]any{}
	for _, fd := range fl.Fields {
		ptrs[fd.Name] = fd.Ptr(f)
	}
	arts := map[string]datastore.Artifact{}
	put := func(name string, ptr any) error {
		a, err := st.s.PutArtifact(ctx, reflect.ValueOf(ptr).Elem().Interface())
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		arts[name] = a
		return nil
	}
	for _, p := range plan.Params {
		raw, ok := values[p.Field]
		if !ok {
			raw = p.Default
		}
		if raw == nil {
			if p.Required {
				return fmt.Errorf("parameter --%s is required", p.Name)
			}
			continue
		}
		ptr := ptrs[p.Field]
		if ptr == nil {
			return fmt.Errorf("parameter %s is not a field of the runner's flow; rebuild it", p.Field)
		}
		if p.Type == ir.File {
			if err := setIncluded(ctx, st, ptr, p, raw); err != nil {
				return err
			}
		} else if err := setParam(ptr, p, raw); err != nil {
			return &paramError{err}
		}
		if err := put(p.Field, ptr); err != nil {
			return err
		}
	}
	for _, c := range plan.Configs {
		ptr := ptrs[c.Field]
		if ptr == nil {
			return fmt.Errorf("config %s is not a field of the runner's flow; rebuild it", c.Field)
		}
		var buf strings.Builder
		if err := toml.NewEncoder(&buf).Encode(integral(c.Value)); err != nil {
			return fmt.Errorf("config %s: %w", c.Name, err)
		}
		if _, err := toml.Decode(buf.String(), ptr); err != nil {
			return fmt.Errorf("config %s: %w", c.Name, err)
		}
		if err := put(c.Field, ptr); err != nil {
			return err
		}
	}
	now := time.Now()
	att := &datastore.Attempt{Attempt: 0, Start: now, End: now, Status: datastore.AttemptOK}
	if err := st.WriteArtifacts(ctx, datastore.ParamsStep, datastore.ParamsTask, 0, arts); err != nil {
		return err
	}
	if err := st.WriteAttempt(ctx, datastore.ParamsStep, datastore.ParamsTask, att); err != nil {
		return err
	}
	return st.MarkDone(ctx, datastore.ParamsStep, datastore.ParamsTask, att)
}

// paramError is a parameter value that does not fit its field: the
// caller's mistake (exit status ExitUsage), not the flow's.
type paramError struct{ err error }

func (e *paramError) Error() string { return e.err.Error() }
func (e *paramError) Unwrap() error { return e.err }

// setParam decodes a parameter's JSON value into its field.
func setParam(ptr any, p ir.Param, raw json.RawMessage) error {
	if d, ok := ptr.(*time.Duration); ok {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return fmt.Errorf("parameter --%s: %w", p.Name, err)
		}
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("parameter --%s: %w", p.Name, err)
		}
		*d = v
		return nil
	}
	if err := json.Unmarshal(raw, ptr); err != nil {
		return fmt.Errorf("parameter --%s: %s does not fit %s: %w", p.Name, raw, p.GoType, err)
	}
	return nil
}

// integral turns the whole numbers of a config read back from the plan's
// JSON (where every number is a float64) into integers again, so that they
// fill integer fields; an integer fills a float field too.
func integral(v any) any {
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v)
		}
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = integral(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = integral(e)
		}
		return out
	}
	return v
}
