//go:build !flowc_local

package roots

// A runner in a scratch image has no system CA certificates: these
// embedded roots let it reach S3 over TLS there. Where the system has
// roots, they are used instead.
import _ "golang.org/x/crypto/x509roots/fallback"
