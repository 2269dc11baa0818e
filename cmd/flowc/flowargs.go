package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

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
// the help instead: the command's flags and the flow's parameters.
//
// Only the second pass knows which flags take a value, so only it decides
// whether -h was asked for: in `--msg -h` or `--d -1h` the -h is a
// parameter's value. Where the first pass misread a parameter's value as
// the package (`--dry ./pkg` for a flag it does not know), the second
// pass's package wins and the flow is loaded again.
func flowArgs(cmd *cobra.Command, args []string, register func(fs *pflag.FlagSet) *frontFlags, params func(fs *pflag.FlagSet, f *ir.Flow) error) (f *ir.Flow, dir string, fs *pflag.FlagSet, err error) {
	pre := pflag.NewFlagSet(cmd.CommandPath(), pflag.ContinueOnError)
	pre.ParseErrorsAllowlist.UnknownFlags = true
	pre.SetOutput(discard{})
	ff := register(pre)
	help := pre.BoolP("help", "h", false, "")
	if err := pre.Parse(args); err != nil {
		return nil, "", nil, usageError{err}
	}
	pkgArgs := pre.Args()
	for range 2 {
		if len(pkgArgs) > 1 {
			what := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
			return nil, "", nil, usagef("%s takes one package directory, got %v", what, pkgArgs)
		}
		// Asked for help, the user wants no diagnostics of the package in
		// the working directory, which may not be a flow's at all.
		stderr := cmd.ErrOrStderr()
		if *help {
			stderr = io.Discard
		}
		f, dir, err = ff.loadFlow(pkgArgs, stderr)
		if err != nil {
			if *help { // no flow to describe: the command's own flags
				return nil, "", nil, flowHelp(cmd, register, nil)
			}
			return nil, "", nil, err
		}
		fs = pflag.NewFlagSet(cmd.CommandPath(), pflag.ContinueOnError)
		fs.SetOutput(discard{})
		ff = register(fs)
		wantHelp := fs.BoolP("help", "h", false, "show this help, with the flow's parameters")
		if err := params(fs, f); err != nil {
			return nil, "", nil, err
		}
		if err := fs.Parse(args); err != nil {
			return nil, "", nil, usageError{paramHint(err, f)}
		}
		if *wantHelp {
			return nil, "", nil, flowHelp(cmd, register, f)
		}
		if slices.Equal(fs.Args(), pkgArgs) {
			return f, dir, fs, nil
		}
		pkgArgs = fs.Args()
	}
	return nil, "", nil, usagef("cannot tell the package from the parameters in %q", strings.Join(args, " "))
}

// flowHelp prints the help of a command that takes a flow's parameters: its
// description, its own flags, and the parameters of f when it is known,
// each with its type, default and help text.
func flowHelp(cmd *cobra.Command, register func(fs *pflag.FlagSet) *frontFlags, f *ir.Flow) error {
	w := cmd.OutOrStdout()
	if long := strings.TrimSpace(cmd.Long); long != "" {
		fmt.Fprintf(w, "%s\n\n", long)
	}
	fmt.Fprintf(w, "Usage:\n  %s\n\nFlags:\n", cmd.UseLine())
	own := pflag.NewFlagSet(cmd.CommandPath(), pflag.ContinueOnError)
	register(own)
	own.BoolP("help", "h", false, "show this help, with the flow's parameters")
	io.WriteString(w, own.FlagUsages())
	if f == nil {
		fmt.Fprintf(w, "\nRun it with a package directory (or in one) to list its flow's parameters.\n")
		return nil
	}
	if len(f.Params) == 0 {
		fmt.Fprintf(w, "\nFlow %s has no parameters.\n", f.Name)
		return nil
	}
	fmt.Fprintf(w, "\nParameters of flow %s (also FLOWC_PARAM_NAME in the environment):\n", f.Name)
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	for _, p := range f.Params {
		help := p.Help
		switch {
		case p.Required:
			help += " (required)"
		case p.Default != nil:
			help += fmt.Sprintf(" (default %s)", defaultShown(p))
		}
		fmt.Fprintf(tw, "      --%s %s\t%s\n", p.Name, p.GoType, strings.TrimSpace(help))
	}
	return tw.Flush()
}

// defaultShown is a parameter's default as the user would type it, quoted
// where it is a string that would not read as one.
func defaultShown(p ir.Param) string {
	d := p.DefaultText()
	var ref ir.IncludedRef
	if p.Type == ir.File && json.Unmarshal(p.Default, &ref) == nil {
		d = ref.Name // the file, relative to the package
	}
	if (p.Type == ir.String) && (d == "" || strings.ContainsAny(d, " \t\"'")) {
		return fmt.Sprintf("%q", d)
	}
	return d
}
