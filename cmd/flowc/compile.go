package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/internal/atomicfile"
	"github.com/flowc-dev/flowc/ir"
)

func newCompile() *cobra.Command {
	var ff frontFlags
	var tf targetFlags
	var target, out string
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
			f, o, err := tf.load(cmd, t, &ff, args)
			if err != nil {
				return err
			}
			files, err := compileFor(cmd.ErrOrStderr(), t, f, o)
			if err != nil {
				return err
			}
			return writeFiles(cmd, files, out)
		},
	}
	ff.register(c)
	c.Flags().StringVar(&target, "target", "local", "the target: "+fmt.Sprint(backends.Names()))
	c.Flags().StringVarP(&out, "output", "o", "", "write to this file (one file) or directory (several)")
	tf.register(c)
	return c
}

// targetFlags are the settings of compile and deploy: the remote targets'
// options and --package.
type targetFlags struct {
	opts     backends.Options
	pf       packageFlags
	pkgFirst bool
}

func (tf *targetFlags) register(c *cobra.Command) {
	registerTargetFlags(c, &tf.opts)
	registerPackageFlag(c, &tf.pf, &tf.pkgFirst)
}

// load checks the options target t needs, loads the flow, and with
// --package pushes its runner image first: the flow and the options to
// compile it with.
func (tf *targetFlags) load(cmd *cobra.Command, t backends.Target, ff *frontFlags, args []string) (*ir.Flow, backends.Options, error) {
	o := tf.opts
	if oc, ok := t.(backends.OptionChecker); ok {
		if err := oc.CheckOptions(o); err != nil {
			return nil, o, usageError{err}
		}
	}
	f, dir, err := ff.loadFlow(args, cmd.ErrOrStderr())
	if err != nil {
		return nil, o, err
	}
	o.Dir = dir
	if tf.pkgFirst {
		if err := packageFirst(cmd, &tf.pf, f, dir, &o); err != nil {
			return nil, o, err
		}
	}
	return f, o, nil
}

// compileFor compiles f for t; the target's diagnostics go to stderr,
// relative to the working directory.
func compileFor(stderr io.Writer, t backends.Target, f *ir.Flow, o backends.Options) ([]backends.File, error) {
	files, diags, err := t.Compile(f, o)
	if err != nil {
		return nil, fmt.Errorf("compile %s for %s: %w", f.Name, t.Name(), err)
	}
	if err := reportDiags(stderr, diags); err != nil {
		return nil, err
	}
	return files, nil
}

// reportDiags prints diagnostics relative to the working directory and
// returns errReported when there are any.
func reportDiags(w io.Writer, diags diag.List) error {
	if len(diags) == 0 {
		return nil
	}
	cwd, _ := os.Getwd()
	for _, d := range diags.Relative(cwd) {
		fmt.Fprintln(w, d.Error())
	}
	return errReported
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
