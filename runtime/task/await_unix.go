//go:build unix

package task

import (
	"os"

	"golang.org/x/sys/unix"
)

// detachStdin points standard input at /dev/null, where a runner started
// for its task has it (runtime/exec gives a task no input).
func detachStdin() {
	f, err := os.Open(os.DevNull)
	if err != nil {
		return
	}
	_ = unix.Dup2(int(f.Fd()), 0)
	f.Close()
}

// acknowledge tells the starter the task was taken: one byte on AckFD, then
// closed. Only a pipe's write end there is taken to be the starter's (a
// runner started by hand has no such descriptor, or something else there).
func acknowledge() {
	var st unix.Stat_t
	if unix.Fstat(AckFD, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		return
	}
	if fl, err := unix.FcntlInt(AckFD, unix.F_GETFL, 0); err != nil || fl&unix.O_ACCMODE != unix.O_WRONLY {
		return
	}
	_, _ = unix.Write(AckFD, []byte{1})
	_ = unix.Close(AckFD)
}

// takeStdin returns a copy of standard input (not inherited by the
// processes steps start) and points standard input at /dev/null.
func takeStdin() (*os.File, error) {
	fd, err := unix.Dup(0)
	if err != nil {
		return nil, err
	}
	unix.CloseOnExec(fd)
	detachStdin()
	return os.NewFile(uintptr(fd), "assignments"), nil
}

// report writes b to AckFD when it is the starter's pipe (acknowledge),
// keeping it open.
func report(b byte) {
	var st unix.Stat_t
	if unix.Fstat(AckFD, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		return
	}
	_, _ = unix.Write(AckFD, []byte{b})
}
