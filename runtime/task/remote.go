package task

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/project"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/sched"
)

// This file is the runner's side of the engines that have no flowc
// scheduler (Argo, Step Functions): such an engine starts each task with a
// step and a deterministic task id only, and the task finds its inputs,
// its foreach index and its attempt number from the plan and the datastore.

// ForeachKey is the key of the item list a foreach task writes: a JSON
// array of {"index": i, "task": "<id of the body task>"}, one per split, the
// list a Step Functions Map iterates.
func ForeachKey(flow, run, step, task string) string {
	return flow + "/" + run + "/" + step + "/" + task + "/foreach.json"
}

// ForeachItem is one element of the document at ForeachKey.
type ForeachItem struct {
	Index int    `json:"index"`
	Task  string `json:"task"`
}

// paramFlags collects repeated --param NAME=VALUE flags.
type paramFlags []string

func (p *paramFlags) String() string { return strings.Join(*p, " ") }

func (p *paramFlags) Set(s string) error {
	if name, _, ok := strings.Cut(s, "="); !ok || name == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", s)
	}
	*p = append(*p, s)
	return nil
}

// b64ParamFlags collects repeated --param-b64 NAME=BASE64 flags into the
// same list as --param, decoded: an engine that substitutes text into the
// runner's arguments (Argo, whose controller substitutes {{...}} twice and
// whose kubelet expands $(VAR)) passes each value as standard base64, which
// no later pass can change.
type b64ParamFlags struct{ p *paramFlags }

func (b b64ParamFlags) String() string { return "" }

func (b b64ParamFlags) Set(s string) error {
	name, enc, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=BASE64, got %q", s)
	}
	v, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return fmt.Errorf("--param-b64 %s: the value is not standard base64: %v", name, err)
	}
	return b.p.Set(name + "=" + string(v))
}

// parseParams reads --param flags by the plan's parameter types into JSON
// values by field name, as flowc run reads --NAME VALUE.
func parseParams(plan *ir.Flow, flags []string) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, fl := range flags {
		name, raw, _ := strings.Cut(fl, "=")
		var p *ir.Param
		for i := range plan.Params {
			if plan.Params[i].Name == name {
				p = &plan.Params[i]
			}
		}
		if p == nil {
			return nil, fmt.Errorf("--param %s: the flow has no parameter %s", name, name)
		}
		v, err := ir.ParseValue(p.Type, p.Separator, raw)
		if err != nil {
			return nil, fmt.Errorf("parameter --%s: %w", name, err)
		}
		out[p.Field] = v
	}
	return out, nil
}

// embeddedPlan decodes the plan compiled into the runner.
func embeddedPlan[F any](fl Flow[F]) (*ir.Flow, error) {
	if fl.Plan == "" {
		return nil, errors.New("the runner has no plan compiled in; rebuild it with this flowc")
	}
	return ir.Decode([]byte(fl.Plan))
}

// runPlan returns the whole plan of the run: the one compiled into the
// runner, else the run's _plan.json.
func runPlan[F any](ctx context.Context, fl Flow[F], st *store) (*ir.Flow, error) {
	if fl.Plan != "" {
		return embeddedPlan(fl)
	}
	return st.ReadPlan(ctx)
}

// startRun sets up a run that an engine started: the plan documents, the
// run document and the parameters, each only where the run does not have
// it yet, so that a retried start task changes nothing.
func startRun[F any](ctx context.Context, fl Flow[F], plan *ir.Flow, st *store, params []string) error {
	values, err := parseParams(plan, params)
	if err != nil {
		return err
	}
	b := st.s.Backend()
	if _, err := b.Get(ctx, datastore.PlanKey(st.flow, st.run)); errors.Is(err, datastore.ErrNotFound) {
		if err := WritePlan(ctx, st.s, st.run, plan); err != nil {
			return fmt.Errorf("write the plan: %w", err)
		}
	} else if err != nil {
		return err
	}
	if _, err := st.s.ReadRun(ctx, st.flow, st.run); errors.Is(err, datastore.ErrNotFound) {
		name := runUser()
		trigger, err := runTrigger()
		if err != nil {
			return err
		}
		rec := datastore.Run{Flow: st.flow, RunID: st.run, User: name, Start: time.Now(), Status: datastore.RunRunning,
			SystemTags: append([]string{project.UserNamespace(name), "runtime:" + engineName()}, project.FromEnv().Tags()...),
			Parameters: map[string]json.RawMessage{}, Trigger: trigger}
		for _, p := range plan.Params {
			if v, ok := values[p.Field]; ok {
				rec.Parameters[p.Name] = v
			} else if p.Default != nil {
				rec.Parameters[p.Name] = p.Default
			}
		}
		if err := st.s.WriteRun(ctx, rec); err != nil {
			return err
		}
		if err := st.s.SetLatestRun(ctx, st.flow, st.run); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if _, err := st.s.ReadDone(ctx, st.path(datastore.ParamsStep, datastore.ParamsTask)); err == nil {
		return nil
	} else if !errors.Is(err, datastore.ErrNotFound) {
		return err
	}
	return recordParams(ctx, fl, plan, st, values)
}

// engineName is the engine that runs this task, for the run's system tags:
// FLOWC_ENGINE as the compiled workflow sets it, "remote" otherwise.
func engineName() string {
	if e := os.Getenv("FLOWC_ENGINE"); e != "" {
		return e
	}
	return "remote"
}

// finishRun records how an engine's run ended, from the engine's exit
// handler: a run whose End task finished is already succeeded and stays so.
func finishRun(ctx context.Context, st *store, status string) error {
	var want datastore.RunStatus
	switch strings.ToLower(status) {
	case "succeeded":
		want = datastore.RunSucceeded
	case "failed", "error":
		want = datastore.RunFailed
	default:
		return fmt.Errorf("--status %q: want succeeded or failed", status)
	}
	_, err := st.s.FinishRun(ctx, st.flow, st.run, want)
	return err
}

// endHandled reports whether an end-run of this run finished already (and
// when): an engine may run its exit handler again after one did its work,
// as Argo does when a pod's wait container errs after its main container
// finished, and end hooks, the end event and notifications happen once.
func endHandled(ctx context.Context, st *store) (time.Time, bool) {
	rec, err := st.s.ReadRun(ctx, st.flow, st.run)
	if err != nil || rec.EndHandled.IsZero() {
		return time.Time{}, false
	}
	return rec.EndHandled, true
}

// markEndHandled records that end-run did its work. If it cannot, an
// exit handler run again does it again: more than once, never not at all.
func markEndHandled(ctx context.Context, st *store) {
	err := st.s.UpdateRun(ctx, st.flow, st.run, func(r *datastore.Run) error {
		r.EndHandled = time.Now()
		return nil
	})
	if err != nil && !errors.Is(err, datastore.ErrNotFound) {
		fmt.Fprintf(os.Stderr, "flowc runner: end-run: record that the run's end was handled: %v\n", err)
	}
}

// endRun marks an engine's run finished once its End task is done.
func endRun(ctx context.Context, st *store) {
	rec, err := st.s.ReadRun(ctx, st.flow, st.run)
	if err != nil || rec.Status != datastore.RunRunning {
		return
	}
	rec.End, rec.Status = time.Now(), datastore.RunSucceeded
	if err := st.s.WriteRun(ctx, rec); err != nil {
		fmt.Fprintf(os.Stderr, "flowc runner: record the end of the run: %v\n", err)
	}
}

// resolveInputs finds a task's inputs and split index from the finished
// tasks of the run (see sched.Resolve).
func resolveInputs(ctx context.Context, plan *ir.Flow, st *store, step, id string) (sched.Resolved, error) {
	return sched.Resolve(plan, step, id, func(r sched.Ref) (sched.Result, bool, error) {
		d, err := st.s.ReadDone(ctx, st.path(r.Step, r.ID))
		if errors.Is(err, datastore.ErrNotFound) {
			return sched.Result{}, false, nil
		}
		if err != nil {
			return sched.Result{}, false, err
		}
		tr := d.Transition
		if tr == nil { // written before DONE carried the transition
			a, err := st.s.ReadAttempt(ctx, st.path(r.Step, r.ID), d.Attempt)
			if err != nil {
				return sched.Result{}, false, err
			}
			tr = a.Transition
		}
		var res sched.Result
		if tr != nil {
			res.Next = tr.Next
			if tr.Foreach != nil {
				res.Splits = tr.Foreach.Splits
			}
		}
		return res, true, nil
	})
}

// nextAttempt is the number of the attempt to run: one past the attempts
// the task has recorded.
func nextAttempt(ctx context.Context, st *store, step, task string) (int, error) {
	ns, err := st.s.ListAttempts(ctx, st.path(step, task))
	if err != nil && !errors.Is(err, datastore.ErrNotFound) {
		return 0, err
	}
	n := 0
	for _, a := range ns {
		n = max(n, a+1)
	}
	return n, nil
}

// parseRetry reads --retry-count: a number, or auto.
func parseRetry(s string) (n int, auto bool, err error) {
	if s == "auto" {
		return 0, true, nil
	}
	n, err = strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false, fmt.Errorf("--retry-count %q: want a number from 0, or auto", s)
	}
	return n, false, nil
}

// writeOutputs writes what an engine reads back from a finished task: the
// next steps and the foreach width, one file each in dir.
func writeOutputs(dir string, tr *datastore.Transition) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	next, splits := "", 0
	if tr != nil {
		next = strings.Join(tr.Next, ",")
		if tr.Foreach != nil {
			splits = tr.Foreach.Splits
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "next"), []byte(next), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "splits"), []byte(strconv.Itoa(splits)), 0o644)
}

// writeForeachItems writes the item list of a foreach task.
func writeForeachItems(ctx context.Context, st *store, step, task string, stack []datastore.ForeachFrame, splits int) error {
	frames := make([]sched.Frame, len(stack)+1)
	for i, f := range stack {
		frames[i].Index = f.Index
	}
	items := make([]ForeachItem, splits)
	for i := range items {
		frames[len(stack)].Index = i
		items[i] = ForeachItem{Index: i, Task: sched.TaskID(frames, 0, false)}
	}
	data, err := json.Marshal(items)
	if err != nil {
		return err
	}
	return st.s.Backend().Put(ctx, ForeachKey(st.flow, st.run, step, task), data)
}
