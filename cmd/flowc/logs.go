package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/client"
)

func newLogs() *cobra.Command {
	var sf storeFlags
	var nf nsFlags
	var stdout, stderr bool
	var attempt int
	c := &cobra.Command{
		Use:   "logs PATHSPEC",
		Short: "Print what a task wrote to stdout and stderr",
		Long: `Logs prints the output of the task Flow/Run/Step/Task, or of every task of
the step Flow/Run/Step: both streams unless --stdout or --stderr picks one,
of the task's latest attempt unless --attempt picks another. When more than
one log has something to print, each starts with a line
"==> PATHSPEC attempt N STREAM <=="; empty logs are left out.`,
		Args: onePathspec("logs"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := pathspecArg("logs", args[0], 3, 4, "Flow/Run/Step or Flow/Run/Step/Task")
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("attempt") && attempt < 0 {
				return usagef("--attempt %d: attempts count from 0", attempt)
			}
			if !cmd.Flags().Changed("attempt") {
				attempt = -1
			}
			streams := []client.Stream{client.Stdout, client.Stderr}
			if stdout != stderr {
				streams = streams[:1]
				if stderr {
					streams[0] = client.Stderr
				}
			}
			tasks, err := sf.tasks(p, &nf)
			if err != nil {
				return err
			}
			return printLogs(cmd.OutOrStdout(), cmd.ErrOrStderr(), p.String(), tasks, streams, attempt)
		},
	}
	sf.register(c.Flags())
	nf.register(c.Flags(), "find Flow/latest")
	c.Flags().BoolVar(&stdout, "stdout", false, "print only the standard output")
	c.Flags().BoolVar(&stderr, "stderr", false, "print only the standard error")
	c.Flags().IntVar(&attempt, "attempt", 0, "print the logs of attempt `N` (from 0) instead of the latest")
	return c
}

// printLogs prints each task's logs, each with a header line when there
// is more than one that is not empty; when all are empty, it says so on
// stderr.
func printLogs(w, stderr io.Writer, pathspec string, tasks []*client.Task, streams []client.Stream, attempt int) error {
	type block struct{ header, text string }
	var blocks []block
	for _, t := range tasks {
		n := attempt
		if n < 0 {
			n = t.Attempt()
		}
		for _, s := range streams {
			text, err := t.Logs(s, n)
			if err != nil {
				return err
			}
			if text != "" && !strings.HasSuffix(text, "\n") {
				text += "\n"
			}
			if text != "" {
				blocks = append(blocks, block{fmt.Sprintf("==> %s attempt %d %s <==\n", t.Pathspec(), n, s), text})
			}
		}
	}
	if len(blocks) == 0 {
		fmt.Fprintf(stderr, "The logs of %s are empty.\n", pathspec)
		// A retried task's latest attempt may have printed nothing where an
		// earlier one, the one that failed, did.
		if attempt < 0 && len(tasks) == 1 && tasks[0].Attempt() > 0 {
			fmt.Fprintf(stderr, "It ran %d attempts; see an earlier one with --attempt N (0 to %d).\n", tasks[0].Attempt()+1, tasks[0].Attempt()-1)
		}
	}
	for _, b := range blocks {
		if len(blocks) > 1 {
			io.WriteString(w, b.header)
		}
		if _, err := io.WriteString(w, b.text); err != nil {
			return err
		}
	}
	return nil
}
