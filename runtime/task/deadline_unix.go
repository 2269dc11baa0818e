//go:build unix

package task

import (
	"os"
	"syscall"
)

// killGroup kills the runner and what it started. When the runner leads its
// process group (the local executor starts each task so) the whole group
// is killed; otherwise (a shell or a container engine started it) the
// group is not the task's alone, and the runner only exits: the processes
// the step started are then left to whoever started the runner (a pod's
// end kills them).
func killGroup() {
	if syscall.Getpgrp() == os.Getpid() {
		_ = syscall.Kill(0, syscall.SIGKILL)
	}
	os.Exit(ExitFailed)
}
