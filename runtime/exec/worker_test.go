//go:build linux

package exec_test

import (
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// reusePids runs testdata/reuse one task at a time with tasksPerRunner,
// checks every task ran once and kept its own output, and returns the
// process of each Each task.
func reusePids(t *testing.T, tasksPerRunner int) (*flowRun, []int) {
	t.Helper()
	fr := runTestFlow(t, "reuse", t.TempDir(), func(o *exec.Options) {
		o.MaxWorkers = 1
		o.TasksPerRunner = tasksPerRunner
	})
	fr.wantStatus(t, datastore.RunSucceeded)
	tasks, err := fr.run.Step("Each").Tasks()
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 6 {
		t.Fatalf("%d Each tasks, want 6", len(tasks))
	}
	var pids []int
	for _, tk := range tasks {
		if got := tk.Attempts(); len(got) != 1 || got[0] != 0 || tk.Status() != datastore.AttemptOK {
			t.Errorf("%s: attempts %v, status %s; want one attempt, ok", tk.Pathspec(), got, tk.Status())
		}
		var item, pid int
		if err := tk.Artifact("Item", &item); err != nil {
			t.Fatal(err)
		}
		if err := tk.Artifact("Pid", &pid); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
		// Each task's logs hold its own output, and only its own.
		if out, err := tk.Stdout(); err != nil || out != fmt.Sprintf("item %d\n", item) {
			t.Errorf("%s stdout %q, %v; want item %d", tk.Pathspec(), out, err, item)
		}
		if out, err := tk.Stderr(); err != nil || out != fmt.Sprintf("err %d\n", item) {
			t.Errorf("%s stderr %q, %v; want err %d", tk.Pathspec(), out, err, item)
		}
		// And the console shows it under the task's name.
		if line := "[" + tk.Pathspec() + "] " + fmt.Sprintf("item %d\n", item); !strings.Contains(fr.out.String(), line) {
			t.Errorf("the output lacks %q:\n%s", line, fr.out)
		}
	}
	return fr, pids
}

// TestTasksPerRunner: with Options.TasksPerRunner a runner process runs
// several tasks one after another, at most that many, and each task still
// has its own attempt and logs.
func TestTasksPerRunner(t *testing.T) {
	mark := testMark(t)
	t.Setenv(markEnv, mark)
	_, pids := reusePids(t, 3)
	per := map[int]int{}
	for _, p := range pids {
		per[p]++
	}
	if len(per) == len(pids) {
		t.Errorf("every task ran in a process of its own (%v); want processes reused", pids)
	}
	for p, n := range per {
		if n > 3 {
			t.Errorf("process %d ran %d tasks, more than 3", p, n)
		}
	}
	// No runner outlives the run.
	if left := marked(t, mark, 0); len(left) > 0 {
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Fatalf("Run returned with processes %v still running", left)
	}
}

// TestProcessPerTask: by default every task has a process of its own.
func TestProcessPerTask(t *testing.T) {
	_, pids := reusePids(t, 0)
	slices.Sort(pids)
	if len(slices.Compact(pids)) != 6 {
		t.Errorf("Each tasks ran in processes %v; want six", pids)
	}
}

// TestTasksPerRunnerCrash: a task that kills the runner it shares fails
// that attempt, as a runner of its own would; its retry runs in a process
// of its own, and the run goes on.
func TestTasksPerRunnerCrash(t *testing.T) {
	fr := runTestFlow(t, "crash", t.TempDir(), func(o *exec.Options) { o.TasksPerRunner = 4 })
	fr.wantStatus(t, datastore.RunSucceeded)
	boom := fr.task(t, "Boom")
	if got := boom.Attempts(); !slices.Equal(got, []int{0, 1, 2}) || boom.Status() != datastore.AttemptCaught {
		t.Fatalf("Boom attempts %v, status %s; want [0 1 2], caught", got, boom.Status())
	}
	for n := range 2 {
		if a := attempt(t, boom, n); a.Status() != datastore.AttemptFailed || !strings.Contains(errorText(a), "exit status 3") {
			t.Errorf("Boom attempt %d: %s, %q; want failed with exit status 3", n, a.Status(), errorText(a))
		}
	}
	if log, err := attempt(t, boom, 1).Stdout(); err != nil || !strings.Contains(log, "crashing on attempt 1") {
		t.Errorf("Boom attempt 1 (a process of its own) stdout %q, %v", log, err)
	}
}

// TestTasksPerRunnerTimeout: a step deaf to its timeout is killed with the
// runner it shares, and the attempt is recorded as killed, as in a runner
// of its own.
func TestTasksPerRunnerTimeout(t *testing.T) {
	t.Parallel()
	fr := runTestFlow(t, "hang", t.TempDir(), func(o *exec.Options) { o.TasksPerRunner = 4 })
	fr.wantStatus(t, datastore.RunFailed)
	stuck := fr.task(t, "Stuck")
	if stuck.Finished() || !slices.Equal(stuck.Attempts(), []int{0, 1}) {
		t.Fatalf("Stuck: finished %v, attempts %v", stuck.Finished(), stuck.Attempts())
	}
	for n := range 2 {
		if a := attempt(t, stuck, n); a.Status() != datastore.AttemptKilled || !strings.Contains(errorText(a), "timed out") {
			t.Errorf("Stuck attempt %d: %s, %q; want killed, timed out", n, a.Status(), errorText(a))
		}
	}
	fr.noTasks(t, "End")
}
