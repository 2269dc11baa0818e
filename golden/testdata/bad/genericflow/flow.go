package bad

import "github.com/flowc-dev/flowc/flow"

// Box is a generic type a flow may hold, instantiated.
type Box[T any] struct{ Value T }

// Generic cannot be a flow: flowc builds one runner for one type.
type Generic[T any, U comparable] struct { // want "FLOW073 flow Generic has type parameters \\[T any, U comparable\\]"
	Item T
	Box  Box[int]
}

func (f *Generic[T, U]) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Generic[T, U]) End(c *flow.Context) {}
