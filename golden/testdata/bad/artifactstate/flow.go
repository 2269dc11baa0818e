package bad

import (
	"bytes"
	"encoding/json"
	"math/big"
	"net/netip"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Model keeps its weights where the datastore cannot see them.
type Model struct {
	Name    string
	weights []float64
}

// Pair is generic; instantiated, its fields are checked like any other.
type Pair[K comparable, V any] struct {
	Key K
	Val V
}

// Hidden is generic with hidden state.
type Hidden[T any] struct{ v T }

// Doc has a MarshalJSON, which the datastore does not use.
type Doc struct{ body string }

func (d Doc) MarshalJSON() ([]byte, error)  { return json.Marshal(d.body) }
func (d *Doc) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &d.body) }

// Saved has a method pair: its unexported state is saved by it.
type Saved struct{ n int }

func (s Saved) MarshalBinary() ([]byte, error) { return []byte{byte(s.n)}, nil }
func (s *Saved) UnmarshalBinary(b []byte) error {
	s.n = len(b)
	return nil
}

// Tagged leaves a field out on purpose.
type Tagged struct {
	Name  string
	Cache chan int `json:"-"`
	_     int
}

// Embeds promotes the fields of an unexported embedded struct.
type Embeds struct {
	inner
}

type inner struct{ Visible int }

// Lossy has artifacts the datastore would save empty.
type Lossy struct {
	Buf     bytes.Buffer          // want "FLOW070 .*Buf cannot be saved as an artifact: bytes.Buffer keeps its state in unexported fields \\(buf, off, lastRead\\)"
	Model   *Model                // want "FLOW070 .*Model keeps its state in unexported fields \\(weights\\)"
	Models  map[string][]Model    // want "FLOW070 .*Models .*Model keeps its state"
	File    *os.File              // want "FLOW070 .*File .*os.File keeps its state in unexported fields \\(file\\)"
	Mu      sync.Mutex            // want "FLOW070 .*Mu .*sync.Mutex keeps its state"
	Builder strings.Builder       // want "FLOW070 .*strings.Builder keeps its state"
	Doc     Doc                   // want "FLOW070 .*Doc keeps its state in unexported fields \\(body\\).*its MarshalJSON is not used"
	Hidden  Hidden[string]        // want "FLOW070 .*Hidden\\[string\\] keeps its state in unexported fields \\(v\\)"
	Number  complex128            // want "FLOW045 .*Number .*complex128: complex numbers cannot be saved"
	Ptr     uintptr               // want "FLOW045 .*Ptr .*uintptr"
	Pairs   []Pair[string, Model] // want "FLOW070 .*Pairs .*Model keeps its state"
	Good    []Pair[string, float64]
	Saved   Saved
	Tagged  Tagged
	Embeds  Embeds
	When    time.Time
	Big     *big.Int
	Float   *big.Float
	Addr    netip.Addr
	Re      *regexp.Regexp
	Raw     json.RawMessage
	Took    time.Duration
}

func (f *Lossy) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Lossy) End(c *flow.Context) {}

// A and B refer to each other; B's state is hidden through A.
type A struct {
	B *B
	x int
}

// B is reported alone too, whatever was checked first.
type B struct{ A *A }

// Cycles has the two, in both orders.
type Cycles struct {
	A A // want "FLOW070 .*field A .*A keeps its state in unexported fields \\(x\\)"
	B B // want "FLOW070 .*field B .*A keeps its state in unexported fields \\(x\\)"
}

func (f *Cycles) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Cycles) End(c *flow.Context) {}
