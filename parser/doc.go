// Package parser reads a Go package directory with go/parser and turns every
// flow struct in it into an ir.Flow: parameters, configs (read from their TOML
// files), artifacts, steps with their transitions, and the //flow: directives
// resolved against Metaflow's attributes and defaults.
//
// It reports every mistake it can see in the source as a diagnostic and goes
// on, so one pass shows them all. It does not analyse the graph (package
// check does) and never runs or builds the user's code.
package parser
