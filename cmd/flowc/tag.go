package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/client"
)

func newTag() *cobra.Command {
	var sf storeFlags
	c := &cobra.Command{
		Use:   "tag",
		Short: "Add, remove or list a run's tags",
		Long: `Tag changes and lists the user tags of the run Flow/Run. A user tag is
non-empty UTF-8 of at most 500 bytes, and a run has at most 50. The system
tags flowc gives a run (user:NAME, runtime:local) cannot be removed. A tag
is also a namespace: client.Namespace("exp-7") shows the runs tagged exp-7.`,
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown tag command %q; the commands are add, remove and list", args[0])
			}
			return usagef("tag takes a command: add, remove or list")
		},
	}
	sf.register(c.PersistentFlags())
	var hideSystem bool
	list := &cobra.Command{
		Use:   "list Flow/Run",
		Short: "Print a run's tags, one a line: user tags, then system tags",
		Args:  tagArgs(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			run, err := tagRun(&sf, args[0])
			if err != nil {
				return err
			}
			tags := run.Tags()
			if !hideSystem {
				tags = append(tags, run.SystemTags()...)
			}
			for _, t := range tags {
				fmt.Fprintln(cmd.OutOrStdout(), t)
			}
			return nil
		},
	}
	list.Flags().BoolVar(&hideSystem, "hide-system-tags", false, "print only the user tags")
	add := &cobra.Command{
		Use:   "add Flow/Run TAG...",
		Short: "Add user tags to a run",
		Args:  tagArgs(2, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, t := range args[1:] {
				if err := client.CheckTag(t); err != nil {
					return usageError{err}
				}
			}
			run, err := tagRun(&sf, args[0])
			if err != nil {
				return err
			}
			return run.AddTags(args[1:]...)
		},
	}
	remove := &cobra.Command{
		Use:   "remove Flow/Run TAG...",
		Short: "Remove user tags from a run",
		Args:  tagArgs(2, -1),
		RunE: func(cmd *cobra.Command, args []string) error {
			run, err := tagRun(&sf, args[0])
			if err != nil {
				return err
			}
			return run.RemoveTags(args[1:]...)
		},
	}
	c.AddCommand(add, remove, list)
	return c
}

// tagArgs checks the number of arguments of a tag subcommand: at least
// min, at most max (max < 0: no limit).
func tagArgs(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || (max >= 0 && len(args) > max) {
			return usagef("usage: flowc tag %s", cmd.Use)
		}
		return nil
	}
}

// tagRun reads the run a tag subcommand works on.
func tagRun(sf *storeFlags, arg string) (*client.Run, error) {
	p, err := pathspecArg("tag", arg, 2, 2, "a run, Flow/Run")
	if err != nil {
		return nil, err
	}
	c, err := sf.open()
	if err != nil {
		return nil, err
	}
	run, err := c.Flow(p.Flow).Run(p.Run)
	return run, inspectErr(err)
}
