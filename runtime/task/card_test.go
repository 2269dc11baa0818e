//go:build !flowc_nocards

package task

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// testCards returns a cardRun over a new datastore whose artifact values
// come from values.
func testCards(t *testing.T, cards []ir.Card, values func(kinds ...FieldKind) []namedValue) (*cardRun, *datastore.Store) {
	t.Helper()
	st, err := datastore.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := &store{s: st, flow: "F", run: "1"}
	c := &cardRun{cards: cards, set: flow.NewCardSet(), r: cardHost{store: s, path: s.path("S", "0"), step: "S", values: values}}
	return c, st
}

func cardPage(t *testing.T, st *datastore.Store, ci datastore.CardInfo) string {
	t.Helper()
	b, err := st.GetCard(context.Background(), datastore.TaskPath{Flow: "F", Run: "1", Step: "S", Task: "0"}, ci)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func finishedAttempt() *datastore.Attempt {
	now := time.Now()
	return &datastore.Attempt{Attempt: 0, Start: now, End: now, Status: datastore.AttemptOK}
}

// TestCardFailureBecomesErrorCard: a card whose rendering panics is stored
// as an error card; with save_errors=false nothing is stored. Neither
// fails anything.
func TestCardFailureBecomesErrorCard(t *testing.T) {
	cards := []ir.Card{{Type: "default", Timeout: 5, SaveErrors: true}, {Type: "blank", ID: "quiet", Timeout: 5}}
	c, st := testCards(t, cards, func(...FieldKind) []namedValue { panic("preview exploded") })
	c.finish(context.Background(), finishedAttempt(), map[string]datastore.Artifact{"X": {}})
	page := cardPage(t, st, datastore.CardInfo{Type: "default"})
	if !strings.Contains(page, "the card could not be rendered: panic: preview exploded") {
		t.Errorf("error card:\n%s", page)
	}
	all, _ := st.ListCards(context.Background(), c.r.path)
	if len(all) != 1 {
		t.Errorf("cards stored: %v, want only the error card (save_errors=false stores none)", all)
	}
}

// TestCardTimeout: a card that takes longer than its timeout is replaced
// by an error card saying so.
func TestCardTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	c, st := testCards(t, []ir.Card{{Type: "default", Timeout: 1, SaveErrors: true}}, func(...FieldKind) []namedValue {
		<-release
		return nil
	})
	c.finish(context.Background(), finishedAttempt(), map[string]datastore.Artifact{})
	if page := cardPage(t, st, datastore.CardInfo{Type: "default"}); !strings.Contains(page, "timed out after 1s") {
		t.Errorf("timed-out card:\n%s", page)
	}
}

// TestCardDefaultTarget: flow.Context.Card appends to the card without an
// id, or to the only card; CardID to the card with that id.
func TestCardDefaultTarget(t *testing.T) {
	none := func(...FieldKind) []namedValue { return nil }
	c, st := testCards(t, []ir.Card{{Type: "blank", ID: "only", Timeout: 5, SaveErrors: true}}, none)
	fc := flow.NewContext(nil, flow.TaskInfo{Cards: c.set})
	fc.Card().Markdown("to the default")
	fc.CardID("only").Markdown("by id")
	c.finish(context.Background(), finishedAttempt(), nil)
	page := cardPage(t, st, datastore.CardInfo{Type: "blank", ID: "only"})
	if !strings.Contains(page, "to the default") || !strings.Contains(page, "by id") {
		t.Errorf("only card:\n%s", page)
	}

	c, st = testCards(t, []ir.Card{{Type: "blank", Timeout: 5}, {Type: "blank", ID: "b", Timeout: 5}}, none)
	fc = flow.NewContext(nil, flow.TaskInfo{Cards: c.set})
	fc.Card().Markdown("to the default")
	c.finish(context.Background(), finishedAttempt(), nil)
	if page := cardPage(t, st, datastore.CardInfo{Type: "blank", ID: "b"}); strings.Contains(page, "to the default") {
		t.Error("the card with an id got the default card's components")
	}
}

// TestCardLive: while the step runs, a changed card is rendered again
// (running, reloading itself), and stopping waits for the render.
func TestCardLive(t *testing.T) {
	c, st := testCards(t, []ir.Card{{Type: "default", Timeout: 5, RefreshInterval: 1, SaveErrors: true}}, func(...FieldKind) []namedValue { return nil })
	c.running = datastore.Attempt{Start: time.Now(), Status: datastore.AttemptRunning}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.wg.Add(1)
	p := flow.NewContext(nil, flow.TaskInfo{Cards: c.set}).Card().Progress("work", 4)
	p.Update(1)
	go c.live(ctx, time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := st.GetCard(context.Background(), c.r.path, datastore.CardInfo{Type: "default"})
		if err == nil && strings.Contains(string(b), "work: 1 / 4") {
			if !strings.Contains(string(b), `http-equiv="refresh"`) || !strings.Contains(string(b), `status running`) {
				t.Errorf("live card:\n%s", b)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no live card with the progress: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.Update(3)
	for {
		b, _ := st.GetCard(context.Background(), c.r.path, datastore.CardInfo{Type: "default"})
		if strings.Contains(string(b), "work: 3 / 4") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the live card did not follow the progress")
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.finish(context.Background(), finishedAttempt(), nil)
	if page := cardPage(t, st, datastore.CardInfo{Type: "default"}); strings.Contains(page, `http-equiv="refresh"`) {
		t.Error("the final card still reloads itself")
	}
}
