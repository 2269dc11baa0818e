//go:build !flowc_nocards

package task

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/card"
	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/codec"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// cardRun makes the cards of one task: a live render while the step runs
// (at most every refresh_interval seconds, and only when the step changed
// a card), and the final one when the attempt ends. A card that fails to
// render or times out is replaced by an error card; it never fails the
// task. A nil *cardRun, for a step without //flow:card, does nothing.
type cardRun struct {
	r     cardHost
	cards []ir.Card
	set   *flow.CardSet
	plan  *ir.Flow // the whole flow, for the graph; nil when unreadable
	// params holds the previews of the parameters and configs, taken
	// before the step runs: a live render must not read the flow's fields
	// while the step writes them.
	params []card.Value
	// running is the attempt as it started; the final render gets the
	// attempt as it ended.
	running datastore.Attempt

	stopOnce sync.Once
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// cardHost is what a cardRun needs of the runner, whose type parameter it
// does not carry.
type cardHost struct {
	store  *store
	path   datastore.TaskPath
	step   string
	values func(kinds ...FieldKind) []namedValue // the flow's fields, by kind; called only while the step is not running
}

type namedValue struct {
	name  string
	value any
}

// startCards starts the cards of the step, if it has any, and their live
// rendering.
func (r *runner[F]) startCards(ctx context.Context, att *datastore.Attempt, f *F) *cardRun {
	cards := r.st.Decorators.Cards
	if len(cards) == 0 {
		return nil
	}
	c := &cardRun{cards: cards, set: flow.NewCardSet(), running: *att, r: cardHost{
		store: r.store, path: r.store.path(r.args.step, r.args.taskID), step: r.st.Name,
		values: func(kinds ...FieldKind) []namedValue { return fieldValues(r.fl, f, kinds) },
	}}
	if plan, err := runPlan(ctx, r.fl, r.store); err == nil { // the plan compiled into the runner, else the run's
		c.plan = plan
	}
	maxPreview := card.MaxPreview
	if n, err := strconv.Atoi(cards[0].Options["max_artifact_size"]); err == nil && n > 0 {
		maxPreview = n
	}
	for _, v := range c.r.values(Param, Config) {
		c.params = append(c.params, card.Value{Name: v.name, Type: fmt.Sprintf("%T", v.value), Preview: codec.Preview(v.value, maxPreview)})
	}
	interval := time.Duration(cards[0].RefreshInterval) * time.Second
	for _, k := range cards[1:] {
		interval = min(interval, time.Duration(k.RefreshInterval)*time.Second)
	}
	lctx, cancel := context.WithCancel(ctx)
	c.cancel = cancel
	c.wg.Add(1)
	go c.live(lctx, max(interval, time.Second))
	return c
}

// fieldValues returns the values of f's fields of the given kinds, in the
// flow's field order.
func fieldValues[F any](fl Flow[F], f *F, kinds []FieldKind) []namedValue {
	var out []namedValue
	for _, fd := range fl.Fields {
		for _, k := range kinds {
			if fd.Kind == k {
				out = append(out, namedValue{fd.Name, reflect.ValueOf(fd.Ptr(f)).Elem().Interface()})
			}
		}
	}
	return out
}

// Set returns where the step's cards collect what it appends; nil (a set
// nobody reads) for a step without cards.
func (c *cardRun) Set() *flow.CardSet {
	if c == nil {
		return nil
	}
	return c.set
}

// live renders the cards once at once, then again whenever the step
// changed them, at most every interval, until ctx is cancelled.
func (c *cardRun) live(ctx context.Context, interval time.Duration) {
	defer c.wg.Done()
	seen := ^uint64(0)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if v := c.set.Version(); v != seen {
			seen = v
			c.renderAll(ctx, &c.running, nil, int(interval/time.Second))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// stop ends live rendering and waits for a render in progress.
func (c *cardRun) stop() {
	if c == nil {
		return
	}
	c.stopOnce.Do(func() {
		if c.cancel != nil {
			c.cancel()
		}
		c.wg.Wait()
	})
}

// finish renders the final cards of the attempt, after its artifacts are
// saved and before its final attempt document, so a finished task has its
// cards.
func (c *cardRun) finish(ctx context.Context, att *datastore.Attempt, arts map[string]datastore.Artifact) {
	if c == nil {
		return
	}
	c.stop()
	if arts == nil {
		arts = map[string]datastore.Artifact{}
	}
	c.renderAll(ctx, att, arts, 0)
}

// renderAll renders and stores every card. arts is nil for a live render
// (the artifacts are not saved yet).
func (c *cardRun) renderAll(ctx context.Context, att *datastore.Attempt, arts map[string]datastore.Artifact, refresh int) {
	for i, k := range c.cards {
		info := datastore.CardInfo{Attempt: att.Attempt, Type: k.Type, ID: k.ID}
		page, err := c.renderOne(ctx, i, att, arts, refresh)
		if err != nil {
			if !k.SaveErrors {
				fmt.Fprintf(os.Stderr, "flowc: card %s of %s: %v\n", info.Name(), c.r.path, err)
				continue
			}
			page = card.RenderError(c.task(att), k.ID, err)
		}
		if ctx.Err() != nil && refresh > 0 {
			return // a live render overtaken by the end of the step
		}
		if err := c.r.store.s.PutCard(ctx, c.r.path, info, page); err != nil {
			fmt.Fprintf(os.Stderr, "flowc: store card %s of %s: %v\n", info.Name(), c.r.path, err)
		}
	}
}

func (c *cardRun) task(a *datastore.Attempt) card.Task {
	status := string(a.Status)
	if a.End.IsZero() {
		status = string(datastore.AttemptRunning)
	}
	return card.Task{Pathspec: c.r.path.String(), Step: c.r.step, Attempt: a.Attempt, Start: a.Start, End: a.End, Status: status, Error: a.Error}
}

// errCardTimeout is the failure of a card that took longer than its
// directive's timeout.
var errCardTimeout = errors.New("timed out")

// renderOne renders card i within its timeout, turning a panic into an
// error. A render that times out is left to finish in the background; the
// process ends soon after.
func (c *cardRun) renderOne(ctx context.Context, i int, att *datastore.Attempt, arts map[string]datastore.Artifact, refresh int) ([]byte, error) {
	k := c.cards[i]
	type result struct {
		page []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("panic: %v", p)}
			}
		}()
		d := c.data(i, att, arts)
		d.Refresh = refresh
		page, err := card.Render(d)
		done <- result{page, err}
	}()
	select {
	case res := <-done:
		return res.page, res.err
	case <-time.After(time.Duration(k.Timeout) * time.Second):
		return nil, fmt.Errorf("%w after %ds (the card directive's timeout)", errCardTimeout, k.Timeout)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// data gathers what card i shows.
func (c *cardRun) data(i int, att *datastore.Attempt, arts map[string]datastore.Artifact) card.Data {
	k := c.cards[i]
	maxPreview := card.MaxPreview
	if n, err := strconv.Atoi(k.Options["max_artifact_size"]); err == nil && n > 0 {
		maxPreview = n
	}
	d := card.Data{Type: k.Type, ID: k.ID, Task: c.task(att), Plan: c.plan, Params: c.params, Components: c.components(i)}
	if arts == nil {
		return d
	}
	for _, v := range c.r.values(Artifact) {
		a, ok := arts[v.name]
		if !ok {
			continue // never set
		}
		d.Artifacts = append(d.Artifacts, card.Value{Name: v.name, Type: a.GoType, Size: a.Size, Preview: codec.Preview(v.value, maxPreview)})
	}
	return d
}

// components returns what the step appended to card i: to its id, and,
// for the step's default card (the one without an id, or the only card),
// what went to flow.Context.Card.
func (c *cardRun) components(i int) []flow.CardComponent {
	k := c.cards[i]
	comps := c.set.Components(k.ID)
	if k.ID != "" && c.defaultCard() == i {
		comps = append(c.set.Components(""), comps...)
	}
	return comps
}

// defaultCard returns the index of the card flow.Context.Card appends to.
func (c *cardRun) defaultCard() int {
	for i, k := range c.cards {
		if k.ID == "" {
			return i
		}
	}
	if len(c.cards) == 1 {
		return 0
	}
	return -1
}
