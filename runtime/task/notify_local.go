//go:build flowc_local

package task

import (
	"context"
	"fmt"
	"os"
)

// notify is for an engine's exit handler, whose runner is never
// local-only (notify.go posts over HTTP).
func notify(_ context.Context, target, _, _, _, _, _ string) {
	fmt.Fprintf(os.Stderr, "flowc runner: end-run: notification to %s not sent: this runner was built for a local datastore only\n", target)
}
