package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// followFlow is a two-step flow whose Start is retried once.
func followFlow() *ir.Flow {
	return &ir.Flow{
		Name: "Hello",
		Steps: []*ir.Step{
			{Name: "Start", Kind: ir.KindStart, Next: []string{"End"}, Decorators: ir.StepDecorators{Retry: &ir.Retry{Times: 1}}},
			{Name: "End", Kind: ir.KindEnd},
		},
		Graph: ir.Graph{Start: "Start", End: "End", Order: []string{"Start", "End"}},
	}
}

// script is an orchestrator that moves a run on by one stage each time it
// is asked, writing to the datastore what the pods would have written.
type script struct {
	t      *testing.T
	st     *datastore.Store
	stages []func() engineState
	calls  int
	// fail is how many looks fail before each stage.
	fail, failed int
}

func (s *script) engine(ctx context.Context) (engineState, error) {
	if s.failed < s.fail {
		s.failed++
		return engineState{}, errors.New("the API server is busy")
	}
	s.failed = 0
	i := min(s.calls, len(s.stages)-1)
	s.calls++
	return s.stages[i](), nil
}

func (s *script) run(status datastore.RunStatus) {
	s.t.Helper()
	r := datastore.Run{Flow: "Hello", RunID: "hello-x", Status: status, Start: time.Unix(100, 0)}
	if status != datastore.RunRunning {
		r.End = time.Unix(112, 0)
	}
	if err := s.st.WriteRun(context.Background(), r); err != nil {
		s.t.Fatal(err)
	}
}

func (s *script) attempt(step string, n int, status datastore.AttemptStatus, msg string, done bool) {
	s.t.Helper()
	tp := datastore.TaskPath{Flow: "Hello", Run: "hello-x", Step: step, Task: "0"}
	a := datastore.Attempt{Attempt: n, Start: time.Unix(100, 0), Status: status, Error: msg}
	if status != datastore.AttemptRunning {
		a.End = time.Unix(103, 0) // the display shows how long it ran
	}
	if err := s.st.WriteAttempt(context.Background(), tp, a); err != nil {
		s.t.Fatal(err)
	}
	if done {
		if err := s.st.MarkDone(context.Background(), tp, datastore.Done{Attempt: n, Status: status}); err != nil {
			s.t.Fatal(err)
		}
	}
}

func newScript(t *testing.T) *script {
	st, err := datastore.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &script{t: t, st: st}
}

func (s *script) follow() (string, string, error) {
	var out, errb bytes.Buffer
	fo := &follower{flow: followFlow(), store: s.st, runID: "hello-x", every: time.Nanosecond, engine: s.engine}
	err := fo.follow(context.Background(), &out, &errb)
	return out.String(), errb.String(), err
}

// TestFollowSucceeded: each task is shown once it finishes, and the run's
// end as flowc run shows it.
func TestFollowSucceeded(t *testing.T) {
	s := newScript(t)
	running := func() engineState { return engineState{} }
	s.stages = []func() engineState{
		running, // nothing written yet
		func() engineState {
			s.run(datastore.RunRunning)
			s.attempt("Start", 0, datastore.AttemptRunning, "", false)
			return running()
		},
		func() engineState {
			s.attempt("Start", 0, datastore.AttemptOK, "", true)
			s.attempt("End", 0, datastore.AttemptRunning, "", false)
			return running()
		},
		func() engineState {
			s.attempt("End", 0, datastore.AttemptOK, "", true)
			s.run(datastore.RunSucceeded)
			return engineState{Over: true}
		},
	}
	out, errOut, err := s.follow()
	if err != nil {
		t.Fatalf("%v; stderr %q", err, errOut)
	}
	want := "[Hello/hello-x/Start/0] finished in 3s\n[Hello/hello-x/End/0] finished in 3s\nRun Hello/hello-x succeeded in 12s (2 tasks).\n"
	if out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
}

// TestFollowFailed: a failed attempt that will be retried is not a
// failure; the last one is, and the report names its step, error and log.
func TestFollowFailed(t *testing.T) {
	s := newScript(t)
	s.stages = []func() engineState{
		func() engineState {
			s.run(datastore.RunRunning)
			s.attempt("Start", 0, datastore.AttemptFailed, "boom 0", false)
			return engineState{}
		},
		func() engineState { s.attempt("Start", 1, datastore.AttemptRunning, "", false); return engineState{} },
		func() engineState {
			s.attempt("Start", 1, datastore.AttemptFailed, "boom 1", false)
			return engineState{}
		},
		func() engineState {
			s.run(datastore.RunFailed)
			return engineState{Over: true, Failed: true, Reason: "child 'hello-x-1' failed"}
		},
	}
	out, errOut, err := s.follow()
	if !errors.Is(err, errReported) {
		t.Fatalf("err %v, want errReported", err)
	}
	if out != "[Hello/hello-x/Start/0] failed after 3s\n" {
		t.Errorf("stdout %q", out)
	}
	for _, w := range []string{"Run Hello/hello-x failed after 12s.\n", "step:  Start\n", "error: boom 1\n", "flowc logs Hello/hello-x/Start/0 --stderr", "engine: child 'hello-x-1' failed"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr %q does not hold %q", errOut, w)
		}
	}
}

// TestFollowNeverRecorded: a run that failed before any task wrote is a
// failure, with the orchestrator's reason.
func TestFollowNeverRecorded(t *testing.T) {
	s := newScript(t)
	s.stages = []func() engineState{func() engineState {
		return engineState{Over: true, Failed: true, Reason: "pod hello-x-1: ErrImagePull"}
	}}
	_, errOut, err := s.follow()
	if !errors.Is(err, errReported) || !strings.Contains(errOut, "no task of the run wrote") || !strings.Contains(errOut, "ErrImagePull") {
		t.Errorf("err %v, stderr %q", err, errOut)
	}
}

// TestFollowRecordedSucceededEngineFailed: the run's record says
// succeeded but the orchestrator failed it (its exit handler failed):
// that is a failure.
func TestFollowRecordedSucceededEngineFailed(t *testing.T) {
	s := newScript(t)
	s.stages = []func() engineState{func() engineState {
		s.run(datastore.RunSucceeded)
		return engineState{Over: true, Failed: true, Reason: "exit handler failed"}
	}}
	_, errOut, err := s.follow()
	if !errors.Is(err, errReported) || !strings.Contains(errOut, "exit handler failed") {
		t.Errorf("err %v, stderr %q", err, errOut)
	}
}

// TestFollowEngineErrors: a few failed looks in a row are waited out;
// followTries in a row stop following, saying the run goes on.
func TestFollowEngineErrors(t *testing.T) {
	s := newScript(t)
	s.fail = followTries - 1
	s.stages = []func() engineState{
		func() engineState { return engineState{} },
		func() engineState { s.run(datastore.RunSucceeded); return engineState{Over: true} },
	}
	if _, errOut, err := s.follow(); err != nil {
		t.Fatalf("%d failed looks in a row: %v, stderr %q", s.fail, err, errOut)
	}
	s = newScript(t)
	s.fail = followTries
	s.stages = []func() engineState{func() engineState { return engineState{Over: true} }}
	if _, _, err := s.follow(); err == nil || !strings.Contains(err.Error(), "it goes on") || !strings.Contains(err.Error(), "the API server is busy") {
		t.Errorf("%d failed looks in a row: %v", s.fail, err)
	}
}
