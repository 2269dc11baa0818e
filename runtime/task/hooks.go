package task

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// Hook is an exit hook function of the flow's package, named by
// //flow:exit_hook; generated code fills Flow.Hooks with them.
type Hook func(ctx context.Context, r flow.RunInfo) error

// hookRun is what the runner knows of the run an exit hook is for.
type hookRun struct {
	root, status, failedTask, errMsg string
}

// runExitHooks runs the flow's exit hooks for a run that ended with status
// (succeeded or failed), each once: a hook whose record exists already ran
// (the exit handler retried, or End ran them before), and is skipped. Each
// runs in a process of its own, this runner started as `exit-hook NAME`, so
// that a hook that panics or exits takes nothing else with it; its stdout
// and stderr are stored as the log of task _exit_hook/NAME. A hook's
// failure is recorded there and printed, and never changes the run's
// result; the error returned is only for the datastore failing.
func runExitHooks(ctx context.Context, plan *ir.Flow, st *store, h hookRun) error {
	names := plan.Decorators.HookFuncs(h.status == string(datastore.RunSucceeded))
	if len(names) == 0 {
		return nil
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("exit hooks: %w", err)
	}
	for _, name := range names {
		p := st.path(datastore.ExitHookStep, name)
		if n, err := st.s.ListAttempts(ctx, p); err == nil && len(n) > 0 {
			continue // it ran already
		}
		att := datastore.Attempt{Start: time.Now(), Status: datastore.AttemptRunning, ForeachStack: []datastore.ForeachFrame{}, InputPaths: []string{}}
		if err := st.s.WriteAttempt(ctx, p, att); err != nil {
			return fmt.Errorf("exit hook %s: %w", name, err)
		}
		args := []string{"exit-hook", name, "--run-id", st.run, "--status", h.status, "--datastore-root", h.root}
		if h.failedTask != "" {
			args = append(args, "--failed-task", h.failedTask)
		}
		if h.errMsg != "" {
			args = append(args, "--error", h.errMsg)
		}
		cmd := exec.CommandContext(ctx, self, args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout = &limitWriter{w: &stdout, n: maxCapturedLog}
		cmd.Stderr = &limitWriter{w: &stderr, n: maxCapturedLog}
		runErr := cmd.Run()
		att.End, att.Status = time.Now(), datastore.AttemptOK
		code := 0
		if runErr != nil {
			att.Status = datastore.AttemptFailed
			att.Error = strings.TrimSpace(lastLine(stderr.String()))
			if att.Error == "" {
				att.Error = runErr.Error()
			}
			code = 1
			if ee := (*exec.ExitError)(nil); errors.As(runErr, &ee) {
				code = ee.ExitCode()
			}
			fmt.Fprintf(os.Stderr, "flowc runner: exit hook %s failed (the run's result stands): %s\n", name, att.Error)
		}
		att.ExitCode = &code
		for _, l := range []struct {
			s datastore.Stream
			b *bytes.Buffer
		}{{datastore.Stdout, &stdout}, {datastore.Stderr, &stderr}} {
			if err := st.s.WriteLog(ctx, p, 0, l.s, bytes.NewReader(l.b.Bytes())); err != nil {
				return fmt.Errorf("exit hook %s: store its log: %w", name, err)
			}
		}
		if err := st.s.WriteAttempt(ctx, p, att); err != nil {
			return fmt.Errorf("exit hook %s: %w", name, err)
		}
	}
	return nil
}

// callExitHook is the runner's exit-hook command: it calls one hook.
func callExitHook[F any](ctx context.Context, fl Flow[F], name string, info flow.RunInfo) int {
	h, ok := fl.Hooks[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "flowc runner: exit-hook: flow %s has no exit hook %s\n", fl.Name, name)
		return ExitUsage
	}
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return h(ctx, info)
	}()
	if err != nil {
		fmt.Fprintf(os.Stderr, "exit hook %s: %v\n", name, err)
		return ExitFailed
	}
	return ExitOK
}

// limitWriter keeps the first n bytes written to it and drops the rest.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

// lastLine returns the last line of s that is not blank.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// endHooks runs the exit hooks from end-run, with the plan the runner was
// built for; status may be an engine's (Argo's Succeeded, Failed, Error).
func endHooks[F any](ctx context.Context, fl Flow[F], st *store, h hookRun) error {
	if len(fl.Hooks) == 0 {
		return nil
	}
	plan, err := runPlan(ctx, fl, st)
	if err != nil {
		return err
	}
	h.status = string(datastore.RunFailed)
	if rec, err := st.s.ReadRun(ctx, st.flow, st.run); err == nil && rec.Status == datastore.RunSucceeded {
		h.status = string(datastore.RunSucceeded)
	}
	if h.status == string(datastore.RunFailed) && h.failedTask == "" && len(plan.Decorators.HookFuncs(false)) > 0 {
		h.failedTask, h.errMsg = findFailure(ctx, plan, st)
	}
	return runExitHooks(ctx, plan, st, h)
}

// maxFailureScan bounds the tasks findFailure reads.
const maxFailureScan = 1000

// findFailure finds, for an engine's failed run, a task whose latest
// attempt failed, in the plan's step order, and its error: what the
// error hooks learn as RunInfo.FailedTask and Error. It reads at most
// maxFailureScan tasks, and returns empty strings when it finds none (a
// run stopped or timed out).
func findFailure(ctx context.Context, plan *ir.Flow, st *store) (string, string) {
	read := 0
	for _, step := range plan.Graph.Order {
		ids, err := st.s.ListTasks(ctx, st.flow, st.run, step)
		if err != nil {
			continue
		}
		for _, id := range ids {
			if read++; read > maxFailureScan {
				return "", ""
			}
			p := st.path(step, id)
			ns, err := st.s.ListAttempts(ctx, p)
			if err != nil || len(ns) == 0 {
				continue
			}
			a, err := st.s.ReadAttempt(ctx, p, ns[len(ns)-1])
			if err == nil && (a.Status == datastore.AttemptFailed || a.Status == datastore.AttemptKilled) {
				return p.String(), a.Error
			}
		}
	}
	return "", ""
}

// setIncluded fills a flow.IncludedFile parameter from its reference: the
// content is the blob the command that started the run stored.
func setIncluded(ctx context.Context, st *store, ptr any, p ir.Param, raw json.RawMessage) error {
	var ref ir.IncludedRef
	if err := json.Unmarshal(raw, &ref); err != nil || ref.SHA == "" {
		return &paramError{fmt.Errorf("parameter --%s: %s is not an included file's reference", p.Name, raw)}
	}
	f, ok := ptr.(*flow.IncludedFile)
	if !ok {
		return fmt.Errorf("parameter %s is not a flow.IncludedFile in the runner's flow; rebuild it", p.Field)
	}
	data, err := st.s.GetBlob(ctx, ref.SHA)
	if err != nil {
		return fmt.Errorf("parameter --%s: the content of included file %s (sha256 %s) is not in the datastore "+
			"(flowc run, deploy and trigger store it): %w", p.Name, ref.Name, ref.SHA, err)
	}
	*f = flow.IncludedFile{Name: ref.Name, Data: data}
	return nil
}
