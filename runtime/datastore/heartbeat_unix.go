//go:build unix

package datastore

import (
	"errors"
	"syscall"
)

// processGone reports whether no process pid exists on this machine (a
// process of another user exists: EPERM).
func processGone(pid int) bool {
	return pid > 0 && errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
