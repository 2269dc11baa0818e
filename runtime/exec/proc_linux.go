package exec

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// taskAttr puts a task in a process group of its own, and has the kernel
// send it SIGTERM when the executor dies.
func taskAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// waitExited blocks until process pid has exited, without reaping it
// (waitid with WNOWAIT), and reports whether it could.
func waitExited(pid int) bool {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			return err == nil
		}
	}
}

// spareRunners: runners are started ahead of need (spare.go) where a
// runner waiting for its task dies with the executor.
const spareRunners = true

// pending returns how many bytes wait to be read from pipe f.
func pending(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	_ = rc.Control(func(fd uintptr) {
		n, _ = unix.IoctlGetInt(int(fd), unix.TIOCINQ) // FIONREAD
	})
	return n
}
