package exec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/project"
	"github.com/flowc-dev/flowc/runtime/build"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/sched"
	"github.com/flowc-dev/flowc/runtime/secrets"
	"github.com/flowc-dev/flowc/runtime/task"
)

// Options configure a run.
type Options struct {
	Plan   *ir.Flow
	PkgDir string // the flow's package, to build its runner
	Root   string // the datastore root; default .flowc
	// RunID names the run; default a new time-based id (datastore.NewRunID).
	RunID string
	// Params holds parameter values by field name, as typed JSON; missing
	// ones take their defaults.
	Params       map[string]json.RawMessage
	MaxWorkers   int // default 16
	MaxNumSplits int // default 100
	MaxLogSize   int // bytes kept per stream and attempt; default 10 MiB
	Tags         []string
	// With holds the --with directives the plan was compiled with, for the
	// run's record.
	With []string
	// User is the user the run belongs to (system tag user:NAME); default
	// project.Username.
	User string
	// Project is the run's project and resolved branch (project.Resolve),
	// nil for a flow without //flow:project: the run is tagged with it and
	// its tasks see it (flow.Context.ProjectName and the like).
	Project *project.Info
	Build   BuildOptions
	// Resume, when set, makes the run a resume of an earlier one.
	Resume *Resume
	// Observer, when set, hears of every task as it is queued, starts and
	// ends: what a progress display needs.
	Observer Observer
	// OnStart is called with the run id once the run is recorded, before
	// any task starts (for --run-id-file); an error stops the run.
	OnStart func(runID string) error
	// Out receives task output, each line prefixed with its pathspec, and
	// progress lines.
	Out io.Writer
	// NoCache runs every task of a //flow:cache step instead of reusing an
	// earlier result; what succeeds is still recorded for later runs.
	NoCache bool
	// Secrets reads the secrets of //flow:secrets, which a task gets in
	// its environment. Nil leaves them unresolved: the task has the
	// executor's own environment.
	Secrets secrets.Provider
	// TasksPerRunner, above 1, lets a runner process run up to that many
	// tasks one after another (worker.go): opt-in, for many small tasks,
	// at the cost of their isolation from each other. 0 or 1: a process
	// per task. Only where runners are started ahead of need (Linux).
	TasksPerRunner int
}

// EventKind says what happened to a task.
type EventKind int

// The event kinds.
const (
	Queued EventKind = iota + 1
	Started
	Finished // succeeded, caught, or cloned
	Retrying // an attempt failed and another follows
	Failed   // the task failed for good
)

// Event is one thing that happened to a task.
type Event struct {
	Kind     EventKind
	Step     string
	Pathspec string
	Attempt  int
	Elapsed  time.Duration // for Finished, Retrying and Failed: the attempt's wall time
	Cloned   bool          // for Finished: cloned from a resume's origin, not run
	Cached   bool          // for Finished: copied from the step cache, not run
	Err      error
}

// Observer hears of a run's tasks. Calls come from many goroutines.
type Observer interface {
	Event(Event)
}

// BuildOptions change how the runner is built.
type BuildOptions = build.Options

// Result is how a run ended.
type Result struct {
	RunID  string
	Status datastore.RunStatus
	// Failed is the pathspec of the task that failed the run, and Err why.
	Failed string
	Err    error
	Tasks  int // tasks that finished, cloned ones included
	Cloned int // tasks cloned from the origin of a resume
	Cached int // tasks copied from the step cache (//flow:cache)
}

// Run executes a flow locally. The run id is known (and the run recorded)
// before the first task starts; a run stopped by ctx is left resumable.
func Run(ctx context.Context, opts Options) (*Result, error) {
	e, err := newExecutor(ctx, opts)
	if err != nil {
		return nil, err
	}
	return e.run(ctx)
}

// executor is one run in progress.
type executor struct {
	opts   Options
	plan   *ir.Flow
	store  *datastore.Store
	runner string
	runID  string
	out    *lineWriter
	sched  *sched.Scheduler
	// originRun and rerun are set for a resume.
	originRun *datastore.Run
	rerun     map[string]bool
	cloned    atomic.Int64
	// env is what every task process gets besides flowc's environment:
	// the run's identity (user, project, origin run).
	env []string
	// secretEnv holds, by step, the variables that carry its secrets.
	secretEnv map[string][]string
	// spares holds runners started ahead of need (spare.go); nil for none.
	spares *spares
	// workers holds runners that run several tasks (worker.go); nil
	// unless Options.TasksPerRunner asks for them.
	workers   *workers
	runnerKey string // the runner's build key: the code of every step
	cache     stepCache
	hits      atomic.Int64
}

func newExecutor(ctx context.Context, opts Options) (*executor, error) {
	if opts.Root == "" {
		opts.Root = datastore.DefaultRoot
	}
	if opts.MaxWorkers <= 0 {
		opts.MaxWorkers = 16
	}
	if opts.MaxNumSplits <= 0 {
		opts.MaxNumSplits = 100
	}
	if opts.MaxLogSize <= 0 {
		opts.MaxLogSize = 10 << 20
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	// Tasks run in other directories: a local root is passed to them
	// absolute; a remote one ("s3://bucket/prefix") as it is.
	if !datastore.IsRemote(opts.Root) {
		root, err := filepath.Abs(opts.Root)
		if err != nil {
			return nil, err
		}
		opts.Root = root
	}
	// A run on a local datastore gets a runner without the S3 datastore,
	// which starts each task tens of milliseconds sooner.
	opts.Build.LocalOnly = !datastore.IsRemote(opts.Root)
	r, err := build.Build(ctx, opts.PkgDir, opts.Plan, opts.Build)
	if err != nil {
		return nil, err
	}
	st, err := datastore.Open(ctx, opts.Root)
	if err != nil {
		return nil, err
	}
	return &executor{opts: opts, plan: opts.Plan, store: st, runner: r.Path, out: &lineWriter{w: opts.Out},
		sched: sched.New(opts.Plan), runnerKey: r.Key}, nil
}

// run records the run, runs init, then every task.
func (e *executor) run(ctx context.Context) (*Result, error) {
	e.runID = e.opts.RunID
	if e.runID == "" {
		e.runID = datastore.NewRunID()
	}
	res := &Result{RunID: e.runID}
	u := e.opts.User
	if u == "" {
		u = project.Username(osUser)
	}
	if e.opts.Resume != nil {
		if err := e.prepareResume(ctx); err != nil {
			return nil, err
		}
		e.opts.Params = e.originRun.Parameters
	}
	if err := e.readSecrets(ctx); err != nil {
		return nil, err
	}
	rec := datastore.Run{
		Flow: e.plan.Name, RunID: e.runID, User: u, Tags: e.opts.Tags,
		SystemTags: append([]string{project.UserNamespace(u), "runtime:local"}, e.opts.Project.Tags()...),
		Start:      time.Now(), Status: datastore.RunRunning,
		Parameters: e.opts.Params, With: e.opts.With,
	}
	// A variable of flowc's own environment must not leak into the run:
	// each is set, empty when the run has no such fact.
	e.env = []string{project.UserEnv + "=" + u, project.ProjectEnv + "=", project.OriginEnv + "="}
	e.env = append(e.env, e.opts.Project.Env()...)
	if e.originRun != nil {
		rec.OriginRunID = e.originRun.RunID
		e.env = append(e.env, project.OriginEnv+"="+rec.OriginRunID)
	}
	if e.opts.TasksPerRunner > 1 && spareRunners {
		e.workers = newWorkers(e.runner, e.runnerEnv(), e.opts.TasksPerRunner)
		defer e.workers.close()
	} else if n := e.spareCount(); n > 0 {
		e.spares = newSpares(e.runner, e.runnerEnv(), n)
		// Every runner not needed has exited when Run returns.
		defer e.spares.close()
	}
	if err := task.WritePlan(ctx, e.store, e.runID, e.plan); err != nil {
		return nil, err
	}
	// The parameters are recorded before the run: a value that does not
	// fit its field is the caller's mistake, and leaves no run behind.
	var initErr error
	if e.originRun == nil {
		initErr = e.initRun(ctx)
		if pe := (*ParamError)(nil); errors.As(initErr, &pe) {
			return nil, initErr
		}
	}
	if err := e.store.WriteHeartbeat(ctx, e.plan.Name, e.runID); err != nil {
		return nil, err
	}
	if err := e.store.WriteRun(ctx, rec); err != nil {
		return nil, err
	}
	stopBeat := e.heartbeat(ctx)
	if e.originRun == nil { // as in Metaflow, a resume does not become the latest run
		if err := e.store.SetLatestRun(ctx, e.plan.Name, e.runID); err != nil {
			return nil, err
		}
	}
	e.out.printf("Run %s/%s started", e.plan.Name, e.runID)
	var err error
	if e.opts.OnStart != nil {
		err = e.opts.OnStart(e.runID)
	}
	switch {
	case err != nil:
	case e.originRun != nil:
		err = e.cloneParams(ctx)
	default:
		err = initErr
	}
	if err == nil {
		err = e.loop(ctx, res)
	}
	stopBeat()
	rec.End = time.Now()
	rec.Status = datastore.RunSucceeded
	if err != nil {
		rec.Status = datastore.RunFailed
		res.Err = err
	}
	res.Status = rec.Status
	res.Cloned = int(e.cloned.Load())
	res.Cached = int(e.hits.Load())
	// Tags may have changed while the run went on (flowc tag add): the
	// end is recorded on the document as it is now.
	werr := e.store.UpdateRun(context.WithoutCancel(ctx), e.plan.Name, e.runID, func(cur *datastore.Run) error {
		tags := cur.Tags
		*cur = rec
		cur.Tags = tags
		return nil
	})
	if werr != nil {
		// The run would show as running until it goes stale: say so.
		return res, fmt.Errorf("run %s/%s %s, but recording that failed: %w", e.plan.Name, e.runID, rec.Status, werr)
	}
	e.exitHooks(context.WithoutCancel(ctx), res)
	return res, nil
}

// exitHooks has the runner run the flow's exit hooks, once the run's end
// is recorded: its end-run, as an engine's exit handler runs it, which
// stores each hook's output as the log of _exit_hook/NAME. A hook's
// failure, or the runner's, is printed and changes nothing of the run.
func (e *executor) exitHooks(ctx context.Context, res *Result) {
	if len(e.plan.Decorators.HookFuncs(res.Status == datastore.RunSucceeded)) == 0 {
		return
	}
	args := []string{"end-run", "--run-id", e.runID, "--status", string(res.Status), "--datastore-root", e.opts.Root}
	if res.Failed != "" {
		args = append(args, "--failed-task", res.Failed)
	}
	if res.Err != nil {
		args = append(args, "--error", res.Err.Error())
	}
	cmd := exec.CommandContext(ctx, e.runner, args...)
	out, err := cmd.CombinedOutput()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line != "" {
			e.out.printf("%s", line)
		}
	}
	if err != nil {
		e.out.printf("flowc: run %s/%s: exit hooks: %v", e.plan.Name, e.runID, err)
		return
	}
	e.out.printf("Exit hooks of %s/%s ran: flowc logs %s/%s/%s", e.plan.Name, e.runID, e.plan.Name, e.runID, datastore.ExitHookStep)
}

// osUser is the operating system's name of the user running flowc.
func osUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

// readSecrets reads every secret of the flow's steps, before the run
// starts: a secret that cannot be read stops the run before anything is
// recorded, naming the step and the secret (never a value).
func (e *executor) readSecrets(ctx context.Context) error {
	if e.opts.Secrets == nil {
		return nil
	}
	e.secretEnv = map[string][]string{}
	for _, st := range e.plan.Steps {
		sec := st.Decorators.Secrets
		if sec == nil {
			continue
		}
		base := append(os.Environ(), "FLOWC_RUN_ID=")
		if env := st.Decorators.Environment; env != nil {
			for k, v := range env.Vars {
				base = append(base, k+"="+v)
			}
		}
		env, err := secrets.Env(ctx, e.opts.Secrets, sec.Sources, sec.AllowOverride, base)
		if err != nil {
			return fmt.Errorf("step %s: //flow:secrets: %w", st.Name, err)
		}
		e.secretEnv[st.Name] = env
	}
	return nil
}

// heartbeatEvery is how often the executor rewrites the run's heartbeat.
var heartbeatEvery = datastore.HeartbeatInterval

// heartbeat rewrites the run's heartbeat until the returned function is
// called, so that a run whose executor died is seen to be stale.
func (e *executor) heartbeat(ctx context.Context) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(heartbeatEvery)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				if err := e.store.WriteHeartbeat(context.WithoutCancel(ctx), e.plan.Name, e.runID); err != nil {
					e.out.printf("flowc: run %s/%s: heartbeat: %v", e.plan.Name, e.runID, err)
				}
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// initRun has the runner record the parameters.
func (e *executor) initRun(ctx context.Context) error {
	params := e.opts.Params
	if params == nil {
		params = map[string]json.RawMessage{}
	}
	data, err := json.Marshal(params)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp("", "flowc-params-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	f.Close()
	var stderr lockedBuffer
	proc, err := e.launch(ctx, []string{"init", "--run-id", e.runID, "--params", f.Name(), "--datastore-root", e.opts.Root}, nil, true, &stderr, &stderr)
	if err == nil {
		select {
		case err = <-proc.waited:
		case <-ctx.Done():
			proc.killGroup(syscall.SIGKILL)
			err = <-proc.waited
		}
	}
	if err != nil {
		msg := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(stderr.String()), "flowc runner: init:"))
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && ee.ExitCode() == task.ExitUsage {
			return &ParamError{Msg: msg}
		}
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("record the parameters: %s", msg)
	}
	return nil
}

// ParamError is a parameter value that does not fit its field (a JSON
// value of the wrong shape): the caller's mistake, found before the run is
// recorded.
type ParamError struct{ Msg string }

func (e *ParamError) Error() string { return e.Msg }

// outcome is a finished task, or the error that ended it.
type outcome struct {
	t   *sched.Task
	att *datastore.Attempt
	err error
}

// loop runs tasks as they become ready, at most MaxWorkers at once.
func (e *executor) loop(ctx context.Context, res *Result) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	queue := []*sched.Task{e.sched.Start()}
	e.event(Event{Kind: Queued, Step: queue[0].Step, Pathspec: e.pathspec(queue[0])})
	done := make(chan outcome)
	running := 0
	var wg sync.WaitGroup
	defer wg.Wait()
	var failure error
	for len(queue) > 0 || running > 0 {
		for failure == nil && ctx.Err() == nil && len(queue) > 0 && running < e.opts.MaxWorkers {
			t := queue[0]
			queue = queue[1:]
			running++
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				att, err := e.runTask(ctx, t)
				ev := Event{Kind: Finished, Step: t.Step, Pathspec: e.pathspec(t), Elapsed: time.Since(start), Err: err,
					Cloned: att != nil && att.Origin != "" && !att.Cached, Cached: att != nil && att.Cached}
				if err != nil {
					ev.Kind = Failed
				}
				e.event(ev)
				done <- outcome{t, att, err}
			}()
		}
		if running == 0 {
			break
		}
		o := <-done
		running--
		res.Tasks++
		if o.err != nil {
			if failure == nil {
				failure = o.err
				res.Failed = e.pathspec(o.t)
				cancel(errRunFailed)
			}
			continue
		}
		if failure != nil {
			continue
		}
		next, err := e.sched.Done(o.t, transition(o.att))
		if err == nil {
			err = e.checkSplits(o.t, o.att) // also for a foreach cloned by a resume
		}
		if err != nil {
			failure = err
			res.Failed = e.pathspec(o.t)
			cancel(errRunFailed)
			continue
		}
		for _, t := range next {
			e.event(Event{Kind: Queued, Step: t.Step, Pathspec: e.pathspec(t)})
		}
		queue = append(queue, next...)
	}
	if failure != nil {
		return failure
	}
	if err := context.Cause(ctx); err != nil {
		return fmt.Errorf("run interrupted: %w", err)
	}
	if e.sched.Pending() > 0 {
		return fmt.Errorf("the run ended with %d joins still waiting for inputs", e.sched.Pending())
	}
	return nil
}

var errRunFailed = errors.New("another task failed")

func transition(a *datastore.Attempt) sched.Result {
	if a == nil || a.Transition == nil {
		return sched.Result{}
	}
	r := sched.Result{Next: a.Transition.Next}
	if a.Transition.Foreach != nil {
		r.Splits = a.Transition.Foreach.Splits
	}
	return r
}

func (e *executor) pathspec(t *sched.Task) string {
	return e.plan.Name + "/" + e.runID + "/" + t.Step + "/" + t.ID
}

func (e *executor) path(t *sched.Task) datastore.TaskPath {
	return datastore.TaskPath{Flow: e.plan.Name, Run: e.runID, Step: t.Step, Task: t.ID}
}

// runTask runs a task's attempts until one finishes, or the retries (and a
// catch's fallback) are used up.
func (e *executor) runTask(ctx context.Context, t *sched.Task) (*datastore.Attempt, error) {
	if a, err := e.clone(ctx, t); err != nil || a != nil {
		if a != nil {
			e.cloned.Add(1)
			e.out.printf("[%s] cloned from %s", e.pathspec(t), a.Origin)
		}
		return a, err
	}
	key := ""
	if e.cached(t.Step) {
		var err error
		if key, err = e.cacheKey(ctx, t); err != nil {
			return nil, err
		}
		if !e.opts.NoCache {
			if a, err := e.fromCache(ctx, t, key); err != nil || a != nil {
				if a != nil {
					e.hits.Add(1)
					e.out.printf("[%s] cached: the result of %s", e.pathspec(t), a.Origin)
				}
				return a, err
			}
		}
	}
	st := e.plan.Step(t.Step)
	retries := 0
	if st.Decorators.Retry != nil {
		retries = st.Decorators.Retry.Times
	}
	var lastErr error
	for n := 0; n <= retries+1; n++ {
		fallback := ""
		if n == retries+1 {
			// One more attempt only to record a caught failure: the last
			// user attempt died without the runner catching it (a crash, a
			// kill at the timeout).
			if st.Decorators.Catch == nil || lastErr == nil {
				break
			}
			fallback = lastErr.Error()
		}
		kind := "exit"
		var de *deathError
		if errors.As(lastErr, &de) {
			kind = de.kind
		}
		e.event(Event{Kind: Started, Step: t.Step, Pathspec: e.pathspec(t), Attempt: n})
		code, att, err := e.attempt(ctx, t, n, fallback, kind)
		if err == nil && code == task.ExitOK {
			// Finished, maybe while the run was being stopped.
			rctx := context.WithoutCancel(ctx)
			d, err := e.store.ReadDone(rctx, e.path(t))
			if err != nil {
				return nil, err
			}
			if att == nil || att.Attempt != d.Attempt {
				a, err := e.store.ReadAttempt(rctx, e.path(t), d.Attempt)
				if err != nil {
					return nil, err
				}
				att = &a
			}
			if key != "" {
				e.remember(ctx, t, key, att)
			}
			return att, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("task %s stopped: %w", e.pathspec(t), context.Cause(ctx))
		}
		lastErr = err
		if att != nil && att.Error != "" && err == nil {
			lastErr = errors.New(att.Error)
		}
		if lastErr == nil {
			lastErr = fmt.Errorf("exit status %d", code)
		}
		if code == task.ExitNoRetry {
			break
		}
		if n < retries {
			e.out.printf("[%s] attempt %d failed: %v; retrying", e.pathspec(t), n, lastErr)
			e.event(Event{Kind: Retrying, Step: t.Step, Pathspec: e.pathspec(t), Attempt: n, Err: lastErr})
		}
	}
	return nil, fmt.Errorf("%s failed: %v", e.pathspec(t), lastErr)
}

// attempt runs one attempt of a task in a runner process and keeps its
// logs. It returns the runner's exit code and the attempt it recorded, or
// an error when the process died or was killed (the attempt is then
// recorded here).
func (e *executor) attempt(ctx context.Context, t *sched.Task, n int, fallback, kind string) (int, *datastore.Attempt, error) {
	st := e.plan.Step(t.Step)
	args := []string{"step", t.Step, "--run-id", e.runID, "--task-id", t.ID, "--retry-count", strconv.Itoa(n),
		"--datastore-root", e.opts.Root}
	if len(t.Inputs) > 0 {
		var in []string
		for _, r := range t.Inputs {
			in = append(in, r.String())
		}
		args = append(args, "--input-paths", strings.Join(in, ","))
	}
	if len(t.Stack) > 0 {
		args = append(args, "--split-index", strconv.Itoa(t.Stack[len(t.Stack)-1].Index))
	}
	if fallback != "" {
		args = append(args, "--caught", fallback, "--caught-type", kind)
	}
	prefix := "[" + e.pathspec(t) + "] "
	stdout := newLogBuffer(e.opts.MaxLogSize, e.out, prefix)
	stderr := newLogBuffer(e.opts.MaxLogSize, e.out, prefix)
	start := time.Now()
	// The step's own variables, then its secrets' (which may override
	// them, as runtime/secrets decided).
	var vars []string
	if env := st.Decorators.Environment; env != nil {
		for k, v := range env.Vars {
			vars = append(vars, k+"="+v)
		}
	}
	if fallback == "" {
		vars = append(vars, e.secretEnv[t.Step]...)
	}
	// A retry runs in a process of its own, whatever TasksPerRunner says:
	// the attempt before may have died with the runner it shared.
	proc, err := e.launch(ctx, args, vars, n == 0, stdout, stderr)
	if err != nil {
		return 0, nil, fmt.Errorf("start the runner: %w", err)
	}
	var timeout <-chan time.Time
	if st.Decorators.Timeout != nil && fallback == "" {
		// The runner cancels the step's context at the timeout; a step
		// that ignores it is killed a moment later.
		timer := time.NewTimer(time.Duration(st.Decorators.Timeout.Seconds)*time.Second + 2*time.Second)
		defer timer.Stop()
		timeout = timer.C
	}
	killedFor := ""
	wctx := context.WithoutCancel(ctx)
	p := e.path(t)
	select {
	case err = <-proc.waited:
	case <-timeout:
		// The step had its context cancelled and a grace period already:
		// no second warning.
		killedFor = fmt.Sprintf("step %s timed out after %ds and was killed", t.Step, st.Decorators.Timeout.Seconds)
		proc.killGroup(syscall.SIGKILL)
		err = <-proc.waited
	case <-ctx.Done():
		killedFor = "stopped: " + context.Cause(ctx).Error()
		err = stop(proc)
		if err == nil && e.finished(wctx, p, n) {
			killedFor = "" // it finished in its grace period: not killed
		}
	}
	stdout.Flush()
	stderr.Flush()
	// An empty log is not written: a reader takes a missing log as empty.
	// A runner that serves several tasks keeps each task's logs itself,
	// unless it died.
	var te taskExit
	if !proc.logsKept || (err != nil && !errors.As(err, &te)) {
		for _, l := range []struct {
			s datastore.Stream
			b *logBuffer
		}{{datastore.Stdout, stdout}, {datastore.Stderr, stderr}} {
			if data := l.b.Bytes(); len(data) > 0 {
				_ = e.store.WriteLog(wctx, p, n, l.s, bytes.NewReader(data))
			}
		}
	}
	code := 0
	if err != nil {
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			code = ee.ExitCode()
		case errors.As(err, &te):
			code = int(te)
		default:
			return 0, nil, err
		}
	}
	if killedFor == "" && (code == task.ExitOK || code == task.ExitFailed || code == task.ExitNoRetry) {
		if a, rerr := e.store.ReadAttempt(wctx, p, n); rerr == nil && a.Status != datastore.AttemptRunning {
			return code, &a, nil
		}
	}
	// The runner did not record how the attempt ended: it crashed, or was
	// killed. Record it here.
	msg := killedFor
	if msg == "" {
		msg = fmt.Sprintf("the task process exited with %s", describeExit(err))
	}
	a, rerr := e.store.ReadAttempt(wctx, p, n)
	if rerr != nil {
		a = datastore.Attempt{Attempt: n, Start: start}
	}
	a.End, a.Status, a.Error = time.Now(), datastore.AttemptFailed, msg
	if killedFor != "" {
		a.Status = datastore.AttemptKilled
	}
	if code != 0 {
		a.ExitCode = &code
	}
	_ = e.store.WriteAttempt(wctx, p, a)
	kind = "exit"
	if strings.Contains(killedFor, "timed out") {
		kind = "timeout"
	}
	return code, &a, &deathError{msg: msg, kind: kind}
}

// launch starts a runner with args, its output going to stdout and
// stderr: with Options.TasksPerRunner, and shared, one that serves several
// tasks (worker.go); otherwise a spare one (spare.go) when one is ready
// and the step has no variables of its own, otherwise one started for it.
func (e *executor) launch(ctx context.Context, args, vars []string, shared bool, stdout, stderr io.Writer) (*taskProcess, error) {
	if len(vars) == 0 && shared && e.workers != nil {
		if w, err := e.workers.get(); err == nil {
			wargs := args
			if args[0] == "step" {
				wargs = append(slices.Clip(args), "--capture-logs")
			}
			p, err := e.workers.run(ctx, w, wargs, stdout, stderr)
			if !errors.Is(err, errNotTaken) {
				return p, err
			}
		}
	}
	if len(vars) == 0 {
		if s := e.spares.take(); s != nil {
			if takeHook != nil {
				takeHook(s.proc.cmd.Process.Pid)
			}
			p, err := s.assign(ctx, args, stdout, stderr)
			if !errors.Is(err, errNotTaken) {
				return p, err
			}
		}
	}
	cmd := exec.Command(e.runner, args...)
	cmd.Env = append(e.runnerEnv(), vars...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return startTask(cmd)
}

// spareCount is how many runners to keep started ahead of need: one per
// core (a runner's start is CPU-bound, more cannot start sooner), at most
// one per worker; FLOWC_SPARE_RUNNERS=N sets it (0: none, every task
// starts its runner as it becomes ready). None where the parent-death
// signal is missing (spareRunners).
func (e *executor) spareCount() int {
	if !spareRunners {
		return 0
	}
	if v, ok := os.LookupEnv("FLOWC_SPARE_RUNNERS"); ok {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return min(n, e.opts.MaxWorkers)
		}
	}
	return min(runtime.NumCPU(), e.opts.MaxWorkers)
}

// runnerEnv is the environment of the run's runners, before a step's own
// variables.
func (e *executor) runnerEnv() []string {
	return append(append(os.Environ(), "FLOWC_RUN_ID="+e.runID), e.env...)
}

// deathError is an attempt whose process died or was killed; kind is exit
// or timeout, what a catch records as the error's type.
type deathError struct{ msg, kind string }

func (e *deathError) Error() string { return e.msg }

func describeExit(err error) string {
	if err == nil {
		return "status 0 without recording the attempt"
	}
	return err.Error()
}

// stop ends a task's process group: SIGTERM, then SIGKILL after a grace
// period.
func stop(p *taskProcess) error {
	p.killGroup(syscall.SIGTERM)
	select {
	case err := <-p.waited:
		return err
	case <-time.After(stopGrace):
		p.killGroup(syscall.SIGKILL)
		return <-p.waited
	}
}

// stopGrace is how long a stopped task has to end before it is killed.
const stopGrace = 5 * time.Second

// finished reports whether attempt n of task p is the task's finishing
// attempt, done marker written: a task that finished while it was being
// stopped keeps the attempt its runner recorded.
func (e *executor) finished(ctx context.Context, p datastore.TaskPath, n int) bool {
	d, err := e.store.ReadDone(ctx, p)
	return err == nil && d.Attempt == n
}

func (e *executor) event(ev Event) {
	if e.opts.Observer != nil {
		e.opts.Observer.Event(ev)
	}
}

// checkSplits fails a foreach wider than --max-num-splits, naming the flag.
func (e *executor) checkSplits(t *sched.Task, a *datastore.Attempt) error {
	if a == nil || a.Transition == nil || a.Transition.Foreach == nil || a.Transition.Foreach.Splits <= e.opts.MaxNumSplits {
		return nil
	}
	n := a.Transition.Foreach.Splits
	return fmt.Errorf("%s starts a foreach of %d tasks, more than --max-num-splits %d; raise it with --max-num-splits %d",
		e.pathspec(t), n, e.opts.MaxNumSplits, n)
}
