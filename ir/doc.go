// Package ir is flowc's typed, backend-neutral representation of a flow: its
// parameters, configs, artifacts, steps with their kinds and successors,
// resolved directives, and the analysed graph (topological order, the join
// that closes each split, the foreach nesting of each step).
//
// The parser builds an ir.Flow, the checker fills its Graph, and every
// backend reads it. ir serialises to a versioned JSON document, the local
// execution plan, and back. It imports nothing of flowc's and knows nothing
// of Go syntax or of any target.
package ir
