// Package check validates a parsed flow's graph and fills in its analysis:
// Metaflow's lint rules (start and end, reachability, cycles other than a
// conditional step's self-loop, split and join balance, joins of unrelated
// splits, conditionals that lead straight into a join, empty foreach) and
// the Go ones that need the whole graph (flow.Input's type against the
// foreach around the step). It also drives the front end: Load parses a
// package and checks every flow in it.
//
// It reads and annotates ir.Flow values and reports diagnostics; it never
// emits anything for a target.
package check
