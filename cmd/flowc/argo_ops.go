package main

// flowc argo: operate flows deployed on Argo Workflows, as the argo CLI and
// Metaflow's argo-workflows commands do. The work is package deploy's;
// these commands map flags to its calls and print what it returns.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/backends/argo/deploy"
	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// argoFlags are what every flowc argo command takes: the cluster and
// namespace, chosen as kubectl does.
type argoFlags struct {
	kube      kubeFlags
	namespace string
}

func (af *argoFlags) register(fs *pflag.FlagSet) {
	af.kube.register(fs)
	fs.StringVar(&af.namespace, "namespace", "", "the Kubernetes namespace (default: the kubeconfig context's)")
}

func (af *argoFlags) connect() (*deploy.Cluster, error) { return connect(af.kube, af.namespace) }

func newArgo() *cobra.Command {
	af := &argoFlags{}
	c := &cobra.Command{
		Use:   "argo",
		Short: "Operate flows deployed on Argo Workflows: list, status, logs, stop, terminate, suspend, resume, delete",
		Long: `The argo commands operate the flows flowc deploy argo put on a cluster and
their runs (Workflows), in the cluster and namespace chosen as kubectl does
(--kubeconfig or KUBECONFIG, --context, --namespace). A run is named by its
Workflow's name, which is also its run id in the datastore.`,
	}
	af.register(c.PersistentFlags())
	c.AddCommand(newArgoList(af), newArgoStatus(af), newArgoLogs(af), newArgoDelete(af), newArgoTerminate(af))
	for _, op := range []struct {
		name, short string
		do          func(context.Context, *deploy.Cluster, string) error
		done        string
	}{
		{"stop", "Stop a run, as argo stop does: its pods are killed, then its exit handler records it failed", deploy.Stop, "stopped"},
		{"suspend", "Suspend a run, as argo suspend does: no new pod starts until it is resumed", deploy.Suspend, "suspended"},
		{"resume", "Resume a suspended run, as argo resume does", deploy.Resume, "resumed"},
	} {
		c.AddCommand(&cobra.Command{
			Use:   op.name + " RUN",
			Short: op.short,
			Args:  exactArgs(1, "RUN"),
			RunE: func(cmd *cobra.Command, args []string) error {
				cl, err := af.connect()
				if err != nil {
					return err
				}
				if err := op.do(cmd.Context(), cl, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s workflow.argoproj.io/%s in namespace %s\n", op.done, args[0], cl.Namespace)
				return nil
			},
		})
	}
	return c
}

func newArgoTerminate(af *argoFlags) *cobra.Command {
	var root string
	c := &cobra.Command{
		Use:   "terminate RUN",
		Short: "Stop a run now, as argo terminate does, and record it failed",
		Long: `Terminate stops the run RUN as argo terminate does (spec.shutdown: Terminate):
Argo kills its pods and runs no exit handler. So that the datastore does not
keep the run as running for ever, terminate then records it failed there
itself, as the exit handler would have (only a run still recorded running is
changed). The datastore is the one the run's template names, unless
--datastore-root names another.`,
		Args: exactArgs(1, "RUN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			cl, err := af.connect()
			if err != nil {
				return err
			}
			if err := deploy.Terminate(ctx, cl, args[0]); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "terminated workflow.argoproj.io/%s in namespace %s\n", args[0], cl.Namespace)
			r, err := deploy.Status(ctx, cl, args[0])
			if err != nil {
				return fmt.Errorf("run %s is terminated, but not recorded failed: %w", args[0], err)
			}
			flow, tmplRoot, err := deploy.Template(ctx, cl, r.Template)
			if err != nil {
				return fmt.Errorf("run %s is terminated, but not recorded failed: %w", args[0], err)
			}
			if root == "" {
				root = tmplRoot
			}
			if root == "" || flow == "" {
				return fmt.Errorf("run %s is terminated, but not recorded failed: workflowtemplate.argoproj.io/%s names no flow or datastore (deployed by an older flowc?); give --datastore-root", args[0], r.Template)
			}
			st, err := datastore.Open(ctx, root)
			if err != nil {
				return fmt.Errorf("run %s is terminated, but not recorded failed: open the datastore %s: %w", args[0], root, err)
			}
			changed, err := recordFailed(ctx, st, flow, args[0])
			switch {
			case err != nil:
				return fmt.Errorf("run %s is terminated, but not recorded failed: %w", args[0], err)
			case changed:
				fmt.Fprintf(out, "run %s/%s: recorded failed\n", flow, args[0])
			}
			return nil
		},
	}
	c.Flags().StringVar(&root, "datastore-root", "", "the datastore the run writes (default: the one its template names)")
	return c
}

// exactArgs wants n arguments, named what.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %s, got %d arguments", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}

func newArgoList(af *argoFlags) *cobra.Command {
	runs := 5
	c := &cobra.Command{
		Use:   "list [FLOW]",
		Short: "List the flows flowc deployed and their latest runs",
		Long: `List shows the flows flowc deploy argo put in the namespace (or only FLOW,
named by its objects' name or the flow's), each with its schedule, whether
a Sensor starts it, and its latest runs.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("%s takes at most one FLOW, got %d arguments", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, err := af.connect()
			if err != nil {
				return err
			}
			flows, err := deploy.List(cmd.Context(), cl)
			if err != nil {
				return err
			}
			if len(args) == 1 {
				flows = slices.DeleteFunc(flows, func(f deploy.Flow) bool { return f.Name != args[0] && f.Flow != args[0] })
				if len(flows) == 0 {
					return fmt.Errorf("flowc deployed no flow %s in namespace %s", args[0], cl.Namespace)
				}
			}
			printFlows(cmd.OutOrStdout(), cl.Namespace, flows, runs)
			return nil
		},
	}
	c.Flags().IntVar(&runs, "runs", runs, "show the latest `N` runs of each flow (0 for all)")
	return c
}

// printFlows prints each flow, what starts it, and its latest runs.
func printFlows(w io.Writer, ns string, flows []deploy.Flow, runs int) {
	if len(flows) == 0 {
		fmt.Fprintf(w, "No flow deployed by flowc in namespace %s.\n", ns)
		return
	}
	for i, f := range flows {
		if i > 0 {
			fmt.Fprintln(w)
		}
		what := []string{"flow " + f.Flow}
		for _, s := range f.Schedules {
			what = append(what, fmt.Sprintf("schedule %q", s))
		}
		if f.Sensor {
			what = append(what, "triggered by events")
		}
		fmt.Fprintf(w, "%s (%s): %s\n", f.Name, strings.Join(what, ", "), plural(len(f.Runs), "run"))
		shown := f.Runs
		if runs > 0 && len(shown) > runs {
			shown = shown[:runs]
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, r := range shown {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.Name, phase(r), stamp(r.Started), took(r))
		}
		tw.Flush()
	}
}

// phase is a run's phase, with what it was asked to do.
func phase(r deploy.Run) string {
	p := r.Phase
	switch {
	case r.Over():
	case r.Stopping != "":
		p += " (" + strings.ToLower(r.Stopping) + " asked)"
	case r.Suspended:
		p += " (suspended)"
	}
	return p
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// took is how long the run has run, or ran.
func took(r deploy.Run) string {
	switch {
	case r.Started.IsZero():
		return ""
	case r.Finished.IsZero():
		return "running for " + time.Since(r.Started).Round(time.Second).String()
	}
	return "took " + r.Finished.Sub(r.Started).String()
}

func newArgoStatus(af *argoFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "status RUN",
		Short: "Show a run's phase and its steps' pods",
		Args:  exactArgs(1, "RUN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, err := af.connect()
			if err != nil {
				return err
			}
			r, err := deploy.Status(cmd.Context(), cl, args[0])
			if err != nil {
				return err
			}
			printStatus(cmd.OutOrStdout(), r)
			return nil
		},
	}
}

// printStatus prints a run's phase, times and steps.
func printStatus(w io.Writer, r *deploy.Run) {
	fmt.Fprintf(w, "Run %s (template %s): %s\n", r.Name, r.Template, phase(*r))
	fmt.Fprintf(w, "  started:  %s\n", stamp(r.Started))
	if !r.Finished.IsZero() {
		fmt.Fprintf(w, "  finished: %s (%s)\n", stamp(r.Finished), took(*r))
	}
	if r.Message != "" {
		fmt.Fprintf(w, "  message:  %s\n", r.Message)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, s := range r.Steps {
		var parts []string
		for _, p := range []string{"Succeeded", "Running", "Pending", "Failed", "Error", "Skipped", "Omitted"} {
			if n := s.Phases[p]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(p)))
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\n", s.Step, strings.Join(parts, ", "))
		for _, f := range s.Failed {
			fmt.Fprintf(tw, "    %s\t\n", f)
		}
	}
	tw.Flush()
}

func newArgoDelete(af *argoFlags) *cobra.Command {
	var sensorNS string
	c := &cobra.Command{
		Use:   "delete FLOW",
		Short: "Delete a deployed flow's WorkflowTemplate, CronWorkflow and Sensor",
		Long: `Delete deletes the objects flowc deploy argo made for a flow, named by the
objects' name or the flow's: its Sensor, CronWorkflow and WorkflowTemplate.
Objects flowc did not make (without the label app.kubernetes.io/managed-by=flowc)
are never touched. Runs are left, and their records in the datastore.`,
		Args: exactArgs(1, "FLOW"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl, err := af.connect()
			if err != nil {
				return err
			}
			changes, err := deploy.Delete(cmd.Context(), cl, args[0], sensorNS)
			for _, ch := range changes {
				fmt.Fprintln(cmd.OutOrStdout(), ch)
			}
			return err
		},
	}
	c.Flags().StringVar(&sensorNS, "sensor-namespace", "", "the namespace of the flow's Sensor, when deploy put it in another (default: --namespace)")
	return c
}

func newArgoLogs(af *argoFlags) *cobra.Command {
	var root string
	c := &cobra.Command{
		Use:   "logs RUN[/STEP[/TASK]]",
		Short: "Print a run's task logs: from the pods while they run, from the datastore after",
		Long: `Logs prints what the tasks of a run wrote: of every task of the run, of a
step, or of one task. A task whose pod is running is read from the pod (its
container's log so far); every other task from the datastore, where the
runner stores each attempt's output when it ends. The datastore is the one
the deployed template names, unless --datastore-root names another.`,
		Args: exactArgs(1, "RUN[/STEP[/TASK]]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			parts := strings.Split(args[0], "/")
			if len(parts) > 3 || slices0(parts) {
				return usagef("flowc argo logs takes RUN, RUN/STEP or RUN/STEP/TASK, got %q", args[0])
			}
			parts = append(parts, "", "")
			cl, err := af.connect()
			if err != nil {
				return err
			}
			return argoLogs(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), cl, root, parts[0], parts[1], parts[2])
		},
	}
	c.Flags().StringVar(&root, "datastore-root", "", "the datastore the run writes (default: the one its template names)")
	return c
}

// slices0 reports whether a part of a pathspec is empty.
func slices0(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return true
		}
	}
	return false
}

// argoLogs prints the logs of run's tasks (of step, of task): running pods
// from the cluster, the rest from the datastore.
func argoLogs(ctx context.Context, w, errw io.Writer, cl *deploy.Cluster, root, run, step, task string) error {
	r, err := deploy.Status(ctx, cl, run)
	if err != nil {
		return err
	}
	flow, tmplRoot, err := deploy.Template(ctx, cl, r.Template)
	if errors.Is(err, deploy.ErrNoTemplate) {
		// Its WorkflowTemplate names the flow and the datastore.
		return fmt.Errorf("workflowtemplate.argoproj.io/%s is not in namespace %s (deleted?): the run's logs stay in the datastore: flowc logs FLOW/%s[/STEP[/TASK]] --datastore-root ROOT", r.Template, cl.Namespace, run)
	}
	if err != nil {
		return err
	}
	if root == "" {
		root = tmplRoot
	}
	live := map[string]bool{} // Step/Task read from a pod
	if !r.Over() {
		pods, err := deploy.Pods(ctx, cl, run)
		if err != nil {
			return err
		}
		for _, p := range pods {
			if p.Phase != "Running" || step != "" && p.Step != step || task != "" && p.Task != task {
				continue
			}
			fmt.Fprintf(w, "==> %s/%s/%s/%s attempt %d (pod %s, running) <==\n", flow, run, p.Step, p.Task, p.Attempt, p.Name)
			if err := deploy.Logs(ctx, cl, p.Name, w); err != nil {
				return err
			}
			live[p.Step+"/"+p.Task] = true
		}
	}
	tasks, err := datastoreTasks(ctx, root, flow, run, step, task)
	if err != nil {
		if len(live) > 0 && errors.Is(err, client.ErrNotFound) {
			return nil
		}
		return err
	}
	var rest []*client.Task
	for _, t := range tasks {
		if !live[stepOf(t)+"/"+t.ID()] {
			rest = append(rest, t)
		}
	}
	pathspec := strings.TrimRight(strings.Join([]string{flow, run, step, task}, "/"), "/")
	if len(rest) == 0 && len(live) > 0 {
		return nil
	}
	return printLogs(w, errw, pathspec, rest, []client.Stream{client.Stdout, client.Stderr}, -1)
}

// stepOf is the step name of a task's pathspec.
func stepOf(t *client.Task) string {
	p, _ := client.ParsePathspec(t.Pathspec())
	return p.Step
}

// datastoreTasks returns the tasks a run, step or task names in the
// datastore at root: every task of every step for a run.
func datastoreTasks(ctx context.Context, root, flow, run, step, task string) ([]*client.Task, error) {
	if root == "" {
		return nil, usagef("the run's template names no datastore: give --datastore-root")
	}
	c, err := client.Open(root)
	if err != nil {
		return nil, err
	}
	c = c.Namespace(client.Global).WithContext(ctx)
	if step != "" {
		return lookupTasks(c, client.Pathspec{Flow: flow, Run: run, Step: step, Task: task})
	}
	r, err := c.Flow(flow).Run(run)
	if err != nil {
		return nil, err
	}
	steps, err := r.Steps()
	if err != nil {
		return nil, err
	}
	var out []*client.Task
	for _, s := range steps {
		ts, err := s.Tasks()
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	// In the order they ran; the datastore lists steps by name.
	slices.SortStableFunc(out, func(a, b *client.Task) int { return a.Start().Compare(b.Start()) })
	return out, nil
}

// followArgo follows fo's run until its Workflow is over, with the
// datastore at root, else the one its template tmpl names.
func followArgo(ctx context.Context, cmd *cobra.Command, cl *deploy.Cluster, fo *follower, tmpl, root string) error {
	if root == "" {
		_, tmplRoot, err := deploy.Template(ctx, cl, tmpl)
		if err != nil {
			return err
		}
		root = tmplRoot
	}
	if root == "" {
		return fmt.Errorf("cannot follow run %s, which goes on: workflowtemplate.argoproj.io/%s names no datastore (deployed by an older flowc?); give --datastore-root, or deploy again", fo.runID, tmpl)
	}
	st, err := datastore.Open(ctx, root)
	if err != nil {
		return fmt.Errorf("open the datastore %s: %w", root, err)
	}
	fo.store = st
	fo.engine = func(ctx context.Context) (engineState, error) {
		r, err := deploy.Status(ctx, cl, fo.runID)
		if err != nil {
			return engineState{}, err
		}
		s := engineState{Over: r.Over(), Failed: r.Phase != "Succeeded"}
		if s.Over && s.Failed {
			s.Reason = argoReason(r)
		}
		return s, nil
	}
	return fo.follow(ctx, cmd.OutOrStdout(), cmd.ErrOrStderr())
}

// argoReason is why Argo says a run failed: its message and its failed
// pods.
func argoReason(r *deploy.Run) string {
	parts := []string{"workflow " + r.Phase}
	if r.Message != "" {
		parts[0] += ": " + r.Message
	}
	for _, s := range r.Steps {
		parts = append(parts, s.Failed...)
	}
	return strings.Join(parts, "; ")
}
