package client

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// Step is one step of a run.
type Step struct {
	run  *Run
	name string
}

// Name returns the step's name.
func (s *Step) Name() string { return s.name }

// Pathspec returns "Flow/Run/Step".
func (s *Step) Pathspec() string { return s.run.Pathspec() + "/" + s.name }

// taskIDs lists the step's task ids in task order; a step without tasks
// is an error matching ErrNotFound.
func (s *Step) taskIDs() ([]string, error) {
	d := s.run.doc
	if _, err := ParsePathspec(s.Pathspec()); err != nil {
		return nil, err
	}
	ids, err := s.run.c.store.ListTasks(s.run.c.ctx, d.Flow, d.RunID, s.name)
	if err != nil {
		return nil, fmt.Errorf("tasks of step %s: %w", s.Pathspec(), err)
	}
	if len(ids) == 0 {
		return nil, s.run.c.notFound("step", s.Pathspec())
	}
	slices.SortFunc(ids, compareTaskIDs)
	return ids, nil
}

// Tasks returns the step's tasks in task-id order: a foreach's tasks by
// index ("0", "1", ..., "10"), nested ones by each index in turn ("1-0"
// before "1-1" before "2-0"), a loop's visits in order ("0.1", "0.2").
// Metaflow lists them newest first; index order is what a join sees.
func (s *Step) Tasks() ([]*Task, error) {
	ids, err := s.taskIDs()
	if err != nil {
		return nil, err
	}
	tasks := make([]*Task, 0, len(ids))
	for _, id := range ids {
		t, err := s.Task(id)
		if err != nil {
			return nil, err
		}
		tasks = append(tasks, t)
	}
	return tasks, nil
}

// Task returns the step's task id, as of its latest attempt (see Task).
func (s *Step) Task(id string) (*Task, error) {
	return s.loadTask(id, -1)
}

// compareTaskIDs orders task ids by their numbers, field by field ("3-1",
// "0.2"), and ids that are not such numbers after them, as
// datastore.CompareIDs does.
func compareTaskIDs(a, b string) int {
	na, oka := idNumbers(a)
	nb, okb := idNumbers(b)
	switch {
	case oka && okb:
		if c := slices.Compare(na, nb); c != 0 {
			return c
		}
	case oka:
		return -1
	case okb:
		return 1
	}
	return datastore.CompareIDs(a, b)
}

// idNumbers splits a task id at '-' and '.' into numbers.
func idNumbers(id string) ([]int, bool) {
	var ns []int
	for f := range strings.FieldsFuncSeq(id, func(r rune) bool { return r == '-' || r == '.' }) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, false
		}
		ns = append(ns, n)
	}
	return ns, len(ns) > 0
}

// Task is one task of a step, as one of its attempts left it: by default
// the attempt that finished the task (its DONE marker names it) or, for a
// task that has not finished, its latest started attempt. As in Metaflow,
// an earlier finished attempt is never shown in place of a later one.
type Task struct {
	step     *Step
	id       string
	attempts []int
	att      datastore.Attempt
	done     *datastore.Done // nil unless this attempt finished the task
	arts     map[string]datastore.Artifact
}

// loadTask reads task id of s as of attempt n, or its current attempt when
// n < 0.
func (s *Step) loadTask(id string, n int) (*Task, error) {
	c := s.run.c
	p := Pathspec{s.run.doc.Flow, s.run.doc.RunID, s.name, id}
	if _, err := ParsePathspec(p.String()); err != nil || id == "" || strings.Contains(id, "/") {
		return nil, &PathspecError{Pathspec: p.String(), Reason: "not a Flow/Run/Step/Task pathspec"}
	}
	tp := datastore.TaskPath{Flow: p.Flow, Run: p.Run, Step: p.Step, Task: p.Task}
	t := &Task{step: s, id: id}
	var err error
	if t.attempts, err = c.store.ListAttempts(c.ctx, tp); err != nil {
		return nil, fmt.Errorf("task %s: %w", tp, err)
	}
	if len(t.attempts) == 0 {
		return nil, c.notFound("task", tp.String())
	}
	done, err := c.store.ReadDone(c.ctx, tp)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return nil, fmt.Errorf("task %s: %w", tp, err)
	case n < 0 || n == done.Attempt:
		t.done = &done
		n = done.Attempt
	}
	if n < 0 {
		n = t.attempts[len(t.attempts)-1]
	}
	if !slices.Contains(t.attempts, n) {
		return nil, notFoundf("task %s has no attempt %d (its attempts: %s)", tp, n, attemptList(t.attempts))
	}
	if t.att, err = c.store.ReadAttempt(c.ctx, tp, n); err != nil {
		return nil, fmt.Errorf("task %s: %w", tp, err)
	}
	t.arts, err = c.store.ReadArtifacts(c.ctx, tp, n)
	if errors.Is(err, ErrNotFound) {
		// The attempt is running, or died before it saved anything.
		t.arts, err = map[string]datastore.Artifact{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("task %s: %w", tp, err)
	}
	return t, nil
}

func attemptList(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// ID returns the task id.
func (t *Task) ID() string { return t.id }

// Pathspec returns "Flow/Run/Step/Task".
func (t *Task) Pathspec() string { return t.step.Pathspec() + "/" + t.id }

func (t *Task) path() datastore.TaskPath {
	d := t.step.run.doc
	return datastore.TaskPath{Flow: d.Flow, Run: d.RunID, Step: t.step.name, Task: t.id}
}

// Attempt returns the number of the attempt the Task shows, from 0.
func (t *Task) Attempt() int { return t.att.Attempt }

// Attempts returns the numbers of the task's started attempts, ascending.
func (t *Task) Attempts() []int { return slices.Clone(t.attempts) }

// AtAttempt returns the task as attempt n left it: its status, error,
// artifacts and logs.
func (t *Task) AtAttempt(n int) (*Task, error) {
	if n < 0 {
		return nil, fmt.Errorf("task %s: attempt %d: attempts count from 0", t.Pathspec(), n)
	}
	return t.step.loadTask(t.id, n)
}

// Status returns the state of the attempt the Task shows: running, ok,
// failed, caught or killed.
func (t *Task) Status() datastore.AttemptStatus { return t.att.Status }

// Finished reports whether the task finished: it succeeded, or it failed
// and a catch directive caught the failure (Metaflow's finished, _task_ok).
// A task that failed for good is not finished.
func (t *Task) Finished() bool {
	return t.done != nil && (t.done.Status == datastore.AttemptOK || t.done.Status == datastore.AttemptCaught)
}

// Successful reports whether the task finished without a failure: false
// for a caught one, as in Metaflow.
func (t *Task) Successful() bool { return t.done != nil && t.done.Status == datastore.AttemptOK }

// TaskError is the error a failed, killed or caught attempt recorded.
type TaskError struct {
	Pathspec string
	Attempt  int
	Status   datastore.AttemptStatus
	Message  string
}

// Error returns "task PATHSPEC, attempt N (STATUS): message".
func (e *TaskError) Error() string {
	return fmt.Sprintf("task %s, attempt %d (%s): %s", e.Pathspec, e.Attempt, e.Status, e.Message)
}

// Error returns the error the attempt the Task shows recorded, as a
// *TaskError, or nil when it recorded none (it succeeded or still runs).
func (t *Task) Error() error {
	msg := t.att.Error
	switch {
	case msg != "":
	case t.att.Status == datastore.AttemptFailed, t.att.Status == datastore.AttemptKilled:
		msg = "no error message recorded"
	default:
		return nil
	}
	return &TaskError{Pathspec: t.Pathspec(), Attempt: t.att.Attempt, Status: t.att.Status, Message: msg}
}

// ForeachStack returns the foreach splits around the task, outermost
// first: for each, the step that split, the artifact it split over, this
// task's index and the number of elements. Empty outside a foreach.
func (t *Task) ForeachStack() []datastore.ForeachFrame { return slices.Clone(t.att.ForeachStack) }

// InputPaths returns the pathspecs of the tasks whose artifacts the task
// started from.
func (t *Task) InputPaths() []string { return slices.Clone(t.att.InputPaths) }

// Origin returns the pathspec of the task a resume cloned this one from,
// or whose result the step cache reused (Cached); "" when it ran.
func (t *Task) Origin() string { return t.att.Origin }

// Cached reports whether the task did not run because the step cache
// (//flow:cache) had the result of a task, Origin, that ran with the same
// code, parameters and inputs: its artifacts, logs and cards are that
// task's.
func (t *Task) Cached() bool { return t.att.Cached }

// Artifacts returns the names of the task's artifacts, sorted: every
// artifact the flow had after the attempt, inherited ones included.
func (t *Task) Artifacts() []string { return slices.Sorted(maps.Keys(t.arts)) }

// ArtifactInfo returns how artifact name is stored: its blob, encoded size,
// encoding and Go type.
func (t *Task) ArtifactInfo(name string) (datastore.Artifact, bool) {
	a, ok := t.arts[name]
	return a, ok
}

func (t *Task) artifact(name string) (datastore.Artifact, error) {
	a, ok := t.arts[name]
	if !ok && t.step.name != datastore.ParamsStep {
		// Parameters and configs are stored once per run, in the
		// parameters task; every task sees them, as in Metaflow.
		if pt, err := t.step.run.paramsTask(); err == nil {
			a, ok = pt.arts[name]
		}
	}
	if !ok {
		return a, notFoundf("task %s has no artifact %s (its artifacts: %s)", t.Pathspec(), name, list(t.Artifacts()))
	}
	return a, nil
}

// Artifact decodes artifact name into v, a non-nil pointer to a variable of
// the artifact's type or a compatible one (a struct with the same field
// names, any, ...), as package codec decodes. The run's parameters and
// configs are found on every task too, as in Metaflow, although they are
// stored once, in the run's parameters task.
func (t *Task) Artifact(name string, v any) error {
	a, err := t.artifact(name)
	if err != nil {
		return err
	}
	if err := t.step.run.c.store.GetArtifact(t.step.run.c.ctx, a, v); err != nil {
		return fmt.Errorf("artifact %s of task %s: %w", name, t.Pathspec(), err)
	}
	return nil
}

// ArtifactAny decodes artifact name without its Go type: structs and maps
// become map[string]any, slices []any (numeric slices stay typed), numbers
// int64 or float64, as codec.DecodeAny says.
func (t *Task) ArtifactAny(name string) (any, error) {
	a, err := t.artifact(name)
	if err != nil {
		return nil, err
	}
	v, err := t.step.run.c.store.GetArtifactAny(t.step.run.c.ctx, a)
	if err != nil {
		return nil, fmt.Errorf("artifact %s of task %s: %w", name, t.Pathspec(), err)
	}
	return v, nil
}

// Stream names a log stream: Stdout or Stderr.
type Stream = datastore.Stream

// The log streams.
const (
	Stdout = datastore.Stdout
	Stderr = datastore.Stderr
)

// Logs returns what attempt n of the task wrote to stream; n < 0 means the
// attempt the Task shows. An attempt still running has no log yet ("").
// A task cloned by a resume shows the log of the task it was cloned from.
func (t *Task) Logs(stream Stream, n int) (string, error) {
	if stream != Stdout && stream != Stderr {
		return "", fmt.Errorf("logs of task %s: stream %q: want stdout or stderr", t.Pathspec(), stream)
	}
	if n < 0 {
		n = t.att.Attempt
	}
	if !slices.Contains(t.attempts, n) {
		return "", notFoundf("task %s has no attempt %d (its attempts: %s)", t.Pathspec(), n, attemptList(t.attempts))
	}
	c := t.step.run.c
	r, err := c.store.OpenLog(c.ctx, t.path(), n, stream)
	if errors.Is(err, ErrNotFound) && n == t.att.Attempt && t.att.Origin != "" {
		if from, perr := datastore.ParseTaskPath(t.att.Origin); perr == nil {
			r, err = c.store.OpenLog(c.ctx, from, n, stream)
		}
	}
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("%s log of task %s: %w", stream, t.Pathspec(), err)
	}
	defer r.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, r); err != nil {
		return "", fmt.Errorf("%s log of task %s: %w", stream, t.Pathspec(), err)
	}
	return b.String(), nil
}

// Stdout returns the standard output of the attempt the Task shows.
func (t *Task) Stdout() (string, error) { return t.Logs(Stdout, -1) }

// Stderr returns the standard error of the attempt the Task shows.
func (t *Task) Stderr() (string, error) { return t.Logs(Stderr, -1) }
