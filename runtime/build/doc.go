// Package build turns a user's flow package into its task runner: it
// generates a small main package that dispatches each step by name to the
// flow's method (generated code, no reflection on names), and builds it with
// go build into one binary, cached by a content hash of the module's sources,
// flowc's version and the Go toolchain.
//
// The generated main lives in a cache directory, never in the user's tree:
// go build's -overlay places it, virtually, in a directory beside the flow's
// package so that it builds inside the user's module. This package never
// runs the runner; package exec does.
package build
