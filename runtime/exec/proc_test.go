//go:build linux

package exec_test

import (
	"bytes"
	"context"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// The tests in this file want a task's processes (the runner and what its
// step started) never to outlive the task, whatever happens to the
// executor. They find those processes by an environment variable that the
// executor passes down to every task process and its children.

// markEnv marks the processes of one test.
const markEnv = "FLOWC_TEST_MARK"

// marked returns the pids of the live processes carrying mark in their
// environment, except this process and except, when not 0, pid skip.
func marked(t *testing.T, mark string, skip int) []int {
	t.Helper()
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		t.Fatal(err)
	}
	want := []byte(markEnv + "=" + mark + "\x00")
	var pids []int
	for _, d := range dirs {
		pid, _ := strconv.Atoi(filepath.Base(d))
		if pid == os.Getpid() || pid == skip {
			continue
		}
		env, err := os.ReadFile(d + "/environ")
		if err != nil || !bytes.Contains(env, want) {
			continue
		}
		if st, err := os.ReadFile(d + "/stat"); err == nil && isZombie(st) {
			continue
		}
		pids = append(pids, pid)
	}
	return pids
}

// isZombie reads the state field of /proc/PID/stat.
func isZombie(stat []byte) bool {
	i := bytes.LastIndexByte(stat, ')')
	return i > 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// idleSpare reports whether pid is a runner started ahead of need that is
// still waiting for its task: `RUNNER await` with its standard input still
// the executor's pipe (a runner that took its task has /dev/null there).
func idleSpare(pid int) bool {
	p := "/proc/" + strconv.Itoa(pid)
	cmdline, err := os.ReadFile(p + "/cmdline")
	if err != nil || !bytes.HasSuffix(cmdline, []byte("\x00await\x00")) {
		return false
	}
	in, err := os.Readlink(p + "/fd/0")
	return err == nil && strings.HasPrefix(in, "pipe:")
}

// waitGone waits (a minute at most) until no marked process is left.
func waitGone(t *testing.T, mark string, skip int, what string) {
	t.Helper()
	waitGoneExcept(t, mark, skip, what, nil)
}

// waitGoneExcept is waitGone, leaving out the processes for which except
// is true.
func waitGoneExcept(t *testing.T, mark string, skip int, what string, except func(pid int) bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		pids := slices.DeleteFunc(marked(t, mark, skip), func(pid int) bool { return except != nil && except(pid) })
		if len(pids) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, pid := range pids {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			t.Fatalf("%s: processes %v still run a minute later", what, pids)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// executor is this test binary started as an executor (see TestMain).
type executor struct {
	cmd    *osexec.Cmd
	out    bytes.Buffer
	exited chan struct{} // closed once it has exited
	err    error         // how it exited, once exited is closed
}

// startExecutor starts an executor of testdata/flow, marked with mark.
func startExecutor(t *testing.T, flow, mode, root, mark string) *executor {
	t.Helper()
	e := &executor{exited: make(chan struct{})}
	e.cmd = osexec.Command(os.Args[0], "-test.run=^$")
	e.cmd.Env = append(os.Environ(), "FLOWC_TEST_EXECUTOR_ROOT="+root, "FLOWC_TEST_EXECUTOR_FLOW="+flow,
		"FLOWC_TEST_EXECUTOR_MODE="+mode, markEnv+"="+mark)
	e.cmd.Stdout, e.cmd.Stderr = &e.out, &e.out
	if err := e.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		e.err = e.cmd.Wait()
		close(e.exited)
	}()
	t.Cleanup(func() {
		e.cmd.Process.Signal(syscall.SIGCONT)
		e.cmd.Process.Kill()
		<-e.exited
	})
	return e
}

// waitFor polls until cond holds while the executor runs (four minutes at
// most: the runner is built first, on a machine that may be busy).
func (e *executor) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(4 * time.Minute)
	for !cond() {
		select {
		case <-e.exited:
			t.Fatalf("%s: the executor exited: %v\n%s", what, e.err, &e.out)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not in time\n%s", what, &e.out)
		}
	}
}

// running counts the attempt documents of a step in the root's only run.
func running(root, step string) int {
	m, _ := filepath.Glob(filepath.Join(root, "*", "*", step, "*", "0.attempt.json"))
	return len(m)
}

// onlyRun reads the root's only run.
func onlyRun(t *testing.T, root, flow string) *client.Run {
	t.Helper()
	c, err := client.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := c.Namespace(client.Global).Flow(flow).Runs()
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs of %s: %v, %v", flow, runs, err)
	}
	return runs[0]
}

func testMark(t *testing.T) string {
	return t.Name() + "-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
}

// TestHangUpStopsRun: SIGHUP (a closed terminal) stops a run like Ctrl-C:
// its tasks, and what they started, are stopped, and the run is recorded
// as failed, not left running.
func TestHangUpStopsRun(t *testing.T) {
	root, mark := t.TempDir(), testMark(t)
	e := startExecutor(t, "hold", "", root, mark)
	e.waitFor(t, "four Wait tasks running", func() bool { return running(root, "Wait") == 4 })
	if err := e.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	<-e.exited
	waitGone(t, mark, 0, "after SIGHUP")
	if st := onlyRun(t, root, "Hold").Status(); st != datastore.RunFailed {
		t.Errorf("run status %s, want failed", st)
	}
}

// TestTasksDieWithExecutor: the tasks of an executor killed with SIGKILL
// stop, and their children with them, instead of running on forever.
func TestTasksDieWithExecutor(t *testing.T) {
	root, mark := t.TempDir(), testMark(t)
	e := startExecutor(t, "hold", "", root, mark)
	e.waitFor(t, "four Wait tasks running", func() bool { return running(root, "Wait") == 4 })
	e.cmd.Process.Kill()
	<-e.exited
	waitGone(t, mark, 0, "after SIGKILL of the executor")
}

// TestRunnerDeadline: with no executor to enforce it (the executor is
// stopped with SIGSTOP), the runner kills a step that ignores its timeout,
// with its children, and records the attempt as killed.
func TestRunnerDeadline(t *testing.T) {
	root, mark := t.TempDir(), testMark(t)
	e := startExecutor(t, "leak", "deaf", root, mark)
	e.waitFor(t, "Spawn running", func() bool { return running(root, "Spawn") == 1 })
	if err := e.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// The runners the stopped executor started ahead of need wait for it
	// (they end with it, and with the run); the task and what it started
	// do not.
	waitGoneExcept(t, mark, e.cmd.Process.Pid, "with the executor stopped", idleSpare)
	tk, err := onlyRun(t, root, "Leak").Step("Spawn").Task("0")
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status() != datastore.AttemptKilled || !strings.Contains(errorText(tk), "timed out after 1s and was killed") {
		t.Errorf("Spawn: %s %q; want killed at its timeout", tk.Status(), errorText(tk))
	}
}

// TestTimeoutKillsChildren: a step that returns at its timeout leaves
// nothing running: the `sleep` it started ends with the task.
func TestTimeoutKillsChildren(t *testing.T) {
	mark := testMark(t)
	t.Setenv(markEnv, mark)
	fr := runTestFlow(t, "leak", t.TempDir(), nil)
	fr.wantStatus(t, datastore.RunFailed)
	if pids := marked(t, mark, 0); len(pids) > 0 {
		for _, pid := range pids {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Fatalf("the run ended with processes %v of its task still running", pids)
	}
}

// TestStopKeepsFinished: a task that finishes in the grace period of a
// stop (another task failed) keeps the attempt it recorded, ok, instead of
// having it rewritten as killed.
func TestStopKeepsFinished(t *testing.T) {
	fr := runTestFlow(t, "stopgrace", t.TempDir(), nil)
	fr.wantStatus(t, datastore.RunFailed)
	late := fr.task(t, "Late")
	if !late.Finished() || late.Status() != datastore.AttemptOK {
		t.Errorf("Late: finished %v, status %s %q; want finished, ok", late.Finished(), late.Status(), errorText(late))
	}
}

// TestRunEndNotRecorded: when the run's end cannot be recorded (a full
// disk), Run says so instead of returning as if all were well.
func TestRunEndNotRecorded(t *testing.T) {
	root := t.TempDir()
	t.Setenv("FLOWC_TEST_BREAK_ROOT", root)
	f := mustPlan(t, "testdata/breakrun")
	res, err := exec.Run(context.Background(), exec.Options{Plan: f, PkgDir: "testdata/breakrun", Root: root})
	if err == nil || !strings.Contains(err.Error(), "failed, but recording that failed") {
		t.Fatalf("Run: %v, %+v; want an error saying the run's end was not recorded", err, res)
	}
}
