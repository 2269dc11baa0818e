package task

import (
	// A runner opens s3:// datastore roots: the S3 backend registers
	// itself.
	_ "github.com/flowc-dev/flowc/runtime/datastore/s3store"
	// A runner in a scratch image has no system CA certificates: these
	// embedded roots let it reach S3 over TLS there. Where the system has
	// roots, they are used instead.
	_ "golang.org/x/crypto/x509roots/fallback"
)
