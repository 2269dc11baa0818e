//go:build !flowc_local

package task

import (
	"os/user"

	// A runner opens s3:// datastore roots: the S3 backend registers
	// itself. (The CA roots it needs in a scratch image come with the
	// generated main: package roots.)
	_ "github.com/flowc-dev/flowc/runtime/datastore/s3store"
)

// currentUser is the user an engine's run is recorded as when
// FLOWC_USER is not set: the process's user, "" when unknown.
func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}
