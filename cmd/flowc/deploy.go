package main

import "github.com/spf13/cobra"

// deployTargets and triggerTargets make the subcommands of flowc deploy and
// flowc trigger, one per remote target; each target's file appends its own
// from an init function.
var deployTargets, triggerTargets []func() *cobra.Command

func newDeploy() *cobra.Command {
	c := &cobra.Command{
		Use:   "deploy TARGET [PKG]",
		Short: "Compile a flow and create or update it on an orchestrator",
		Long: `Deploy compiles a flow for a target and creates or updates what it emits
on the target's service, then prints what it did and the objects' names.`,
	}
	for _, f := range deployTargets {
		c.AddCommand(f())
	}
	return c
}

func newTrigger() *cobra.Command {
	c := &cobra.Command{
		Use:   "trigger TARGET [PKG] [--PARAM value ...]",
		Short: "Start a run of a deployed flow on an orchestrator",
	}
	for _, f := range triggerTargets {
		c.AddCommand(f())
	}
	return c
}
