// Package conditional shows a conditional step: a step whose return
// statements name different Goto targets, of which exactly one runs,
// chosen by the data.
//
//	                     ┌─▶ Advanced ───┐
//	Start ─▶ Assess ─────┼─▶ Standard ───┼─▶ Finalize ─▶ End
//	                     └─▶ CleanFirst ─┘
//
// Assess scores the quality of a batch of readings and goes to one of three
// processing steps. The three meet again at Finalize, an ordinary step, not
// a join: only one of them ran, so Finalize sees that one's artifacts and
// takes no Inputs. A conditional step's targets must not go straight into a
// join; an ordinary step like Finalize is where they converge.
//
// This is Metaflow's ConditionalBranchingFlow, written as Go if statements
// instead of self.next({...}, condition="...").
package conditional
