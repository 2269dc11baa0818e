// Command flowgen writes a generated flow to DIR/flow.go, for timing
// `flowc check` on flows of any size:
//
//	go run ./internal/flowgen/cmd/flowgen -steps 1000 -o DIR
//
// The directory is created if needed. The file is a package of its own; it
// needs no go.mod to be checked.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/flowc-dev/flowc/internal/flowgen"
)

func main() {
	steps := flag.Int("steps", 1000, "number of steps, Start and End included")
	seed := flag.Uint64("seed", 1, "random seed; the same seed gives the same flow")
	name := flag.String("name", "Generated", "the flow's type name, an exported Go identifier")
	out := flag.String("o", "", "directory to write flow.go into (required)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 || *steps < 2 {
		fmt.Fprintln(os.Stderr, "usage: flowgen [-steps N>=2] [-seed S] [-name Name] -o DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "flowgen:", err)
		os.Exit(1)
	}
	path := filepath.Join(*out, "flow.go")
	if err := os.WriteFile(path, flowgen.Generate(*name, *steps, *seed), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "flowgen:", err)
		os.Exit(1)
	}
}
