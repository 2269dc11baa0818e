package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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
		Use:   "compile [PKG] --target TARGET [-o PATH] [flags]",
		Short: "Compile a flow for a target",
		Long: `Compile checks a flow and emits what its target runs. --target local emits
the local execution plan, a versioned JSON document. With -o, a target that
emits one file writes it to PATH, and one that emits several writes them into
the directory PATH; without -o the files go to standard output.

Each target takes the flags below and flags of its own:
flowc compile --target TARGET --help lists them.`,
		// The target's flags are known once --target is: RunE parses
		// the command line in two passes.
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := backends.Lookup(targetArg(args))
			if err != nil {
				return usageError{err}
			}
			tf.registerTarget(cmd, t)
			if err := cmd.Flags().Parse(args); err != nil {
				return usageError{err}
			}
			if help, _ := cmd.Flags().GetBool("help"); help {
				return cmd.Help()
			}
			if err := pkgArgs(cmd, cmd.Flags().Args()); err != nil {
				return err
			}
			f, o, err := tf.load(cmd, &ff, cmd.Flags().Args())
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
	tf.registerPackage(c)
	// flowc help compile lists the default target's flags.
	c.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		if tf.opts == nil {
			if t, err := backends.Lookup("local"); err == nil {
				tf.registerTarget(cmd, t)
			}
		}
		if p := cmd.Parent(); p != nil {
			p.HelpFunc()(cmd, args)
		}
	})
	return c
}

// targetArg finds --target in compile's arguments, before its flags are
// known: a first pass that skips every other flag.
func targetArg(args []string) string {
	pre := pflag.NewFlagSet("compile", pflag.ContinueOnError)
	pre.ParseErrorsAllowlist.UnknownFlags = true
	pre.SetOutput(io.Discard)
	target := pre.String("target", "local", "")
	pre.BoolP("help", "h", false, "")
	_ = pre.Parse(args) // the second pass reports the errors
	return *target
}

// targetFlags are the settings of compile and deploy: the target's options
// (the common ones and the target's own) and --package.
type targetFlags struct {
	target   string // the target's name
	opts     backends.Options
	others   map[string][]string // another target's flag: the targets that take it
	pf       packageFlags
	pkgFirst bool
	// deploying is set for deploy (register), which stores the included
	// files' defaults in the target's datastore.
	deploying bool
}

// register adds the options of target t and --package to c: what deploy
// takes.
func (tf *targetFlags) register(c *cobra.Command, t backends.Target) {
	tf.deploying = true
	tf.registerPackage(c)
	tf.registerTarget(c, t)
}

// registerPackage adds --package (with its flags) to c.
func (tf *targetFlags) registerPackage(c *cobra.Command) {
	registerPackageFlag(c, &tf.pf, &tf.pkgFirst)
}

// registerTarget adds the common flags and target t's own to c, and,
// hidden, the other targets' flags, so that one of those is a usage error
// that names its target rather than an unknown flag. It comes after every
// other flag of c.
func (tf *targetFlags) registerTarget(c *cobra.Command, t backends.Target) {
	fs := c.Flags()
	tf.target, tf.opts = t.Name(), t.NewOptions()
	backends.RegisterFlags(fs, tf.opts)
	tf.others = map[string][]string{}
	for _, name := range backends.Names() {
		other, _ := backends.Lookup(name)
		if name == t.Name() {
			continue
		}
		ofs := pflag.NewFlagSet(name, pflag.ContinueOnError)
		other.NewOptions().Flags(ofs)
		ofs.VisitAll(func(f *pflag.Flag) {
			g := fs.Lookup(f.Name)
			if g == nil {
				h := *f
				h.Shorthand, h.Hidden = "", true
				fs.AddFlag(&h)
				g = &h
			}
			if g.Hidden {
				tf.others[f.Name] = append(tf.others[f.Name], name)
			}
		})
	}
}

// load checks the target's options, loads the flow, and with --package
// pushes its runner image first: the flow and the options to compile it
// with.
func (tf *targetFlags) load(cmd *cobra.Command, ff *frontFlags, args []string) (*ir.Flow, backends.Options, error) {
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if ts, ok := tf.others[f.Name]; ok && err == nil {
			err = usagef("--%s is a flag of target %s, not of %s", f.Name, strings.Join(ts, " and "), tf.target)
		}
	})
	if err != nil {
		return nil, nil, err
	}
	o := tf.opts
	if err := o.Check(); err != nil {
		return nil, nil, usageError{err}
	}
	f, dir, err := ff.loadFlow(args, cmd.ErrOrStderr())
	if err != nil {
		return nil, nil, err
	}
	o.Shared().Dir = dir
	if tf.deploying {
		if err := storeDefaults(cmd.Context(), f, dir, o.Shared().DatastoreRoot); err != nil {
			return nil, nil, err
		}
	}
	// The branch is resolved before the image is built, so that a bad
	// --branch stops here, but only the compiled flow holds it: the
	// runner's plan, and so its image, is the same on every branch. The
	// local target's output is that plan (what show --json prints): flowc
	// run resolves the branch when it runs.
	target, err := ff.forTarget(f)
	if err != nil {
		return nil, nil, err
	}
	if tf.target == "local" {
		target = f
	}
	if tf.pkgFirst {
		if err := packageFirst(cmd, &tf.pf, f, dir, o.Shared()); err != nil {
			return nil, nil, err
		}
	}
	return target, o, nil
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
