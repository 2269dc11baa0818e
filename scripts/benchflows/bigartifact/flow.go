// Package bigartifact is a benchmark flow: one step writes a large []byte
// artifact and the next reads it.
package bigartifact

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Big passes MiB mebibytes of random bytes from Make to Read, and measures
// the time from the moment Make's step body returns to the moment Read's
// step body starts with the bytes in hand: saving, handing over, loading.
type Big struct {
	MiB     int `flow:"param,name=mib" default:"100"`
	Blob    []byte
	Written time.Time
	Took    time.Duration
	Sum     int
}

// Start goes to Make.
func (f *Big) Start(c *flow.Context) flow.Next { return flow.Goto(f.Make) }

// Make fills the artifact.
func (f *Big) Make(c *flow.Context) flow.Next {
	f.Blob = make([]byte, f.MiB<<20)
	rng := rand.NewChaCha8([32]byte{1})
	rng.Read(f.Blob) // incompressible
	f.Written = time.Now()
	return flow.Goto(f.Read)
}

// Read reads it back.
func (f *Big) Read(c *flow.Context) (flow.Next, error) {
	f.Took = time.Since(f.Written)
	if len(f.Blob) != f.MiB<<20 {
		return nil, fmt.Errorf("got %d bytes", len(f.Blob))
	}
	fmt.Printf("handover of %d MiB: %s, %.0f MB/s\n", f.MiB, f.Took.Round(time.Millisecond),
		float64(len(f.Blob))/1e6/f.Took.Seconds())
	for i := 0; i < len(f.Blob); i += 4096 {
		f.Sum += int(f.Blob[i])
	}
	return flow.Goto(f.End), nil
}

// End ends.
func (f *Big) End(c *flow.Context) error { return nil }
