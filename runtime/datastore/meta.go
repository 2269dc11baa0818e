package datastore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Schema identifiers, stored in each document's "schema" field. A reader
// accepts exactly the schema it knows; adding an optional field keeps the
// schema, changing the meaning of one makes a new one.
const (
	RunSchema       = "flowc.run/v1"
	AttemptSchema   = "flowc.attempt/v1"
	ArtifactsSchema = "flowc.artifacts/v1"
	DoneSchema      = "flowc.done/v1"
)

// RunStatus is the state of a run.
type RunStatus string

// Run states.
const (
	RunRunning   RunStatus = "running"
	RunSucceeded RunStatus = "succeeded"
	RunFailed    RunStatus = "failed"
)

// Run is the run document, <Flow>/<run>/_run.json, written by the scheduler
// when the run starts and again when it ends.
type Run struct {
	Schema     string    `json:"schema"` // RunSchema; set by WriteRun
	Flow       string    `json:"flow"`
	RunID      string    `json:"run_id"`
	User       string    `json:"user"`
	Tags       []string  `json:"tags"`        // user tags
	SystemTags []string  `json:"system_tags"` // user:<name>, runtime:local, ...
	Start      time.Time `json:"start"`
	End        time.Time `json:"end,omitzero"` // zero while running
	Status     RunStatus `json:"status"`
	// OriginRunID is the run this one resumes, empty for a fresh run.
	OriginRunID string `json:"origin_run_id,omitempty"`
	// Parameters holds each parameter's value as JSON.
	Parameters map[string]json.RawMessage `json:"parameters"`
	// Trigger is what started a deployed run (an event, another flow's
	// end), the JSON of a flow.Trigger; absent for a run started by hand.
	Trigger json.RawMessage `json:"trigger,omitempty"`
	// With holds the --with directives the run was started with, as
	// written (DIRECTIVE[:attr=value,...]).
	With []string `json:"with,omitempty"`
	// EndHandled is when an engine's exit handler (the runner's end-run)
	// finished what it does at a run's end: end hooks, the end event,
	// notifications. An exit handler the engine runs again finds it and
	// does none of that twice. Zero for a local run and until then.
	EndHandled time.Time `json:"end_handled,omitzero"`
}

// AttemptStatus is the state of one attempt of a task.
type AttemptStatus string

// Attempt states. Caught means the step failed and a catch directive
// stored the error: the task counts as finished and its successors run.
const (
	AttemptRunning AttemptStatus = "running"
	AttemptOK      AttemptStatus = "ok"
	AttemptFailed  AttemptStatus = "failed"
	AttemptCaught  AttemptStatus = "caught"
	AttemptKilled  AttemptStatus = "killed"
)

// Attempt is an attempt document, <Flow>/<run>/<step>/<task>/<n>.attempt.json,
// written when attempt n starts (status running) and rewritten when it ends.
type Attempt struct {
	Schema  string        `json:"schema"` // AttemptSchema; set by WriteAttempt
	Attempt int           `json:"attempt"`
	Start   time.Time     `json:"start"`
	End     time.Time     `json:"end,omitzero"`
	Status  AttemptStatus `json:"status"`
	Error   string        `json:"error,omitempty"`
	// ExitCode is the task process's exit status, when the scheduler saw it.
	ExitCode *int `json:"exit_code,omitempty"`
	// ForeachStack holds the enclosing foreach splits, outermost first.
	ForeachStack []ForeachFrame `json:"foreach_stack"`
	// Transition is what the step returned, once it has.
	Transition *Transition `json:"transition,omitempty"`
	// InputPaths are the pathspecs (Flow/run/step/task) of the tasks whose
	// artifacts this one started from.
	InputPaths []string `json:"input_paths"`
	// Origin is the pathspec of the task this attempt was cloned from by a
	// resume, empty when it ran.
	Origin string `json:"origin,omitempty"`
	// Cached says the task did not run: the step cache (//flow:cache) found
	// Origin, a task that ran with the same code, parameters and inputs,
	// and this attempt is a copy of its result.
	Cached bool `json:"cached,omitempty"`
}

// ForeachFrame is one level of foreach: the task is element Index of Splits
// elements of artifact Var, in a task of step Step.
type ForeachFrame struct {
	Step   string `json:"step"`
	Var    string `json:"var"`
	Index  int    `json:"index"`
	Splits int    `json:"splits"`
}

// Transition is the transition a step took.
type Transition struct {
	// Next names the steps that follow: one for a Goto, several for a
	// Branch, the foreach body for a Foreach, none after End.
	Next []string `json:"next"`
	// Foreach is set when the step started a foreach.
	Foreach *ForeachSplit `json:"foreach,omitempty"`
}

// ForeachSplit says how a foreach fanned out: over artifact Var, into
// Splits tasks.
type ForeachSplit struct {
	Var    string `json:"var"`
	Splits int    `json:"splits"`
}

// Artifact is one entry of an artifact index: where an artifact's value is
// and how to read it.
type Artifact struct {
	SHA      string `json:"sha"`      // the blob
	Size     int64  `json:"size"`     // encoded size in bytes
	Encoding string `json:"encoding"` // codec.Name for values flowc wrote
	GoType   string `json:"go_type"`  // the Go type it was encoded from
}

// Ref returns the blob the artifact is stored in.
func (a Artifact) Ref() Ref { return Ref{SHA: a.SHA, Size: a.Size} }

// artifactIndex is the document <n>.data.json.
type artifactIndex struct {
	Schema    string              `json:"schema"`
	Attempt   int                 `json:"attempt"`
	Artifacts map[string]Artifact `json:"artifacts"`
}

// Done is the done marker <Flow>/<run>/<step>/<task>/DONE.json: the task is
// finished, with this attempt as its result.
type Done struct {
	Schema  string        `json:"schema"` // DoneSchema; set by MarkDone
	Attempt int           `json:"attempt"`
	Status  AttemptStatus `json:"status"`
	Time    time.Time     `json:"time"`
	// Transition is the attempt's transition, so that an engine (a Step
	// Functions Choice, a task finding its inputs) reads one document.
	Transition *Transition `json:"transition,omitempty"`
}

// Stream names a log stream.
type Stream string

// Log streams.
const (
	Stdout Stream = "stdout"
	Stderr Stream = "stderr"
)

func runKey(flow, run string) string  { return flow + "/" + run + "/_run.json" }
func latestRunKey(flow string) string { return flow + "/latest_run" }

func attemptName(n int, suffix string) string { return strconv.Itoa(n) + "." + suffix }

const doneName = "DONE.json"

func checkAttempt(n int) error {
	if n < 0 {
		return fmt.Errorf("datastore: attempt %d: attempts count from 0", n)
	}
	return nil
}

// WriteRun stores the run document r under r.Flow and r.RunID.
func (s *Store) WriteRun(ctx context.Context, r Run) error {
	if err := checkName("flow", r.Flow); err != nil {
		return err
	}
	if err := checkName("run", r.RunID); err != nil {
		return err
	}
	r.Schema = RunSchema
	r.Start, r.End, r.EndHandled = r.Start.UTC(), r.End.UTC(), r.EndHandled.UTC()
	return s.writeDoc(ctx, runKey(r.Flow, r.RunID), r)
}

// ReadRun reads the run document of flow's run runID.
func (s *Store) ReadRun(ctx context.Context, flow, runID string) (Run, error) {
	var r Run
	if err := checkName("flow", flow); err != nil {
		return r, err
	}
	if err := checkName("run", runID); err != nil {
		return r, err
	}
	err := s.readDoc(ctx, runKey(flow, runID), RunSchema, &r)
	return r, err
}

// SetLatestRun records runID as flow's latest run (what `resume` starts
// from by default; a resume does not update it).
func (s *Store) SetLatestRun(ctx context.Context, flow, runID string) error {
	if err := checkName("flow", flow); err != nil {
		return err
	}
	if err := checkName("run", runID); err != nil {
		return err
	}
	return s.backend.Put(ctx, latestRunKey(flow), []byte(runID+"\n"))
}

// LatestRun returns the run id SetLatestRun last recorded for flow, or an
// error matching ErrNotFound.
func (s *Store) LatestRun(ctx context.Context, flow string) (string, error) {
	if err := checkName("flow", flow); err != nil {
		return "", err
	}
	data, err := s.backend.Get(ctx, latestRunKey(flow))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(data)), nil
}

// ListFlows returns the names of the flows with anything stored, sorted.
func (s *Store) ListFlows(ctx context.Context) ([]string, error) {
	names, err := s.listNames(ctx, "")
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(names, func(n string) bool { return n == blobPrefix }), nil
}

// ListRuns returns the run documents of flow, newest first (by start time,
// then by id). Run directories without a run document are skipped, and so
// are run documents that cannot be read (empty after a crash, not JSON,
// of an unknown schema), each with a warning naming its file (see
// [Store.SetWarn]): one bad document must not hide every other run.
func (s *Store) ListRuns(ctx context.Context, flow string) ([]Run, error) {
	if err := checkName("flow", flow); err != nil {
		return nil, err
	}
	ids, err := s.listNames(ctx, flow+"/")
	if err != nil {
		return nil, err
	}
	runs := make([]Run, 0, len(ids))
	for _, id := range ids {
		r, err := s.ReadRun(ctx, flow, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			if ctx.Err() != nil || !errors.Is(err, errBadDoc) {
				return nil, err
			}
			s.warnf("skipping run %s/%s: %s: %v", flow, id, s.where(runKey(flow, id)), err)
			continue
		}
		runs = append(runs, r)
	}
	slices.SortStableFunc(runs, func(a, b Run) int {
		if c := b.Start.Compare(a.Start); c != 0 {
			return c
		}
		return CompareIDs(b.RunID, a.RunID)
	})
	return runs, nil
}

// ListSteps returns the names of the steps of a run that have tasks,
// sorted bytewise.
func (s *Store) ListSteps(ctx context.Context, flow, runID string) ([]string, error) {
	if err := checkName("flow", flow); err != nil {
		return nil, err
	}
	if err := checkName("run", runID); err != nil {
		return nil, err
	}
	return s.listNames(ctx, flow+"/"+runID+"/")
}

// ListTasks returns the task ids of a step, in CompareIDs order (numeric
// ids by value).
func (s *Store) ListTasks(ctx context.Context, flow, runID, step string) ([]string, error) {
	for _, c := range [...][2]string{{"flow", flow}, {"run", runID}, {"step", step}} {
		if err := checkName(c[0], c[1]); err != nil {
			return nil, err
		}
	}
	ids, err := s.listNames(ctx, flow+"/"+runID+"/"+step+"/")
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ids, CompareIDs)
	return ids, nil
}

// WriteAttempt stores the document of attempt a.Attempt of task t.
func (s *Store) WriteAttempt(ctx context.Context, t TaskPath, a Attempt) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := checkAttempt(a.Attempt); err != nil {
		return err
	}
	a.Schema = AttemptSchema
	a.Start, a.End = a.Start.UTC(), a.End.UTC()
	return s.writeDoc(ctx, t.key(attemptName(a.Attempt, "attempt.json")), a)
}

// ReadAttempt reads the document of attempt n of task t.
func (s *Store) ReadAttempt(ctx context.Context, t TaskPath, n int) (Attempt, error) {
	var a Attempt
	if err := t.check(); err != nil {
		return a, err
	}
	if err := checkAttempt(n); err != nil {
		return a, err
	}
	err := s.readDoc(ctx, t.key(attemptName(n, "attempt.json")), AttemptSchema, &a)
	return a, err
}

// ListAttempts returns the numbers of the attempts of task t that have
// started, ascending.
func (s *Store) ListAttempts(ctx context.Context, t TaskPath) ([]int, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	keys, err := s.backend.List(ctx, t.key(""))
	if err != nil {
		return nil, err
	}
	var ns []int
	for _, k := range keys {
		num, ok := strings.CutSuffix(k[len(t.key("")):], ".attempt.json")
		if n, err := strconv.Atoi(num); ok && err == nil && n >= 0 && isDecimal(num) {
			ns = append(ns, n)
		}
	}
	slices.Sort(ns)
	return ns, nil
}

// WriteArtifacts stores the artifact index of attempt n of task t: every
// artifact the task has after the attempt, by name, including those it
// inherited unchanged.
func (s *Store) WriteArtifacts(ctx context.Context, t TaskPath, n int, artifacts map[string]Artifact) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := checkAttempt(n); err != nil {
		return err
	}
	for name, a := range artifacts {
		if name == "" {
			return fmt.Errorf("datastore: artifacts of %s: empty artifact name", t)
		}
		if err := checkSHA(a.SHA); err != nil {
			return fmt.Errorf("datastore: artifact %s of %s: %w", name, t, err)
		}
	}
	if artifacts == nil {
		artifacts = map[string]Artifact{}
	}
	doc := artifactIndex{Schema: ArtifactsSchema, Attempt: n, Artifacts: artifacts}
	return s.writeDoc(ctx, t.key(attemptName(n, "data.json")), doc)
}

// ReadArtifacts reads the artifact index of attempt n of task t.
func (s *Store) ReadArtifacts(ctx context.Context, t TaskPath, n int) (map[string]Artifact, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if err := checkAttempt(n); err != nil {
		return nil, err
	}
	var doc artifactIndex
	if err := s.readDoc(ctx, t.key(attemptName(n, "data.json")), ArtifactsSchema, &doc); err != nil {
		return nil, err
	}
	if doc.Artifacts == nil {
		doc.Artifacts = map[string]Artifact{}
	}
	return doc.Artifacts, nil
}

func checkStream(st Stream) error {
	if st != Stdout && st != Stderr {
		return fmt.Errorf("datastore: log stream %q: want stdout or stderr", st)
	}
	return nil
}

// WriteLog stores what r yields as the log of stream st of attempt n of
// task t, atomically (a reader sees the whole log or none).
func (s *Store) WriteLog(ctx context.Context, t TaskPath, n int, st Stream, r io.Reader) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := checkAttempt(n); err != nil {
		return err
	}
	if err := checkStream(st); err != nil {
		return err
	}
	return s.backend.PutReader(ctx, t.key(attemptName(n, string(st)+".log")), r)
}

// OpenLog opens the log of stream st of attempt n of task t.
func (s *Store) OpenLog(ctx context.Context, t TaskPath, n int, st Stream) (io.ReadCloser, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if err := checkAttempt(n); err != nil {
		return nil, err
	}
	if err := checkStream(st); err != nil {
		return nil, err
	}
	return s.backend.Open(ctx, t.key(attemptName(n, string(st)+".log")))
}

// MarkDone writes task t's done marker. It must be the task's last write:
// readers take a task to be finished exactly when the marker exists, and
// then read the attempt, artifacts and logs it names.
func (s *Store) MarkDone(ctx context.Context, t TaskPath, d Done) error {
	if err := t.check(); err != nil {
		return err
	}
	if err := checkAttempt(d.Attempt); err != nil {
		return err
	}
	d.Schema = DoneSchema
	d.Time = d.Time.UTC()
	return s.writeDoc(ctx, t.key(doneName), d)
}

// ReadDone reads task t's done marker; an error matching ErrNotFound means
// the task has not finished.
func (s *Store) ReadDone(ctx context.Context, t TaskPath) (Done, error) {
	var d Done
	if err := t.check(); err != nil {
		return d, err
	}
	err := s.readDoc(ctx, t.key(doneName), DoneSchema, &d)
	return d, err
}
