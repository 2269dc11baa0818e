package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// runFlags are run's own flags; the flow's parameters are added per flow.
type runFlags struct {
	front        frontFlags
	store        storeFlags
	maxWorkers   int
	maxNumSplits int
	maxLogSize   int
	tags         []string
	runIDFile    string
	pkgArg       string // the package as the user wrote it, for hints
	secrets      secretsFlag
	included     [][]byte // the content of the flow.IncludedFile parameters, to store
	noCache      bool
	tasksPer     int
}

func (rf *runFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&rf.front.flow, "flow", "", "the flow to run, where the package holds several")
	fs.StringArrayVar(&rf.front.configs, "config", nil, "read config `NAME=PATH` from PATH instead of its default file (repeatable)")
	rf.front.registerRun(fs)
	rf.front.registerProject(fs)
	rf.store.register(fs)
	fs.IntVar(&rf.maxWorkers, "max-workers", 16, "run at most this many tasks at once")
	fs.IntVar(&rf.maxNumSplits, "max-num-splits", 100, "fail a foreach that starts more tasks than this")
	fs.IntVar(&rf.maxLogSize, "max-log-size", 10, "keep at most this many MiB of each task's stdout and stderr")
	fs.StringArrayVar(&rf.tags, "tag", nil, "tag the run (repeatable)")
	fs.StringVar(&rf.runIDFile, "run-id-file", "", "write the run id to this file as soon as it is known")
	rf.secrets.register(fs)
	fs.BoolVar(&rf.noCache, "no-cache", false, "run every task of a //flow:cache step instead of reusing an earlier result")
	fs.IntVar(&rf.tasksPer, "tasks-per-runner", 1, "let a runner process run up to this many tasks one after another (faster for many small tasks; the tasks then share a process: see docs/running.md)")
}

func newRun() *cobra.Command {
	c := &cobra.Command{
		Use:   "run [PKG] [--PARAM value ...]",
		Short: "Run a flow on this machine",
		Long: `Run builds the flow's task runner and runs every task on this machine, many
at once, with artifacts saved in the local datastore (.flowc by default).
The flow's parameters are flags: --NAME value, or the environment variable
FLOWC_PARAM_NAME (upper case, - as _). Exit status 0 when the run succeeds,
1 when it fails, 2 on a usage error.`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCmd(cmd, args)
		},
	}
	return c
}

func runCmd(cmd *cobra.Command, args []string) error {
	var rf runFlags
	values := map[string]*string{}
	f, dir, fs, err := flowArgs(cmd, args, func(fs *pflag.FlagSet) *frontFlags {
		rf = runFlags{}
		rf.register(fs)
		return &rf.front
	}, func(fs *pflag.FlagSet, f *ir.Flow) error {
		for _, p := range f.Params {
			help := p.Help
			if p.Required {
				help += " (required)"
			}
			values[p.Field] = fs.String(p.Name, p.DefaultText(), strings.TrimSpace(help))
		}
		return nil
	})
	if err != nil || f == nil {
		return err
	}
	params, err := paramValues(f, fs, values)
	if err != nil {
		return err
	}
	if rf.included, err = includedFiles(f, dir, params); err != nil {
		return err
	}
	if fs.NArg() == 1 {
		rf.pkgArg = fs.Arg(0)
	}
	return executeWith(cmd, f, dir, &rf, params, nil)
}

// paramValues parses each parameter given as a flag or in the environment.
func paramValues(f *ir.Flow, fs *pflag.FlagSet, values map[string]*string) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, p := range f.Params {
		raw, given := *values[p.Field], fs.Changed(p.Name)
		env := "FLOWC_PARAM_" + strings.ToUpper(strings.ReplaceAll(p.Name, "-", "_"))
		if !given {
			if v, ok := os.LookupEnv(env); ok {
				raw, given = v, true
			}
		}
		if !given {
			if p.Required {
				return nil, usagef("parameter --%s is required (or set %s)", p.Name, env)
			}
			continue
		}
		if p.Type == ir.File { // a path: includedFiles reads it
			out[p.Field], _ = json.Marshal(raw)
			continue
		}
		v, err := ir.ParseValue(p.Type, p.Separator, raw)
		if err != nil {
			return nil, usagef("--%s: %v", p.Name, err)
		}
		out[p.Field] = v
	}
	return out, nil
}

// executeWith runs (or resumes) the flow and reports how it ended.
func executeWith(cmd *cobra.Command, f *ir.Flow, dir string, rf *runFlags, params map[string]json.RawMessage, resume *exec.Resume) error {
	if rf.maxWorkers < 1 || rf.maxNumSplits < 1 || rf.maxLogSize < 1 || rf.tasksPer < 1 {
		return usagef("--max-workers, --max-num-splits, --max-log-size and --tasks-per-runner must be at least 1")
	}
	for _, t := range rf.tags {
		if err := datastore.CheckTag(t); err != nil {
			return usagef("--tag: %v", err)
		}
	}
	root, err := rf.store.resolve()
	if err != nil {
		return err
	}
	if err := storeIncluded(context.Background(), root, rf.included); err != nil {
		return err
	}
	proj, err := rf.front.project(f)
	if err != nil {
		return err
	}
	ctx, stop := exec.NotifyContext(context.Background()) // Ctrl-C, SIGTERM, SIGHUP
	defer stop()
	provider, err := rf.secrets.provider(ctx, f)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	prog := newProgress(out, f)
	// The run's time counts from its start, once the runner is built.
	start := time.Now()
	bopts := buildOptions()
	bopts.Progress = prog.Build
	res, err := exec.Run(ctx, exec.Options{
		Plan: f, PkgDir: dir, Root: root, Params: params, MaxWorkers: rf.maxWorkers,
		MaxNumSplits: rf.maxNumSplits, MaxLogSize: rf.maxLogSize << 20, Tags: rf.tags, With: rf.front.with, Out: prog, Observer: prog,
		User: username(), Project: proj, Secrets: provider, NoCache: rf.noCache, TasksPerRunner: rf.tasksPer,
		Build: bopts, Resume: resume, OnStart: func(runID string) error {
			start = time.Now()
			if rf.runIDFile == "" {
				return nil
			}
			return os.WriteFile(rf.runIDFile, []byte(runID), 0o644)
		},
	})
	prog.Close()
	if pe := (*exec.ParamError)(nil); errors.As(err, &pe) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	took := time.Since(start).Round(time.Millisecond)
	if res.Status == datastore.RunSucceeded {
		fmt.Fprintf(out, "Run %s/%s succeeded in %s (%d tasks", f.Name, res.RunID, took, res.Tasks)
		if res.Cloned > 0 {
			fmt.Fprintf(out, ", %d cloned", res.Cloned)
		}
		if res.Cached > 0 {
			fmt.Fprintf(out, ", %d cached", res.Cached)
		}
		fmt.Fprintln(out, ").")
		return nil
	}
	w := cmd.ErrOrStderr()
	fmt.Fprintf(w, "Run %s/%s failed after %s.\n", f.Name, res.RunID, took)
	if res.Failed != "" {
		fmt.Fprintf(w, "  task:  %s\n  error: %v\n  log:   flowc logs %s --stderr\n", res.Failed, res.Err, res.Failed)
	} else if res.Err != nil {
		fmt.Fprintf(w, "  error: %v\n", res.Err)
	}
	pkg := ""
	if rf.pkgArg != "" {
		pkg = rf.pkgArg + " "
	}
	fmt.Fprintf(w, "Resume it with: flowc resume %s--origin-run-id %s\n", pkg, res.RunID)
	if resume != nil {
		fmt.Fprintf(w, "(a plain flowc resume resumes %s/%s, the latest run, again)\n", f.Name, resume.OriginRunID)
	}
	return errReported
}

func buildOptions() exec.BuildOptions {
	return exec.BuildOptions{Version: versionString()}
}

// paramHint adds the flow's parameters to an unknown-flag error.
func paramHint(err error, f *ir.Flow) error {
	if !strings.Contains(err.Error(), "unknown flag") {
		return err
	}
	var names []string
	for _, p := range f.Params {
		names = append(names, "--"+p.Name)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return fmt.Errorf("%w; flow %s has no parameters", err, f.Name)
	}
	bad := strings.TrimSpace(strings.TrimPrefix(err.Error(), "unknown flag:"))
	return fmt.Errorf("%w%s; flow %s's parameters are %s", err, parser.DidYouMean(bad, names), f.Name, strings.Join(names, ", "))
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

var _ = errors.New
