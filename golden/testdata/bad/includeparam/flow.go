package bad

import "github.com/flowc-dev/flowc/flow"

// Include has included-file parameters whose defaults cannot be read.
type Include struct {
	Missing flow.IncludedFile `flow:"param" default:"missing.txt"` // want "FLOW108 default of parameter missing: read included file .*missing.txt: no such file"
	Outside flow.IncludedFile `flow:"param" default:"../flow.go"`  // want "FLOW108 default of parameter outside: \"../flow.go\" must be a file below the package directory"
	Dir     flow.IncludedFile `flow:"param" default:"."`           // want "FLOW108 default of parameter dir: read included file .*: is a directory"
}

func (f *Include) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Include) End(c *flow.Context) {}
