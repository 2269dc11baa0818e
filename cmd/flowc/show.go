package main

import (
	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/show"
)

func newShow() *cobra.Command {
	var ff frontFlags
	var asJSON, asDot bool
	c := &cobra.Command{
		Use:   "show [PKG]",
		Short: "Print a flow's graph as text, its IR as JSON, or Graphviz",
		Args:  pkgArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON && asDot {
				return usagef("--json and --dot exclude each other")
			}
			f, _, err := ff.loadFlow(args, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			switch {
			case asJSON:
				data, err := ir.Encode(f)
				if err != nil {
					return err
				}
				_, err = w.Write(data)
				return err
			case asDot:
				return show.Dot(w, f)
			}
			return show.Text(w, f)
		},
	}
	ff.register(c)
	c.Flags().BoolVar(&asJSON, "json", false, "print the IR as JSON (the local execution plan)")
	c.Flags().BoolVar(&asDot, "dot", false, "print the graph in Graphviz's dot language")
	return c
}
