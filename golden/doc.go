// Package golden holds flowc's snapshot tests: every example flow compiled
// for every target and compared with the files in testdata/examples, and
// the bad-flow fixtures in testdata/bad, each line of which that must be
// flagged carries a `// want "CODE regexp"` comment.
//
// Regenerate the snapshots with `go test ./golden -update`; never edit a
// golden file by hand. A golden file that no example produces fails the
// run, so dead snapshots cannot pile up.
package golden
