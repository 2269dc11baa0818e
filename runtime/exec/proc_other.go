//go:build unix && !linux

package exec

import (
	"os"
	"syscall"
)

// taskAttr puts a task in a process group of its own. Systems other than
// Linux have no parent-death signal: a task of an executor killed with
// SIGKILL runs on until its own deadline (runtime/task's watchdog).
func taskAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// waitExited cannot wait without reaping here: what a task left behind in
// its group after a normal exit is not killed (at a timeout and a stop it
// is, by the group kill).
func waitExited(int) bool { return false }

// spareRunners: without a parent-death signal a runner waiting for its
// task would outlive a killed executor (until its standard input closes);
// each task starts its own runner instead.
const spareRunners = false

// pending is not needed where runners are not started ahead of need.
func pending(*os.File) int { return 0 }
