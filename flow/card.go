package flow

import (
	"bytes"
	"fmt"
	"reflect"
	"sync"
)

// Card is an HTML report of the task that a step adds to while it runs:
// text, tables, images, charts and progress bars, shown after the task's
// metadata, parameters and artifacts by a step with //flow:card. Get one
// with [Context.Card] (the step's default card) or [Context.CardID]. Its
// methods return the Card, so calls chain, and are safe to call from
// several goroutines. A step without //flow:card may call them too: what it
// appends is kept nowhere.
type Card struct {
	set *CardSet
	id  string
}

// CardKind says what a [CardComponent] shows.
type CardKind string

// The component kinds.
const (
	CardMarkdown  CardKind = "markdown"
	CardTable     CardKind = "table"
	CardImage     CardKind = "image"
	CardLineChart CardKind = "line"
	CardBarChart  CardKind = "bar"
	CardProgress  CardKind = "progress"
	// CardError is a component the step tried to append and could not:
	// Text says why (a table of the wrong type, an image of an unknown
	// format). It is shown, and never fails the task.
	CardError CardKind = "error"
)

// CardComponent is one thing appended to a card. The card renderer reads
// it; a step builds it through [Card]'s methods.
type CardComponent struct {
	Kind CardKind
	// Text is the Markdown source, or the title, label or error message.
	Text string
	// Headers and Rows are a table's cells, as text.
	Headers []string
	Rows    [][]string
	// Image holds an image's bytes and MIME is its type: image/png,
	// image/jpeg, image/gif or image/svg+xml.
	Image []byte
	MIME  string
	// Series are a line chart's lines.
	Series []Series
	// Labels and Values are a bar chart's bars.
	Labels []string
	Values []float64
	// Value and Max are a progress bar's state; Unit follows the value.
	Value, Max float64
	Unit       string
}

// Series is one line of a line chart: points (X[i], Y[i]).
type Series struct {
	Name string
	X, Y []float64
}

// CardSet holds what a task's steps appended to each of its cards, by card
// id ("" is the default card). flowc's runtime makes one per task and
// renders from it; [NewContext] makes one when TaskInfo.Cards is nil.
type CardSet struct {
	mu      sync.Mutex
	comps   map[string][]*CardComponent
	version uint64
}

// NewCardSet returns an empty CardSet.
func NewCardSet() *CardSet { return &CardSet{comps: map[string][]*CardComponent{}} }

// Components returns a copy of what was appended to card id, in order.
func (s *CardSet) Components(id string) []CardComponent {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CardComponent, len(s.comps[id]))
	for i, c := range s.comps[id] {
		out[i] = *c
	}
	return out
}

// Version counts the changes to the set: the runtime re-renders a card
// while the task runs only when it has changed.
func (s *CardSet) Version() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}

func (s *CardSet) change(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
	s.version++
}

// Card returns the step's default card: the card of its //flow:card
// without an id, or its only card.
func (c *Context) Card() *Card { return &Card{set: c.cards, id: ""} }

// CardID returns the card of the step's //flow:card with id=ID.
func (c *Context) CardID(id string) *Card { return &Card{set: c.cards, id: id} }

func (k *Card) add(comp *CardComponent) *Card {
	k.set.change(func() { k.set.comps[k.id] = append(k.set.comps[k.id], comp) })
	return k
}

// Markdown appends text in Markdown (CommonMark with tables). Raw HTML in
// it is not rendered.
func (k *Card) Markdown(text string) *Card {
	return k.add(&CardComponent{Kind: CardMarkdown, Text: text})
}

// Table appends a table. data is a [][]any (or any slice of slices: each
// inner slice a row, each element shown with fmt.Sprint) or a slice of
// structs or struct pointers (a row per element, a column per exported
// field, headed by the field's name). headers, when given, head the
// columns instead. Any other data appends an error component in its place.
func (k *Card) Table(data any, headers ...string) *Card {
	comp, err := table(data, headers)
	if err != nil {
		return k.add(&CardComponent{Kind: CardError, Text: "Table: " + err.Error()})
	}
	return k.add(comp)
}

func table(data any, headers []string) (*CardComponent, error) {
	v := reflect.ValueOf(data)
	if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
		return nil, fmt.Errorf("data is a %T, want [][]any or a slice of structs", data)
	}
	comp := &CardComponent{Kind: CardTable, Headers: headers}
	elem := v.Type().Elem()
	for elem.Kind() == reflect.Pointer {
		elem = elem.Elem()
	}
	switch elem.Kind() {
	case reflect.Struct:
		var fields []int
		for i := range elem.NumField() {
			if f := elem.Field(i); f.IsExported() {
				fields = append(fields, i)
				if len(headers) == 0 {
					comp.Headers = append(comp.Headers, f.Name)
				}
			}
		}
		for i := range v.Len() {
			row := reflect.Indirect(v.Index(i))
			cells := make([]string, len(fields))
			for j, f := range fields {
				if row.IsValid() {
					cells[j] = fmt.Sprint(row.Field(f).Interface())
				}
			}
			comp.Rows = append(comp.Rows, cells)
		}
	case reflect.Slice, reflect.Array, reflect.Interface:
		for i := range v.Len() {
			row := v.Index(i)
			if row.Kind() == reflect.Interface {
				row = row.Elem()
			}
			if row.Kind() != reflect.Slice && row.Kind() != reflect.Array {
				return nil, fmt.Errorf("row %d is a %s, want a slice", i, row.Kind())
			}
			cells := make([]string, row.Len())
			for j := range row.Len() {
				cells[j] = fmt.Sprint(row.Index(j).Interface())
			}
			comp.Rows = append(comp.Rows, cells)
		}
	default:
		return nil, fmt.Errorf("data is a %T, want [][]any or a slice of structs", data)
	}
	return comp, nil
}

// Image appends an image: PNG, JPEG, GIF or SVG bytes, with a label under
// it. The card embeds it (a data: URI), so the report stays one file.
// Bytes of another format append an error component in its place.
func (k *Card) Image(data []byte, label string) *Card {
	mime := imageType(data)
	if mime == "" {
		return k.add(&CardComponent{Kind: CardError, Text: fmt.Sprintf("Image %q: not PNG, JPEG, GIF or SVG", label)})
	}
	return k.add(&CardComponent{Kind: CardImage, Text: label, Image: bytes.Clone(data), MIME: mime})
}

func imageType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "image/gif"
	}
	head := b[:min(len(b), 1024)]
	if t := bytes.TrimSpace(head); (bytes.HasPrefix(t, []byte("<?xml")) || bytes.HasPrefix(t, []byte("<svg"))) && bytes.Contains(head, []byte("<svg")) {
		return "image/svg+xml"
	}
	return ""
}

// LineChart appends a line chart of the series, drawn when the card is
// rendered (as SVG in the page; nothing is fetched to view it).
func (k *Card) LineChart(title string, series ...Series) *Card {
	s := make([]Series, len(series))
	for i, x := range series {
		s[i] = Series{Name: x.Name, X: append([]float64(nil), x.X...), Y: append([]float64(nil), x.Y...)}
		if len(x.X) != len(x.Y) {
			return k.add(&CardComponent{Kind: CardError, Text: fmt.Sprintf("LineChart %q: series %q has %d X and %d Y values", title, x.Name, len(x.X), len(x.Y))})
		}
	}
	return k.add(&CardComponent{Kind: CardLineChart, Text: title, Series: s})
}

// BarChart appends a bar chart: one bar per label, values[i] high.
func (k *Card) BarChart(title string, labels []string, values []float64) *Card {
	if len(labels) != len(values) {
		return k.add(&CardComponent{Kind: CardError, Text: fmt.Sprintf("BarChart %q: %d labels and %d values", title, len(labels), len(values))})
	}
	return k.add(&CardComponent{Kind: CardBarChart, Text: title, Labels: append([]string(nil), labels...), Values: append([]float64(nil), values...)})
}

// Progress appends a progress bar from 0 to max and returns it, to be
// updated as the work goes on. While the task runs, flowc re-renders the
// card every refresh_interval seconds (of the //flow:card directive) when
// something changed, so a viewer sees the bar move.
func (k *Card) Progress(label string, max float64) *Progress {
	comp := &CardComponent{Kind: CardProgress, Text: label, Max: max}
	k.add(comp)
	return &Progress{set: k.set, comp: comp}
}

// Clear removes everything appended to the card.
func (k *Card) Clear() *Card {
	k.set.change(func() { delete(k.set.comps, k.id) })
	return k
}

// Progress is a progress bar on a card.
type Progress struct {
	set  *CardSet
	comp *CardComponent
}

// Update sets the bar's value, clamped to [0, max].
func (p *Progress) Update(v float64) {
	p.set.change(func() { p.comp.Value = min(max(v, 0), p.comp.Max) })
}

// SetUnit sets the text shown after the value ("rows", "%").
func (p *Progress) SetUnit(unit string) {
	p.set.change(func() { p.comp.Unit = unit })
}
