package bad

import "github.com/flowc-dev/flowc/flow"

// Level writes itself as text but cannot read itself back.
type Level int

func (l Level) MarshalText() ([]byte, error) { return []byte("level"), nil }

// Packed writes itself as bytes, with no UnmarshalBinary.
type Packed struct{ n int }

func (p *Packed) MarshalBinary() ([]byte, error) { return []byte{byte(p.n)}, nil }

// Both has a pair on the pointer: fine.
type Both struct{ n int }

func (b Both) MarshalText() ([]byte, error)    { return []byte{byte(b.n)}, nil }
func (b *Both) UnmarshalText(p []byte) error   { b.n = len(p); return nil }
func (b *Both) MarshalBinary() ([]byte, error) { return []byte{byte(b.n)}, nil }

// OneWay has types the datastore could write but not read back.
type OneWay struct {
	Level  Level     // want "FLOW072 .*Level has MarshalText but no UnmarshalText"
	Packed []*Packed // want "FLOW072 .*Packed has MarshalBinary but no UnmarshalBinary"
	Both   Both      // want "FLOW072 .*Both has MarshalBinary but no UnmarshalBinary"
}

func (f *OneWay) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *OneWay) End(c *flow.Context) {}
