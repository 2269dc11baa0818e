// Package parser reads a Go package directory with go/parser, type-checks
// it with go/types (its imports read from the compiler's export data, see
// importer.go), and turns every flow struct in it into an ir.Flow:
// parameters, configs (read from their TOML files), artifacts, steps with
// their transitions, and the //flow: directives resolved against Metaflow's
// attributes and defaults. Package flow's API is recognised by what the
// names denote, not by how they are written, and what can be an artifact
// is decided from each field's type by the codec's own rules (storable.go).
//
// It reports every mistake it can see in the source as a diagnostic and goes
// on, so one pass shows them all. It does not analyse the graph (package
// check does) and never runs or builds the user's code; it runs `go list`
// to find the export data of the package's imports. The task runner must
// never link it.
package parser
