package exec

import (
	"context"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"
)

// StopSignals are the signals that stop a run: Ctrl-C, a kill, and a hang-up
// (the terminal closed, the ssh session dropped). A stopped run stops its
// tasks, records itself as failed and stays resumable.
var StopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// NotifyContext returns a context cancelled when the process receives one
// of StopSignals: what a command that runs a flow passes to Run.
func NotifyContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, StopSignals...)
}

// taskProcess is a task's runner process, in a process group of its own
// (the group's id is the runner's pid).
type taskProcess struct {
	cmd *exec.Cmd
	// waited receives cmd.Wait's result once the runner has exited and
	// whatever it left behind in its group has been killed; for a task of
	// a runner that serves several (worker.go), once the task has ended
	// (nil or a taskExit) or the runner has died (cmd.Wait's result).
	waited chan error
	// logsKept: the runner stores the task's logs itself (worker.go).
	logsKept bool
}

// startTask starts cmd as a task process. The task never outlives the
// executor: on Linux the runner gets SIGTERM when the executor dies
// (parent-death signal) and then stops like a stopped task, killing its
// group when its grace period is over (runtime/task's watchdog). And the
// task's processes end with it: once the runner exits, every process still
// in its group (a `sleep` a step started and forgot) is killed.
//
// The parent-death signal fires when the thread that forked the child
// ends, not the process. Go ends a thread only when a goroutine locked to
// it exits without unlocking; to be sure no other goroutine can do that on
// the forking thread, the goroutine that starts the runner locks its thread
// from the fork until the runner is reaped, and unlocks it before it ends.
// That costs one thread per running task.
func startTask(cmd *exec.Cmd) (*taskProcess, error) {
	cmd.SysProcAttr = taskAttr()
	p := &taskProcess{cmd: cmd, waited: make(chan error, 1)}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		if waitExited(cmd.Process.Pid) {
			// The runner has exited but is not reaped yet, so its pid, the
			// group's id, cannot be reused: the kill reaches only what the
			// task left behind.
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
		p.waited <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// killGroup sends sig to every process of the task's group.
func (p *taskProcess) killGroup(sig syscall.Signal) {
	_ = syscall.Kill(-p.cmd.Process.Pid, sig)
}
