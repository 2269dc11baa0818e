package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/internal/atomicfile"
)

func newCompile() *cobra.Command {
	var ff frontFlags
	var target, out string
	var opts backends.Options
	var pf packageFlags
	var pkgFirst bool
	c := &cobra.Command{
		Use:   "compile [PKG] --target TARGET [-o PATH]",
		Short: "Compile a flow for a target",
		Long: `Compile checks a flow and emits what its target runs. --target local emits
the local execution plan, a versioned JSON document. With -o, a target that
emits one file writes it to PATH, and one that emits several writes them into
the directory PATH; without -o the files go to standard output.`,
		Args: pkgArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := backends.Lookup(target)
			if err != nil {
				return usageError{err}
			}
			if oc, ok := t.(backends.OptionChecker); ok {
				if err := oc.CheckOptions(opts); err != nil {
					return usageError{err}
				}
			}
			f, dir, err := ff.loadFlow(args, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			o := opts
			o.Dir = dir
			if pkgFirst {
				if err := packageFirst(cmd, &pf, f, dir, &o); err != nil {
					return err
				}
			}
			files, diags, err := t.Compile(f, o)
			if err != nil {
				return fmt.Errorf("compile %s for %s: %w", f.Name, target, err)
			}
			if len(diags) > 0 {
				cwd, _ := os.Getwd()
				for _, d := range diags.Relative(cwd) {
					fmt.Fprintln(cmd.ErrOrStderr(), d.Error())
				}
				return errReported
			}
			return writeFiles(cmd, files, out)
		},
	}
	ff.register(c)
	c.Flags().StringVar(&target, "target", "local", "the target: "+fmt.Sprint(backends.Names()))
	c.Flags().StringVarP(&out, "output", "o", "", "write to this file (one file) or directory (several)")
	registerTargetFlags(c, &opts)
	registerPackageFlag(c, &pf, &pkgFirst)
	return c
}

// registerTargetFlags adds the settings of the remote targets (see
// backends.Options) to compile and deploy.
func registerTargetFlags(c *cobra.Command, o *backends.Options) {
	fs := c.Flags()
	fs.StringVar(&o.Image, "image", "", "argo, step-functions: the container image holding the task runner")
	fs.StringVar(&o.DatastoreRoot, "datastore-root", "", "argo, step-functions: the datastore the tasks use (s3://bucket/prefix)")
	fs.StringVar(&o.Namespace, "namespace", "", "argo: the Kubernetes namespace")
	fs.IntVar(&o.MaxWorkers, "max-workers", 0, "argo: the most tasks running at once (parallelism); 0 for no limit")
	fs.StringVar(&o.JobQueue, "job-queue", "", "step-functions: the AWS Batch job queue")
	fs.StringVar(&o.Role, "role", "", "step-functions: the IAM role ARN the Batch jobs run as")
}

// writeFiles writes the compiled files to standard output, a file, or a
// directory.
func writeFiles(cmd *cobra.Command, files []backends.File, out string) error {
	switch {
	case out == "":
		for _, f := range files {
			if _, err := cmd.OutOrStdout().Write(f.Data); err != nil {
				return err
			}
		}
		return nil
	case len(files) == 1 && !strings.HasSuffix(out, "/"):
		if st, err := os.Stat(out); err == nil && st.IsDir() {
			out = filepath.Join(out, files[0].Name)
		}
		return atomicfile.Write(out, files[0].Data)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := atomicfile.Write(filepath.Join(out, f.Name), f.Data); err != nil {
			return err
		}
	}
	return nil
}
