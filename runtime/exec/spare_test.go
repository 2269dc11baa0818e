//go:build linux

package exec_test

import (
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// tookSpares counts the runners started ahead of need that a run's tasks
// took, calling kill (when not nil) with each one's pid first.
type tookSpares struct {
	mu   sync.Mutex
	pids []int
}

func (s *tookSpares) hook(t *testing.T, kill func(n, pid int)) {
	t.Cleanup(exec.SetTakeHook(func(pid int) {
		s.mu.Lock()
		n := len(s.pids)
		s.pids = append(s.pids, pid)
		s.mu.Unlock()
		if kill != nil {
			kill(n, pid)
		}
	}))
}

func (s *tookSpares) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pids)
}

// waitDead waits until process pid has exited (it stays a zombie until
// the executor reaps it).
func waitDead(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || isZombie(st) {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("process %d still alive a minute after SIGKILL", pid)
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// wideSucceeded checks a run of testdata/wide: every task finished ok at
// its first attempt, and the join added the five squares.
func wideSucceeded(t *testing.T, fr *flowRun) {
	t.Helper()
	fr.wantStatus(t, datastore.RunSucceeded)
	for _, step := range []string{"Start", "Each", "Join", "End"} {
		tasks, err := fr.run.Step(step).Tasks()
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range tasks {
			if got := tk.Attempts(); len(got) != 1 || got[0] != 0 || tk.Status() != datastore.AttemptOK {
				t.Errorf("%s: attempts %v, status %s %q; want one attempt, ok", tk.Pathspec(), got, tk.Status(), errorText(tk))
			}
		}
	}
	var sum int
	if err := fr.task(t, "Join").Artifact("Sum", &sum); err != nil || sum != 55 {
		t.Errorf("Sum = %d, %v; want 55", sum, err)
	}
}

// TestSpareRunners: tasks run in runners started ahead of need, and a run
// leaves none of them behind: every runner not needed has exited when Run
// returns.
func TestSpareRunners(t *testing.T) {
	mark := testMark(t)
	t.Setenv(markEnv, mark)
	t.Setenv("FLOWC_SPARE_RUNNERS", "4")
	var took tookSpares
	took.hook(t, nil)
	fr := runTestFlow(t, "wide", t.TempDir(), nil)
	wideSucceeded(t, fr)
	if took.count() == 0 {
		t.Error("no task ran in a runner started ahead of need")
	}
	if pids := marked(t, mark, 0); len(pids) > 0 {
		for _, pid := range pids {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Fatalf("Run returned with processes %v still running", pids)
	}
}

// TestSpareRunnerDiesBeforeTask: a runner started ahead of need that dies
// before it receives its task costs the task nothing: the task runs in a
// runner started for it, at the same attempt, with no failure recorded.
func TestSpareRunnerDiesBeforeTask(t *testing.T) {
	t.Setenv("FLOWC_SPARE_RUNNERS", "2")
	var took tookSpares
	took.hook(t, func(n, pid int) {
		if n%2 == 0 { // every other one, the first included
			syscall.Kill(pid, syscall.SIGKILL)
			waitDead(t, pid)
		}
	})
	fr := runTestFlow(t, "wide", t.TempDir(), nil)
	wideSucceeded(t, fr)
	if took.count() == 0 {
		t.Error("no runner started ahead of need was taken")
	}
}

// TestNoSpareRunners: FLOWC_SPARE_RUNNERS=0 starts every runner for its
// task.
func TestNoSpareRunners(t *testing.T) {
	t.Setenv("FLOWC_SPARE_RUNNERS", "0")
	var took tookSpares
	took.hook(t, nil)
	fr := runTestFlow(t, "wide", t.TempDir(), nil)
	wideSucceeded(t, fr)
	if n := took.count(); n != 0 {
		t.Errorf("%d tasks ran in runners started ahead of need; want none", n)
	}
}
