// Package flowc holds the sources of package flow, so that flowc's front end
// can type-check a flow against the API it was built with when the flow's
// directory is not in a Go module that provides package flow (a flow
// written to a scratch directory, say). Within a module, the front end uses
// the module's own version of package flow instead.
//
// It holds data only and must never import anything of flowc's.
package flowc

import "embed"

// FlowSource holds flow/*.go, tests included (the front end skips them).
//
//go:embed flow/*.go
var FlowSource embed.FS
