package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/project"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

func newResume() *cobra.Command {
	var rf runFlags
	var origin string
	c := &cobra.Command{
		Use:   "resume [PKG] [STEP] [--origin-run-id ID]",
		Short: "Run a failed flow again, reusing what already succeeded",
		Long: `Resume starts a new run of the flow that clones, by reference, every task of
the origin run (the latest run by default) that finished, except STEP and the
steps after it, and runs the rest with the origin's parameters. Without STEP
only the tasks that did not finish run again.`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var pkgArgs []string
			step := ""
			for _, a := range args {
				if st, err := os.Stat(a); err == nil && st.IsDir() && len(pkgArgs) == 0 {
					pkgArgs = append(pkgArgs, a)
				} else if step == "" {
					step = a
				} else {
					return usagef("resume takes a package directory and a step, got %v", args)
				}
			}
			if len(pkgArgs) == 1 {
				rf.pkgArg = pkgArgs[0]
			}
			f, dir, err := rf.front.loadFlow(pkgArgs, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if step != "" && f.Step(step) == nil {
				return usagef("flow %s has no step %s%s", f.Name, step, parser.DidYouMean(step, f.Graph.Order))
			}
			latest := origin == ""
			if latest {
				root, err := rf.store.resolve()
				if err != nil {
					return err
				}
				st, err := datastore.Open(context.Background(), root)
				if err != nil {
					return err
				}
				proj, err := rf.front.project(f)
				if err != nil {
					return err
				}
				if origin, err = latestOrigin(context.Background(), st, f.Name, proj); err != nil {
					return usagef("flow %s has no run to resume in %s; name one with --origin-run-id", f.Name, root+branchNote(proj))
				}
			}
			how := ""
			if latest {
				which := "the flow's latest run"
				if proj, _ := rf.front.project(f); proj != nil {
					which = "the latest run" + branchNote(proj)
				}
				how = " (" + which + "; a resumed run never becomes the latest, as in Metaflow)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Resuming %s/%s%s.\n", f.Name, origin, how)
			return executeWith(cmd, f, dir, &rf, nil, &exec.Resume{OriginRunID: origin, Step: step})
		},
	}
	rf.register(c.Flags())
	c.Flags().StringVar(&origin, "origin-run-id", "", "the run to resume (default: the flow's latest run)")
	return c
}

// latestOrigin is the run a plain flowc resume resumes: the flow's latest
// run, and for a flow in a project the newest run on the same project
// branch that is not itself a resume, so that resuming on one branch never
// picks up another branch's run.
func latestOrigin(ctx context.Context, st *datastore.Store, flow string, proj *project.Info) (string, error) {
	if proj == nil {
		return st.LatestRun(ctx, flow)
	}
	runs, err := client.New(st).Namespace(client.Global).Flow(flow).Runs(proj.Tags()[:2]...)
	if err != nil {
		return "", err
	}
	for _, r := range runs {
		if r.OriginRunID() == "" {
			return r.ID(), nil
		}
	}
	return "", datastore.ErrNotFound
}

// branchNote names the project branch in a message, "" without one.
func branchNote(proj *project.Info) string {
	if proj == nil {
		return ""
	}
	return " on branch " + proj.Branch + " of project " + proj.Name
}
