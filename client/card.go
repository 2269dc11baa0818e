package client

import (
	"fmt"
	"time"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// CardInfo names one card of a task: the attempt that made it, its type
// (default or blank) and its id ("" for a card without one).
type CardInfo = datastore.CardInfo

// Cards returns the cards of the attempt the Task shows, by type and id.
// A task whose step has no //flow:card has none. A task a resume cloned
// shows the cards of the task it was cloned from.
func (t *Task) Cards() ([]CardInfo, error) {
	c := t.step.run.c
	p := t.cardPath()
	all, err := c.store.ListCards(c.ctx, p)
	if err != nil {
		return nil, fmt.Errorf("cards of task %s: %w", t.Pathspec(), err)
	}
	var out []CardInfo
	for _, ci := range all {
		if ci.Attempt == t.att.Attempt {
			out = append(out, ci)
		}
	}
	return out, nil
}

// cardPath is where the task's cards are: its own folder, or for a
// cloned task the folder of its origin.
func (t *Task) cardPath() datastore.TaskPath {
	if t.att.Origin != "" {
		if from, err := datastore.ParseTaskPath(t.att.Origin); err == nil {
			return from
		}
	}
	return t.path()
}

// Card returns the HTML of the task's card with id ("" for the card
// without an id) from the attempt the Task shows.
func (t *Task) Card(id string) ([]byte, CardInfo, error) {
	cards, err := t.Cards()
	if err != nil {
		return nil, CardInfo{}, err
	}
	var ids []string
	for _, ci := range cards {
		if ci.ID == id {
			c := t.step.run.c
			b, err := c.store.GetCard(c.ctx, t.cardPath(), ci)
			if err != nil {
				return nil, ci, fmt.Errorf("card %s of task %s: %w", ci.Name(), t.Pathspec(), err)
			}
			return b, ci, nil
		}
		name := ci.Type
		if ci.ID != "" {
			name += " id=" + ci.ID
		}
		ids = append(ids, name)
	}
	if len(cards) == 0 {
		return nil, CardInfo{}, notFoundf("task %s has no cards (attempt %d)", t.Pathspec(), t.att.Attempt)
	}
	return nil, CardInfo{}, notFoundf("task %s has no card with id %q (its cards: %s)", t.Pathspec(), id, list(ids))
}

// Start returns when the attempt the Task shows started.
func (t *Task) Start() time.Time { return t.att.Start }

// End returns when the attempt the Task shows ended, the zero time while
// it runs.
func (t *Task) End() time.Time { return t.att.End }
