//go:build unix

package task

import (
	"os"

	"golang.org/x/sys/unix"
)

// redirect points descriptor fd at a new pipe and returns a file for the
// original descriptor and the pipe's read end.
func redirect(fd int) (saved, r *os.File, err error) {
	dup, err := unix.Dup(fd)
	if err != nil {
		return nil, nil, err
	}
	unix.CloseOnExec(dup)
	pr, pw, err := os.Pipe()
	if err != nil {
		unix.Close(dup)
		return nil, nil, err
	}
	if err := unix.Dup2(int(pw.Fd()), fd); err != nil {
		unix.Close(dup)
		pr.Close()
		pw.Close()
		return nil, nil, err
	}
	pw.Close()
	return os.NewFile(uintptr(dup), "saved"), pr, nil
}

// restore points fd back at the original descriptor, which closes the
// pipe's write end held by fd.
func restore(fd int, saved *os.File) {
	unix.Dup2(int(saved.Fd()), fd)
}
