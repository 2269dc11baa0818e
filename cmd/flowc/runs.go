package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/client"
)

func newRuns() *cobra.Command {
	var sf storeFlags
	var nf nsFlags
	var all bool
	var proj, branch string
	c := &cobra.Command{
		Use:   "runs [FLOW]",
		Short: "List the runs in the datastore, newest first",
		Long: `Runs lists the runs of FLOW, or of every flow, newest first: the run's
pathspec (Flow/Run, for flowc dump and flowc logs), status, start time,
duration and user tags, and for runs of a //flow:project their project and
branch. It shows the runs in your namespace (those you started, tagged
user:NAME); --namespace NS shows those tagged NS, --all-namespaces (or
--all) every user's. --project and --branch keep the runs of one project
and branch (a branch as runs record it: user.NAME, test.NAME, prod).`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("runs takes at most one flow name, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := sf.open()
			if err != nil {
				return err
			}
			nf.all = nf.all || all
			if c, err = nf.apply(c); err != nil {
				return err
			}
			if branch != "" && proj == "" {
				return usagef("--branch needs --project: a branch belongs to a project")
			}
			c = c.Project(proj, branch)
			return inspectErr(listRuns(cmd.OutOrStdout(), cmd.ErrOrStderr(), c, args))
		},
	}
	sf.register(c.Flags())
	nf.register(c.Flags(), "list the runs")
	c.Flags().BoolVar(&all, "all", false, "list every user's runs, not only yours (--all-namespaces)")
	c.Flags().StringVar(&proj, "project", "", "list only the runs of this //flow:project")
	c.Flags().StringVar(&branch, "branch", "", "with --project, only the runs on this branch (user.NAME, test.NAME, prod, prod.NAME)")
	return c
}

func listRuns(stdout, stderr io.Writer, c *client.Client, args []string) error {
	var flows []*client.Flow
	if len(args) == 1 {
		p, err := pathspecArg("runs", args[0], 1, 1, "a flow name")
		if err != nil {
			return err
		}
		flows = append(flows, c.Flow(p.Flow))
	} else {
		var err error
		if flows, err = c.Flows(); err != nil {
			return err
		}
	}
	var runs []*client.Run
	for _, f := range flows {
		rs, err := f.Runs()
		if err != nil {
			return err
		}
		runs = append(runs, rs...)
	}
	if len(runs) == 0 {
		return noRuns(stderr, c, flows, len(args) == 1)
	}
	slices.SortStableFunc(runs, func(a, b *client.Run) int {
		if c := b.Start().Compare(a.Start()); c != 0 {
			return c
		}
		return strings.Compare(a.Pathspec(), b.Pathspec())
	})
	// Runs of a project show its project and branch; the columns are
	// there only when one of the runs has a project.
	projects := slices.ContainsFunc(runs, func(r *client.Run) bool { p, _ := r.Project(); return p != "" })
	head := []string{"RUN", "STATUS", "START", "DURATION"}
	if projects {
		head = append(head, "PROJECT", "BRANCH")
	}
	rows := [][]string{append(head, "TAGS")}
	for _, r := range runs {
		took := "-"
		if r.Finished() {
			took = formatDuration(r.Duration())
		}
		row := []string{r.Pathspec(), r.StatusText(), r.Start().Local().Format(time.DateTime), took}
		if projects {
			p, b := r.Project()
			row = append(row, orDash(p), orDash(b))
		}
		rows = append(rows, append(row, runTags(r)))
	}
	return writeTable(stdout, rows)
}

// writeTable prints rows as aligned columns, two spaces apart, without
// trailing blanks.
func writeTable(out io.Writer, rows [][]string) error {
	var buf bytes.Buffer
	w := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	for _, row := range rows {
		fmt.Fprintln(w, strings.Join(row, "\t"))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for line := range strings.Lines(buf.String()) {
		if _, err := fmt.Fprintln(out, strings.TrimRight(line, " \n")); err != nil {
			return err
		}
	}
	return nil
}

// noRuns explains an empty listing: a flow that does not exist is an
// error; no runs in the namespace is not.
func noRuns(stderr io.Writer, c *client.Client, flows []*client.Flow, named bool) error {
	if named {
		if _, err := flows[0].LatestRun(); err != nil {
			if _, gerr := c.Namespace(client.Global).Flow(flows[0].Name()).LatestRun(); gerr != nil {
				return gerr
			}
			fmt.Fprintf(stderr, "%v\n(flowc runs --all-namespaces lists every user's runs)\n", err)
		}
		return nil
	}
	fmt.Fprintf(stderr, "No runs in namespace %s.", c.CurrentNamespace())
	if c.CurrentNamespace() != client.Global {
		fmt.Fprint(stderr, " flowc runs --all-namespaces lists every user's runs.")
	}
	fmt.Fprintln(stderr)
	return nil
}

// formatDuration rounds d for a table: milliseconds under a minute,
// seconds above.
func formatDuration(d time.Duration) string {
	if d < time.Minute {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

// runTags is the TAGS column: the user tags, then the run's --with flags.
func runTags(r *client.Run) string {
	tags := strings.Join(r.Tags(), ",")
	for _, w := range r.With() {
		tags = strings.TrimSpace(tags + " --with " + w)
	}
	return tags
}
