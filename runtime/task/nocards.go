//go:build flowc_nocards

package task

import (
	"context"
	"fmt"
	"os"

	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// A runner built with the flowc_nocards tag (runtime/build builds one for a
// flow with no //flow:card) links no card rendering: no goldmark, no
// html/template, whose package initialisation would cost every task a few
// milliseconds. A step's flow.Context.Cards is then nil, on which appending
// does nothing.

// cardRun stands for card.go's card maker; it is always nil here.
type cardRun struct{}

// startCards says, for a step with //flow:card, that this runner cannot
// render its cards (runtime/build never builds it so for such a flow).
func (r *runner[F]) startCards(context.Context, *datastore.Attempt, *F) *cardRun {
	if len(r.st.Decorators.Cards) > 0 {
		fmt.Fprintf(os.Stderr, "flowc runner: step %s has //flow:card but this runner was built without card rendering; rebuild it with flowc\n", r.st.Name)
	}
	return nil
}

func (c *cardRun) Set() *flow.CardSet                                                        { return nil }
func (c *cardRun) stop()                                                                     {}
func (c *cardRun) finish(context.Context, *datastore.Attempt, map[string]datastore.Artifact) {}
