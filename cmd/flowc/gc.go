package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

func newGC() *cobra.Command {
	var sf storeFlags
	c := &cobra.Command{
		Use:   "gc",
		Short: "Remove what killed writers left in the local datastore",
		Long: `Gc removes the temporary files that writers killed in the middle of a write
(flowc run killed with SIGKILL, a machine crash) left in the local datastore:
files named .<name>.tmp-<pid>-<n>, never listed or read, of processes that no
longer run on this machine, or older than a day. It deletes no run and no
artifact. flowc resume also removes those of the run it resumes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := sf.resolve()
			if err != nil {
				return err
			}
			if datastore.IsRemote(root) {
				return usagef("gc: %s: an object store keeps no temporary files (an upload is atomic, a failed one aborted)", root)
			}
			l, err := datastore.NewLocal(root)
			if err != nil {
				return err
			}
			n, size, err := l.RemoveTemp(context.Background(), "")
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "removed %d temporary files (%d bytes)\n", n, size)
			return nil
		},
	}
	sf.register(c.Flags())
	return c
}
