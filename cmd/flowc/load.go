package main

import (
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/project"
	"github.com/flowc-dev/flowc/project/token"
)

// frontFlags are the flags of every command that loads a flow.
type frontFlags struct {
	flow         string
	configs      []string
	configValues []string // NAME=JSON (main turns --config-value NAME JSON into that)
	with         []string
	// branch and production choose the project branch (docs/projects.md).
	branch     string
	production bool
	token      string // --production-token, of deploy
}

func (ff *frontFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&ff.flow, "flow", "", "the flow to use, where the package holds several")
	c.Flags().StringArrayVar(&ff.configs, "config", nil, "read config `NAME=PATH` from PATH instead of its default file (repeatable)")
	ff.registerRun(c.Flags())
	ff.registerProject(c.Flags())
}

// registerProject adds --branch and --production, which choose the branch
// of a flow's //flow:project.
func (ff *frontFlags) registerProject(fs *pflag.FlagSet) {
	fs.StringVar(&ff.branch, "branch", "", "the project branch (//flow:project): test.NAME, or prod.NAME with --production (default: user.USERNAME)")
	fs.BoolVar(&ff.production, "production", false, "use the project's production branch, prod (//flow:project)")
}

// registerToken adds deploy's --production-token.
func (ff *frontFlags) registerToken(fs *pflag.FlagSet) {
	fs.StringVar(&ff.token, "production-token", "", "the production token of the deployment this production deploy replaces, when another user made it (also FLOWC_PRODUCTION_TOKEN)")
}

// productionToken is --production-token, else FLOWC_PRODUCTION_TOKEN.
func (ff *frontFlags) productionToken() string {
	if ff.token != "" {
		return ff.token
	}
	return os.Getenv(project.TokenEnv)
}

// tokenNote tells the user about the production token a deploy made and
// stored.
func tokenNote(w io.Writer, name string, d token.Decision) {
	if d.New {
		fmt.Fprintf(w, "production token of %s: %s\n(another user who deploys this production branch needs it: --production-token or FLOWC_PRODUCTION_TOKEN)\n", name, d.Token)
	}
}

// project resolves the flow's project branch from the directive, the
// flags and the user (docs/projects.md); nil for a flow without
// //flow:project.
func (ff *frontFlags) project(f *ir.Flow) (*project.Info, error) {
	info, err := project.Resolve(f, ff.branch, ff.production, username())
	if err != nil {
		return nil, usageError{err}
	}
	return info, nil
}

// forTarget is f with its project branch resolved, the flow a target
// compiles and whose deployed names a command looks up.
func (ff *frontFlags) forTarget(f *ir.Flow) (*ir.Flow, error) {
	info, err := ff.project(f)
	if err != nil {
		return nil, err
	}
	return project.Apply(f, info), nil
}

// username is the user flowc runs as (project.Username).
func username() string {
	return project.Username(func() string {
		if u, err := user.Current(); err == nil {
			return u.Username
		}
		return ""
	})
}

// registerRun adds the flags that change what a run does: --config-value
// and --with.
func (ff *frontFlags) registerRun(fs *pflag.FlagSet) {
	fs.StringArrayVar(&ff.configValues, "config-value", nil, "give config NAME the value JSON instead of a file: `NAME JSON` (repeatable)")
	fs.StringArrayVar(&ff.with, "with", nil, "add step directive `DIRECTIVE[:attr=value,...]` to every step without one of its kind (repeatable)")
}

// options turns the flags into parser options.
func (ff *frontFlags) options() (parser.Options, error) {
	opts := parser.Options{Configs: map[string]string{}}
	for _, c := range ff.configs {
		name, path, ok := strings.Cut(c, "=")
		if !ok || name == "" || path == "" {
			return opts, usagef("--config %q: want NAME=PATH", c)
		}
		if _, dup := opts.Configs[name]; dup {
			return opts, usagef("--config %s is given twice", name)
		}
		opts.Configs[name] = path
	}
	for _, c := range ff.configValues {
		name, value, ok := strings.Cut(c, "=")
		if !ok || name == "" {
			return opts, usagef("--config-value %q: want NAME JSON", c)
		}
		if _, dup := opts.Configs[name]; dup {
			return opts, usagef("config %s is given by both --config and --config-value", name)
		}
		if _, dup := opts.ConfigValues[name]; dup {
			return opts, usagef("--config-value %s is given twice", name)
		}
		if opts.ConfigValues == nil {
			opts.ConfigValues = map[string]string{}
		}
		opts.ConfigValues[name] = value
	}
	opts.With = ff.with
	return opts, nil
}

// load parses and checks the package named by args, prints any
// diagnostics to stderr, and returns the package.
func (ff *frontFlags) load(args []string, stderr io.Writer) (*parser.Package, error) {
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, usagef("%s is not a package directory", dir)
	}
	opts, err := ff.options()
	if err != nil {
		return nil, err
	}
	pkg, diags := check.Load(dir, opts)
	if len(diags) > 0 {
		cwd, _ := os.Getwd()
		for _, d := range diags.Relative(cwd) {
			fmt.Fprintln(stderr, d.Error())
		}
		return nil, errReported
	}
	return pkg, nil
}

// loadFlow loads the package and selects one flow.
func (ff *frontFlags) loadFlow(args []string, stderr io.Writer) (*ir.Flow, string, error) {
	pkg, err := ff.load(args, stderr)
	if err != nil {
		return nil, "", err
	}
	f, err := check.Select(pkg, ff.flow)
	if err != nil {
		return nil, "", usageError{err}
	}
	return f, pkg.Dir, nil
}
