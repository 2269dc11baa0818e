// Command flowc compiles workflows written in Go: it checks a flow, shows
// its graph, and compiles it for a target. Each subcommand lives in a file
// of its own; this file wires them up and turns errors into exit codes.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	_ "github.com/flowc-dev/flowc/backends/argo"
	_ "github.com/flowc-dev/flowc/backends/local"
	_ "github.com/flowc-dev/flowc/backends/stepfunctions"
	_ "time/tzdata" // schedules name IANA zones; do not depend on the host's zoneinfo
)

// Exit codes.
const (
	exitOK    = 0
	exitDiags = 1 // the flow has mistakes, or a command failed
	exitUsage = 2 // the command line is wrong
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// usageError marks a mistake on the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// reported marks an error whose details were already printed.
var errReported = errors.New("reported")

// run executes flowc with args and returns its exit code. A panic is a bug
// in flowc: it is reported in one line, without a stack trace, and exits 1;
// FLOWC_TRACEBACK=1 shows the stack for a bug report.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			if os.Getenv("FLOWC_TRACEBACK") != "" {
				panic(r)
			}
			fmt.Fprintf(stderr, "flowc: internal error: %v\n(this is a bug in flowc; rerun with FLOWC_TRACEBACK=1 and report it)\n", r)
			code = exitDiags
		}
	}()
	root := newRoot(stdout, stderr)
	root.SetArgs(joinConfigValues(args))
	err := root.Execute()
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errReported):
		return exitDiags
	}
	var ue usageError
	if errors.As(err, &ue) || cobraUsage(err) {
		fmt.Fprintf(stderr, "flowc: %v\nRun 'flowc help' for usage.\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "flowc: %v\n", err)
	return exitDiags
}

// cobraUsage reports the command-line mistakes cobra finds itself and
// returns untyped: an unknown command, or arguments to a command that takes
// none ("unknown command "x" for "flowc version"").
func cobraUsage(err error) bool { return strings.HasPrefix(err.Error(), "unknown command ") }

// newRoot builds the command tree.
func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "flowc",
		Short: "flowc compiles workflows written in Go",
		Long: `flowc compiles workflows written in plain Go: a struct whose methods are
steps. It checks a flow, shows its graph, and compiles it for a target.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newInit(), newCheck(), newShow(), newCompile(), newRun(), newResume(), newRuns(), newDump(), newLogs(), newTag(), newCard(), newGC(), newUI(), newDeploy(), newTrigger(), newPackage(), newVersion())
	root.AddCommand(newArgo())
	root.AddCommand(newStepFunctions())
	for _, c := range root.Commands() {
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	}
	return root
}

// pkgArgs accepts at most one package directory.
func pkgArgs(_ *cobra.Command, args []string) error {
	if len(args) > 1 {
		return usagef("takes one package directory, got %d arguments", len(args))
	}
	return nil
}

// joinConfigValues turns each `--config-value NAME JSON`, a flag with two
// values as in Metaflow, into `--config-value=NAME=JSON`, the one value the
// flag parser takes; `--config-value NAME=JSON` is left as it is. Arguments
// after "--" are not flags.
func joinConfigValues(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if a == "--config-value" && i+2 < len(args) && !strings.Contains(args[i+1], "=") && !strings.HasPrefix(args[i+1], "-") {
			out = append(out, "--config-value="+args[i+1]+"="+args[i+2])
			i += 2
			continue
		}
		out = append(out, a)
	}
	return out
}
