package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/backends/stepfunctions/deploy"
	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// newStepFunctions is `flowc step-functions`: the commands that operate
// flows deployed on Step Functions.
func newStepFunctions() *cobra.Command {
	c := &cobra.Command{
		Use:   "step-functions",
		Short: "Operate flows deployed on AWS Step Functions: list, status, logs, terminate, delete",
		Long: `These commands read and change what flowc deploy step-functions made: the
state machines tagged flowc:flow, their executions (an execution's name is
its run id), and the runs they record in the datastore (the root the flow's
job definitions use, unless --datastore-root names another). --aws-region
and --aws-endpoint-url choose where the calls go.`,
	}
	c.AddCommand(newSFNList(), newSFNStatus(), newSFNLogs(), newSFNTerminate(), newSFNDelete())
	return c
}

// sfnOp holds the flags every step-functions command takes.
type sfnOp struct {
	af      awsFlags
	machine string
	root    string
}

func (o *sfnOp) register(c *cobra.Command, run bool) {
	o.af.register(c.Flags())
	if run {
		c.Flags().StringVar(&o.machine, "machine", "", "the state machine whose execution RUN is (default: the one flowc deployed that has it)")
		c.Flags().StringVar(&o.root, "datastore-root", "", "the datastore the run is recorded in (default: the one the flow's job definitions use)")
	}
}

func (o *sfnOp) clients(ctx context.Context) (*deploy.Clients, error) {
	cfg, err := o.af.config(ctx)
	if err != nil {
		return nil, err
	}
	return deploy.NewClients(cfg), nil
}

// execution finds the execution of run.
func (o *sfnOp) execution(ctx context.Context, run string) (*deploy.Clients, deploy.Flow, deploy.Execution, error) {
	cl, err := o.clients(ctx)
	if err != nil {
		return nil, deploy.Flow{}, deploy.Execution{}, err
	}
	f, e, err := cl.Execution(ctx, o.machine, run)
	return cl, f, e, err
}

// store opens the datastore of flow f's runs.
func (o *sfnOp) store(ctx context.Context, cl *deploy.Clients, f deploy.Flow) (*client.Client, string, error) {
	if f.Flow == "" {
		return nil, "", fmt.Errorf("state machine %s has no tag flowc:flow-name (deployed by an older flowc): deploy it again", f.Machine)
	}
	root := o.root
	if root == "" {
		var err error
		if root, err = cl.DatastoreRoot(ctx, f); err != nil {
			return nil, "", err
		}
	}
	c, err := client.Open(root)
	if err != nil {
		return nil, "", err
	}
	return c.Namespace(client.Global), root, nil
}

// utc formats a time for the commands' output.
func utc(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.DateTime) + " UTC"
}

func newSFNList() *cobra.Command {
	var o sfnOp
	var n int
	c := &cobra.Command{
		Use:   "list",
		Short: "List the flows deployed on Step Functions and their latest executions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n < 0 {
				return usagef("--executions %d: want 0 or more", n)
			}
			cl, err := o.clients(cmd.Context())
			if err != nil {
				return err
			}
			flows, err := cl.Flows(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(flows) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "No flow deployed by flowc here (flowc deploy step-functions deploys one).")
				return nil
			}
			for _, f := range flows {
				name := f.Flow
				if name == "" {
					name = "?"
				}
				fmt.Fprintf(out, "%s (flow %s, deployed %s)\n", f.Machine, name, utc(f.Created))
				if n == 0 {
					continue
				}
				execs, err := cl.Executions(cmd.Context(), f, n)
				if err != nil {
					return err
				}
				if len(execs) == 0 {
					fmt.Fprintln(out, "  no execution")
					continue
				}
				rows := [][]string{{"  RUN", "STATUS", "STARTED", "STOPPED"}}
				for _, e := range execs {
					rows = append(rows, []string{"  " + e.Name, e.Status, utc(e.Start), utc(e.Stop)})
				}
				if err := writeTable(out, rows); err != nil {
					return err
				}
			}
			return nil
		},
	}
	o.register(c, false)
	c.Flags().IntVar(&n, "executions", 5, "list at most `N` latest executions of each flow (0: none)")
	return c
}

func newSFNStatus() *cobra.Command {
	var o sfnOp
	c := &cobra.Command{
		Use:   "status RUN",
		Short: "Show an execution's status, and its run's tasks from the datastore",
		Long: `Status shows the execution named RUN (its status, start, stop, and the
error it ended with) and the run it records in the datastore: the run's
status and every task's. A run that the datastore does not hold yet (its
first job has not started) is said to be so.`,
		Args: exactArgs(1, "RUN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			cl, f, e, err := o.execution(ctx, args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "execution %s of %s: %s\n  started %s, stopped %s\n  %s\n", e.Name, f.Machine, e.Status, utc(e.Start), utc(e.Stop), e.ARN)
			if e.Error != "" || e.Cause != "" {
				fmt.Fprintf(out, "  error %s: %s\n", e.Error, e.Cause)
			}
			c, root, err := o.store(ctx, cl, f)
			if err != nil {
				return err
			}
			run, err := c.Flow(f.Flow).Run(e.Name)
			if errors.Is(err, client.ErrNotFound) {
				fmt.Fprintf(out, "run %s/%s: not in the datastore %s (yet)\n", f.Flow, e.Name, root)
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "run %s: %s (datastore %s)\n", run.Pathspec(), run.StatusText(), root)
			steps, err := run.Steps()
			if err != nil {
				return err
			}
			rows := [][]string{{"  TASK", "STATUS", "ATTEMPT"}}
			for _, s := range steps {
				tasks, err := s.Tasks()
				if err != nil {
					return err
				}
				for _, t := range tasks {
					rows = append(rows, []string{"  " + s.Name() + "/" + t.ID(), string(t.Status()), strconv.Itoa(t.Attempt())})
				}
			}
			return writeTable(out, rows)
		},
	}
	o.register(c, true)
	return c
}

func newSFNLogs() *cobra.Command {
	var o sfnOp
	var cloudwatch bool
	c := &cobra.Command{
		Use:   "logs RUN[/STEP[/TASK]]",
		Short: "Print what a run's tasks wrote, from the datastore or CloudWatch Logs",
		Long: `Logs prints the output of the tasks of the execution RUN: every task, the
tasks of STEP, or the task STEP/TASK, as flowc logs does, from the
datastore (the runner keeps each task's output there). For a task the
datastore has no output of (its process died before it wrote it), and with
--cloudwatch for every task, it prints the Batch job's CloudWatch Logs
stream when the execution's history names the job (a Distributed Map's
items run in child executions, whose jobs it does not list), and says so
when it knows none.`,
		Args: exactArgs(1, "RUN[/STEP[/TASK]]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			parts := strings.Split(args[0], "/")
			if len(parts) > 3 || slices.Contains(parts, "") {
				return usagef("logs takes RUN, RUN/STEP or RUN/STEP/TASK, got %q", args[0])
			}
			parts = append(parts, "", "")
			runID, step, task := parts[0], parts[1], parts[2]
			ctx := cmd.Context()
			cl, f, e, err := o.execution(ctx, runID)
			if err != nil {
				return err
			}
			out, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			missing := true // the datastore has nothing to print
			if !cloudwatch {
				missing, err = datastoreLogs(ctx, &o, cl, f, e, step, task, out, stderr)
				if err != nil {
					return err
				}
				if !missing {
					return nil
				}
				fmt.Fprintf(stderr, "The datastore has no output of %s; looking for its Batch jobs' CloudWatch Logs streams.\n", args[0])
			}
			return cloudWatchLogs(ctx, cl, f, e, step, task, out, stderr)
		},
	}
	o.register(c, true)
	c.Flags().BoolVar(&cloudwatch, "cloudwatch", false, "read the Batch jobs' CloudWatch Logs streams instead of the datastore")
	return c
}

// datastoreLogs prints the tasks' logs from the datastore; missing says it
// had nothing to print (no such task there, or only empty logs).
func datastoreLogs(ctx context.Context, o *sfnOp, cl *deploy.Clients, f deploy.Flow, e deploy.Execution, step, task string, out, stderr io.Writer) (missing bool, err error) {
	c, _, err := o.store(ctx, cl, f)
	if err != nil {
		return false, err
	}
	run, err := c.Flow(f.Flow).Run(e.Name)
	if errors.Is(err, client.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	var tasks []*client.Task
	switch {
	case step == "":
		steps, err := run.Steps()
		if err != nil {
			return false, err
		}
		for _, s := range steps {
			ts, err := s.Tasks()
			if err != nil {
				return false, err
			}
			tasks = append(tasks, ts...)
		}
	case task == "":
		tasks, err = run.Step(step).Tasks()
	default:
		var t *client.Task
		if t, err = run.Step(step).Task(task); err == nil {
			tasks = []*client.Task{t}
		}
	}
	if errors.Is(err, client.ErrNotFound) || err == nil && len(tasks) == 0 {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	empty := true
	for _, t := range tasks {
		for _, s := range []client.Stream{client.Stdout, client.Stderr} {
			if text, err := t.Logs(s, t.Attempt()); err == nil && text != "" {
				empty = false
			}
		}
	}
	if empty {
		return true, nil
	}
	return false, printLogs(out, stderr, run.Pathspec(), tasks, []client.Stream{client.Stdout, client.Stderr}, -1)
}

// cloudWatchLogs prints the CloudWatch Logs streams of the Batch jobs of
// the execution that ran step/task (all when empty).
func cloudWatchLogs(ctx context.Context, cl *deploy.Clients, f deploy.Flow, e deploy.Execution, step, task string, out, stderr io.Writer) error {
	jobs, err := cl.Jobs(ctx, e)
	if err != nil {
		return err
	}
	printed := 0
	for _, j := range jobs {
		if step != "" && j.Step != step || task != "" && j.Task != task {
			continue
		}
		what := j.Name
		if j.Step != "" {
			what = j.Step + "/" + j.Task
		}
		if len(j.Streams) == 0 {
			fmt.Fprintf(stderr, "%s: Batch job %s (%s) has no CloudWatch Logs stream (it has not started a container)\n", what, j.ID, j.Status)
			continue
		}
		for i, s := range j.Streams {
			fmt.Fprintf(out, "==> %s/%s job %s attempt %d, CloudWatch Logs %s %s <==\n", e.Name, what, j.ID, i, j.LogGroup, s)
			if err := cl.CopyLog(ctx, out, j.LogGroup, s); err != nil {
				return err
			}
			printed++
		}
	}
	if printed == 0 {
		what := e.Name
		if step != "" {
			what += "/" + step
		}
		if task != "" {
			what += "/" + task
		}
		return fmt.Errorf("no CloudWatch Logs stream is known for %s: the history of execution %s names no Batch job of it that started (a task inside a Distributed Map runs in a child execution)", what, e.Name)
	}
	return nil
}

func newSFNTerminate() *cobra.Command {
	var o sfnOp
	c := &cobra.Command{
		Use:   "terminate RUN",
		Short: "Stop a running execution and record its run failed",
		Long: `Terminate stops the execution RUN (StopExecution, error flowc.Terminated):
Step Functions stops its running Batch jobs, and the execution ends ABORTED.
Its run is then recorded failed in the datastore, here at once (only a
run still running is changed) and by the rule MACHINE-ended, as for any
stopped execution.`,
		Args: exactArgs(1, "RUN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			cl, f, e, err := o.execution(ctx, args[0])
			if err != nil {
				return err
			}
			if err := cl.Stop(ctx, e, "terminated by flowc step-functions terminate"); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "execution %s of %s: stopped\n", e.Name, f.Machine)
			c, _, err := o.store(ctx, cl, f)
			if err != nil {
				return err
			}
			changed, err := recordFailed(ctx, c.Store(), f.Flow, e.Name)
			switch {
			case err != nil:
				return fmt.Errorf("record run %s/%s failed: %w", f.Flow, e.Name, err)
			case changed:
				fmt.Fprintf(out, "run %s/%s: recorded failed\n", f.Flow, e.Name)
			}
			return nil
		},
	}
	o.register(c, true)
	return c
}

// recordFailed records a run still running as failed, as the runner's
// end-run --status failed does; a run not in the datastore, or already
// ended, is left as it is.
func recordFailed(ctx context.Context, st *datastore.Store, flow, run string) (bool, error) {
	changed, err := st.FinishRun(ctx, flow, run, datastore.RunFailed)
	if errors.Is(err, datastore.ErrNotFound) {
		return false, nil
	}
	return changed, err
}

func newSFNDelete() *cobra.Command {
	var o sfnOp
	c := &cobra.Command{
		Use:   "delete MACHINE",
		Short: "Delete a deployed flow: its schedule, rules, state machine and job definitions",
		Long: `Delete removes what flowc deploy step-functions made for the state machine
MACHINE (its name, as flowc step-functions list shows it): the schedule,
the EventBridge rules, the state machine, and the job definitions
(deregistered), each only if it carries flowc's mark for this flow (the
tag flowc:flow=MACHINE; the schedule, a description beginning "flowc: ").
It refuses while an execution runs (terminate it first), and keeps the
datastore's runs.`,
		Args: exactArgs(1, "a STATE-MACHINE name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			cl, err := o.clients(ctx)
			if err != nil {
				return err
			}
			f, err := cl.Flow(ctx, args[0])
			if err != nil {
				return err
			}
			return cl.Delete(ctx, cmd.OutOrStdout(), f)
		},
	}
	o.register(c, false)
	return c
}
