//go:build !flowc_local

package task

import (
	"os/user"

	// A runner opens s3:// datastore roots: the S3 backend registers
	// itself.
	_ "github.com/flowc-dev/flowc/runtime/datastore/s3store"
	// A runner in a scratch image has no system CA certificates: these
	// embedded roots let it reach S3 over TLS there. Where the system has
	// roots, they are used instead.
	_ "golang.org/x/crypto/x509roots/fallback"
)

// currentUser is the user an engine's run is recorded as when
// FLOWC_USER is not set: the process's user, "" when unknown.
func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}
