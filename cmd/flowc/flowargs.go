package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/ir"
)

// flowArgs parses the command line of a command whose flags include the
// flow's parameters (run, trigger), known only once the flow is. A first
// pass with the command's own flags finds the package and the flow; a
// second parses every flag, with the parameters that params adds. register
// binds the command's own flags to fresh variables at each call and
// returns the frontFlags it bound. It returns a nil flow when it printed
// the help instead.
func flowArgs(cmd *cobra.Command, args []string, register func(fs *pflag.FlagSet) *frontFlags, params func(fs *pflag.FlagSet, f *ir.Flow) error) (f *ir.Flow, dir string, fs *pflag.FlagSet, err error) {
	pre := pflag.NewFlagSet(cmd.CommandPath(), pflag.ContinueOnError)
	pre.ParseErrorsAllowlist.UnknownFlags = true
	pre.SetOutput(discard{})
	ff := register(pre)
	help := pre.BoolP("help", "h", false, "")
	if err := pre.Parse(args); err != nil {
		return nil, "", nil, usageError{err}
	}
	if *help {
		return nil, "", nil, cmd.Help()
	}
	if pre.NArg() > 1 {
		what := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
		return nil, "", nil, usagef("%s takes one package directory, got %v", what, pre.Args())
	}
	f, dir, err = ff.loadFlow(pre.Args(), cmd.ErrOrStderr())
	if err != nil {
		return nil, "", nil, err
	}
	fs = pflag.NewFlagSet(cmd.CommandPath(), pflag.ContinueOnError)
	fs.SetOutput(discard{})
	register(fs)
	if err := params(fs, f); err != nil {
		return nil, "", nil, err
	}
	if err := fs.Parse(args); err != nil {
		return nil, "", nil, usageError{paramHint(err, f)}
	}
	return f, dir, fs, nil
}
