package bad

import (
	"context"
	"fmt"
	"io"

	"github.com/flowc-dev/flowc/flow"
)

// Reader is this package's own interface with a method.
type Reader interface{ Read() string }

// Any is an alias of the empty interface: any value goes, and reads back
// as maps, slices, strings and numbers.
type Any = interface{}

// Held keeps interfaces: only the empty one can be read back.
type Held struct {
	Err     error             // want "FLOW071 .*Err cannot be saved as an artifact: an error cannot be read back .*err.Error\\(\\)"
	Errs    []error           // want "FLOW071 .*Errs .*an error cannot be read back"
	Ctx     context.Context   // want "FLOW071 .*Ctx .*context.Context is an interface with methods"
	Input   io.Reader         // want "FLOW071 .*Input .*io.Reader is an interface with methods"
	Named   fmt.Stringer      // want "FLOW071 .*fmt.Stringer is an interface"
	Mine    map[string]Reader // want "FLOW071 .*Mine .*Reader is an interface"
	Anon    interface{ M() }  // want "FLOW071 .*Anon .*it is an interface with methods"
	Free    any
	Old     interface{}
	Aliased Any
	Bag     map[string]any
	Caught  *flow.CaughtError
}

func (f *Held) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Held) End(c *flow.Context) {}
