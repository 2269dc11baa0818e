package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/backends/argo"
	"github.com/flowc-dev/flowc/backends/argo/deploy"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/project"
)

func init() {
	deployTargets = append(deployTargets, newDeployArgo)
	triggerTargets = append(triggerTargets, newTriggerArgo)
}

// kubeFlags choose the cluster as kubectl does: the kubeconfig from
// --kubeconfig or KUBECONFIG (else ~/.kube/config), its current context or
// --context, and that context's namespace or --namespace.
type kubeFlags struct {
	kubeconfig, context string
}

func (k *kubeFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&k.kubeconfig, "kubeconfig", "", "the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)")
	fs.StringVar(&k.context, "context", "", "the kubeconfig context (default: the current one)")
}

// connect reaches the cluster and namespace that k and namespace choose.
// Tests replace it with one that returns client-go's fake clients.
var connect = func(k kubeFlags, namespace string) (*deploy.Cluster, error) {
	return deploy.Connect(deploy.Kubeconfig{Path: k.kubeconfig, Context: k.context, Namespace: namespace})
}

func newDeployArgo() *cobra.Command {
	var ff frontFlags
	var kf kubeFlags
	var tf targetFlags
	c := &cobra.Command{
		Use:   "argo [PKG] --image IMAGE --datastore-root ROOT [--namespace NS]",
		Short: "Create or update a flow's WorkflowTemplate, CronWorkflow and Sensor on Kubernetes",
		Long: `Deploy argo compiles the flow for the argo target and creates or updates its
objects in the cluster of the current kubeconfig context, as kubectl does
(--kubeconfig or KUBECONFIG, --context, and the context's namespace unless
--namespace is given). A CronWorkflow or Sensor that flowc made for an earlier
version of the flow, which no longer has //flow:schedule or a trigger, is
deleted. It prints what it did and the objects' names.`,
		Args: pkgArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, opts, err := tf.load(cmd, &ff, args)
			if err != nil {
				return err
			}
			o := opts.(*argo.Options)
			objs, err := compileArgo(cmd.ErrOrStderr(), f, o)
			if err != nil {
				return err
			}
			cl, err := connect(kf, o.Namespace)
			if err != nil {
				return err
			}
			note := func() {}
			if p := project.OfFlow(f); p != nil && p.Production {
				d, err := deploy.AuthorizeProduction(cmd.Context(), cl, objs, username(), ff.productionToken())
				if err != nil {
					return err
				}
				note = func() { tokenNote(cmd.OutOrStdout(), p.FlowName(f.Name), d) }
			}
			changes, err := deploy.Apply(cmd.Context(), cl, objs)
			for _, ch := range changes {
				fmt.Fprintln(cmd.OutOrStdout(), ch)
			}
			if err == nil {
				note() // once the token is stored
			}
			return err
		},
	}
	ff.register(c)
	ff.registerToken(c.Flags())
	kf.register(c.Flags())
	tf.register(c, argo.Target{})
	return c
}

// compileArgo compiles f for argo, printing diagnostics.
func compileArgo(stderr io.Writer, f *ir.Flow, o *argo.Options) (*argo.Objects, error) {
	objs, diags, err := argo.CompileObjects(f, *o)
	if err != nil {
		return nil, fmt.Errorf("compile %s for argo: %w", f.Name, err)
	}
	if err := reportDiags(stderr, diags); err != nil {
		return nil, err
	}
	return objs, nil
}

func newTriggerArgo() *cobra.Command {
	return &cobra.Command{
		Use:   "argo [PKG] [--namespace NS] [--PARAM value ...]",
		Short: "Submit a run of a deployed flow's WorkflowTemplate",
		Long: `Trigger argo submits a Workflow that runs the flow's deployed WorkflowTemplate,
in the cluster and namespace chosen as kubectl does (--kubeconfig or
KUBECONFIG, --context, --namespace). The flow's parameters are flags,
--NAME value, checked against their types here; those not given take the
template's defaults. It prints the Workflow's name, which is the run id.
With --wait it then follows the run, its tasks as the datastore records them
shown as flowc run shows them, and exits 0 only when the run succeeded; when
it failed, it names the failed step, its error and Argo's reason.`,
		DisableFlagParsing: true,
		RunE:               triggerArgoCmd,
	}
}

// triggerFlags are trigger argo's own flags.
type triggerFlags struct {
	front     frontFlags
	kube      kubeFlags
	namespace string
	wait      bool
	root      string
}

func (tf *triggerFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&tf.front.flow, "flow", "", "the flow, where the package holds several")
	fs.StringArrayVar(&tf.front.configs, "config", nil, "read config `NAME=PATH` from PATH instead of its default file (repeatable)")
	fs.StringVar(&tf.namespace, "namespace", "", "the Kubernetes namespace (default: the kubeconfig context's)")
	fs.BoolVar(&tf.wait, "wait", false, "follow the run as flowc run shows one, and exit 0 only when it succeeded")
	fs.StringVar(&tf.root, "datastore-root", "", "with --wait, the datastore the run writes (default: the one the deployed template names)")
	tf.front.registerProject(fs)
	tf.kube.register(fs)
}

func triggerArgoCmd(cmd *cobra.Command, args []string) error {
	var tf triggerFlags
	values := map[string]*string{}
	f, _, fs, err := flowArgs(cmd, args, func(fs *pflag.FlagSet) *frontFlags {
		tf = triggerFlags{}
		tf.register(fs)
		return &tf.front
	}, func(fs *pflag.FlagSet, f *ir.Flow) error {
		for _, p := range f.Params {
			values[p.Name] = fs.String(p.Name, "", p.Help)
		}
		return nil
	})
	if err != nil || f == nil {
		return err
	}
	if f, err = tf.front.forTarget(f); err != nil { // the branch's deployment
		return err
	}
	given := map[string]string{}
	for _, p := range f.Params {
		if fs.Changed(p.Name) {
			given[p.Name] = *values[p.Name]
		}
	}
	if err := includeGiven(cmd.Context(), f, given); err != nil {
		return err
	}
	wf, err := argo.NewRun(f, given)
	if err != nil {
		return usageError{err}
	}
	cl, err := connect(tf.kube, tf.namespace)
	if err != nil {
		return err
	}
	name, err := deploy.Submit(cmd.Context(), cl, wf)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "submitted workflow.argoproj.io/%s in namespace %s from workflowtemplate.argoproj.io/%s\n", name, cl.Namespace, wf.Spec.WorkflowTemplateRef.Name)
	fmt.Fprintf(out, "run id: %s\n", name)
	if !tf.wait {
		return nil
	}
	fo := &follower{flow: f, runID: name}
	return followArgo(cmd.Context(), cmd, cl, fo, wf.Spec.WorkflowTemplateRef.Name, tf.root)
}
