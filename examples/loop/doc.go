// Package loop shows a conditional self-loop: a step that goes back to
// itself until its work has converged, then moves on.
//
//	Start ─▶ Refine ─▶ Report ─▶ End
//	          ▲   │
//	          └───┘ while not converged
//
// Refine runs one step of Newton's method for the square root of Number.
// Its returns name two Goto targets, itself and Report, which makes it a
// conditional step; naming itself makes it a loop. Each pass is a new task
// that sees the artifacts of the one before, so Iteration counts the passes
// and History keeps every estimate. MaxIterations bounds the loop whatever
// the data.
//
// This is Metaflow's recursive switch:
// self.next({"loop": self.refine, "done": self.report}, condition="state").
package loop
