package bad

import (
	"unsafe"

	"github.com/flowc-dev/flowc/flow"
)

// Job holds a callback: it cannot be saved either.
type Job struct {
	Name string
	Done func() error
}

// Unsaved has artifacts that cannot be saved.
type Unsaved struct {
	Results chan int          // want "FLOW045 .*Results cannot be saved as an artifact: it holds a channel"
	Hook    func(int) int     // want "FLOW045 .*Hook .*it holds a function"
	Jobs    map[string][]*Job // want "FLOW045 .*Jobs .*it holds a function \\(type Job\\)"
	Raw     unsafe.Pointer    // want "FLOW045 .*unsafe.Pointer"
	Notify  chan<- string     `flow:"param"` // want "FLOW045 .*Notify .*channel"
	done    chan struct{}
}

func (f *Unsaved) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Unsaved) End(c *flow.Context) {}
