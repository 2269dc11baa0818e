//go:build flowc_local

package task

import (
	"context"
	"fmt"
	"os"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// A runner built with the flowc_local tag (runtime/build builds one for a
// run on a local datastore) links no S3 datastore, AWS SDK, TLS roots or
// cgo user lookup: it starts in a few milliseconds instead of tens. Given
// an s3:// root all the same, it says how to get a runner that opens it.
func init() {
	datastore.RegisterScheme("s3", func(_ context.Context, root string) (datastore.Backend, error) {
		return nil, fmt.Errorf("datastore %s: this runner was built for a local datastore only; "+
			"flowc builds runners that open s3:// roots for flowc run --datastore-root s3://... and flowc package", root)
	})
}

// currentUser is the user an engine's run is recorded as when
// FLOWC_USER is not set: $USER (a local runner does not link the cgo user
// lookup).
func currentUser() string { return os.Getenv("USER") }

// postEndEvent is for an engine's exit handler, whose runner is never
// local-only (event.go posts the event over HTTP).
func postEndEvent(_ context.Context, url, _, _ string) error {
	return fmt.Errorf("--event-url %s: this runner was built for a local datastore only and does not post events", url)
}
