// Package flowgen generates large, valid flows for benchmarks and tests of
// the front end.
//
// Generate returns the gofmt'ed source of one flow of about the requested
// number of steps (exactly that many for three or more), built from the
// shapes a real flow mixes: linear chains, static branches of two to four
// arms closed by a join, foreach over a []string artifact (nested at times)
// whose first step reads flow.Input[string] and which a join closes,
// conditional steps whose two Goto targets meet again at an ordinary step,
// and conditional self-loops. A few steps carry //flow:retry, resources,
// timeout or catch directives; the flow has parameters and a //flow:project
// directive. The same name, size and seed always give the same bytes.
//
// Every generated flow is valid by construction: each split is closed by
// exactly one join whose inputs are exactly that split's branches, no
// conditional step leads straight into a join, and the source builds with
// go build against package flow.
//
// The command in cmd/flowgen writes a generated flow to a directory, for
// timing `flowc check` (see scripts/bench-check.sh).
package flowgen
