package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/flowc-dev/flowc/backends/argo"
	"github.com/flowc-dev/flowc/ir"
)

func init() {
	deployTargets = append(deployTargets, newDeployArgo)
	triggerTargets = append(triggerTargets, newTriggerArgo)
}

// The resources flowc makes on a cluster with Argo Workflows and Argo
// Events.
var (
	gvrTemplate = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "workflowtemplates"}
	gvrCron     = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "cronworkflows"}
	gvrSensor   = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "sensors"}
	gvrWorkflow = schema.GroupVersionResource{Group: "argoproj.io", Version: "v1alpha1", Resource: "workflows"}
)

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

// newKubeClient connects to the cluster that k and namespace choose and
// returns a client and the namespace to use. Tests replace it with one
// that returns client-go's fake dynamic client.
var newKubeClient = func(k kubeFlags, namespace string) (dynamic.Interface, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = k.kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: k.context}
	overrides.Context.Namespace = namespace
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	ns, _, err := cc.Namespace()
	if err != nil {
		return nil, "", kubeconfigErr(err)
	}
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, "", kubeconfigErr(err)
	}
	cfg.UserAgent = "flowc"
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, "", fmt.Errorf("kubernetes client: %w", err)
	}
	return client, ns, nil
}

// kubeconfigErr explains a kubeconfig that cannot be used. For none at
// all, client-go's own text suggests KUBERNETES_MASTER, which no current
// tool sets: say what is missing instead.
func kubeconfigErr(err error) error {
	if clientcmd.IsEmptyConfig(err) {
		return errors.New("no kubeconfig: flowc reaches the cluster as kubectl does, and found no configuration " +
			"(--kubeconfig, KUBECONFIG, ~/.kube/config) and no in-cluster service account; " +
			"point --kubeconfig at one, or write the YAML with flowc compile --target argo")
	}
	return fmt.Errorf("kubeconfig: %w", err)
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
			client, ns, err := newKubeClient(kf, o.Namespace)
			if err != nil {
				return err
			}
			return deployArgo(cmd.Context(), cmd.OutOrStdout(), client, ns, objs)
		},
	}
	ff.register(c)
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

// deployArgo creates or updates each object, and deletes the CronWorkflow
// and Sensor flowc made before when the flow no longer asks for them.
func deployArgo(ctx context.Context, out io.Writer, client dynamic.Interface, ns string, objs *argo.Objects) error {
	name := objs.Template.Metadata.Name
	if objs.Sensor != nil {
		// The Workflow the Sensor creates goes where its template is.
		for _, tr := range objs.Sensor.Spec.Triggers {
			if r := tr.Template.K8s.Source.Resource; r.Metadata.Namespace == "" {
				r.Metadata.Namespace = ns
			}
		}
	}
	steps := []struct {
		gvr schema.GroupVersionResource
		obj any
	}{{gvrTemplate, objs.Template}, {gvrCron, objs.Cron}, {gvrSensor, objs.Sensor}}
	for _, s := range steps {
		var err error
		switch {
		case s.gvr == gvrCron && objs.Cron == nil, s.gvr == gvrSensor && objs.Sensor == nil:
			err = deleteStale(ctx, out, client.Resource(s.gvr).Namespace(ns), s.gvr, name, ns)
		default:
			err = apply(ctx, out, client.Resource(s.gvr).Namespace(ns), s.gvr, s.obj, ns)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// toUnstructured turns one of flowc's typed objects into the form the
// dynamic client sends.
func toUnstructured(obj any, ns string) (*unstructured.Unstructured, error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	u.SetNamespace(ns)
	return u, nil
}

// managedByFlowc reports whether flowc made an existing object.
func managedByFlowc(u *unstructured.Unstructured) bool {
	return u.GetLabels()["app.kubernetes.io/managed-by"] == "flowc"
}

// apply creates obj, or updates it in place when it exists and flowc made
// it; an object of the same name that flowc did not make is left alone.
func apply(ctx context.Context, out io.Writer, rc dynamic.ResourceInterface, gvr schema.GroupVersionResource, obj any, ns string) error {
	u, err := toUnstructured(obj, ns)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("%s.%s/%s", strings.TrimSuffix(gvr.Resource, "s"), gvr.Group, u.GetName())
	old, err := rc.Get(ctx, u.GetName(), metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		if _, err := rc.Create(ctx, u, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create %s in namespace %s: %w", what, ns, err)
		}
		fmt.Fprintf(out, "created %s in namespace %s\n", what, ns)
		return nil
	case err != nil:
		return fmt.Errorf("get %s in namespace %s: %w", what, ns, err)
	case !managedByFlowc(old):
		return fmt.Errorf("%s already exists in namespace %s and flowc did not make it (no label app.kubernetes.io/managed-by=flowc); delete or rename it", what, ns)
	}
	u.SetResourceVersion(old.GetResourceVersion())
	if _, err := rc.Update(ctx, u, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update %s in namespace %s: %w", what, ns, err)
	}
	fmt.Fprintf(out, "updated %s in namespace %s\n", what, ns)
	return nil
}

// deleteStale deletes the object flowc made under name, if there is one.
func deleteStale(ctx context.Context, out io.Writer, rc dynamic.ResourceInterface, gvr schema.GroupVersionResource, name, ns string) error {
	what := fmt.Sprintf("%s.%s/%s", strings.TrimSuffix(gvr.Resource, "s"), gvr.Group, name)
	old, err := rc.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) || err == nil && !managedByFlowc(old) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("get %s in namespace %s: %w", what, ns, err)
	}
	if err := rc.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete %s in namespace %s: %w", what, ns, err)
	}
	fmt.Fprintf(out, "deleted %s in namespace %s: the flow no longer asks for it\n", what, ns)
	return nil
}

func newTriggerArgo() *cobra.Command {
	return &cobra.Command{
		Use:   "argo [PKG] [--namespace NS] [--PARAM value ...]",
		Short: "Submit a run of a deployed flow's WorkflowTemplate",
		Long: `Trigger argo submits a Workflow that runs the flow's deployed WorkflowTemplate,
in the cluster and namespace chosen as kubectl does (--kubeconfig or
KUBECONFIG, --context, --namespace). The flow's parameters are flags,
--NAME value, checked against their types here; those not given take the
template's defaults. It prints the Workflow's name, which is the run id.`,
		DisableFlagParsing: true,
		RunE:               triggerArgoCmd,
	}
}

// triggerFlags are trigger argo's own flags.
type triggerFlags struct {
	front     frontFlags
	kube      kubeFlags
	namespace string
}

func (tf *triggerFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&tf.front.flow, "flow", "", "the flow, where the package holds several")
	fs.StringArrayVar(&tf.front.configs, "config", nil, "read config `NAME=PATH` from PATH instead of its default file (repeatable)")
	fs.StringVar(&tf.namespace, "namespace", "", "the Kubernetes namespace (default: the kubeconfig context's)")
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
	wf, err := argoWorkflow(f, fs, values)
	if err != nil {
		return err
	}
	client, ns, err := newKubeClient(tf.kube, tf.namespace)
	if err != nil {
		return err
	}
	return submitArgo(cmd.Context(), cmd.OutOrStdout(), client, ns, wf)
}

// argoWorkflow makes the Workflow that runs f's template with the
// parameters given on the command line, each checked against its type
// and passed as the text the runner parses.
func argoWorkflow(f *ir.Flow, fs *pflag.FlagSet, values map[string]*string) (*argo.Workflow, error) {
	name, err := argo.TemplateName(f)
	if err != nil {
		return nil, usageError{err}
	}
	wf := &argo.Workflow{
		APIVersion: "argoproj.io/v1alpha1",
		Kind:       "Workflow",
		Metadata:   argo.ObjectMeta{GenerateName: name + "-", Labels: map[string]string{"app.kubernetes.io/managed-by": "flowc", "flowc.dev/flow": name}},
		Spec:       argo.WorkflowSpec{WorkflowTemplateRef: &argo.WorkflowTemplateRef{Name: name}},
	}
	for _, p := range f.Params {
		if !fs.Changed(p.Name) {
			if p.Required && p.Default == nil {
				return nil, usagef("parameter --%s is required", p.Name)
			}
			continue
		}
		raw := *values[p.Name]
		if _, err := ir.ParseValue(p.Type, p.Separator, raw); err != nil {
			return nil, usagef("--%s: %v", p.Name, err)
		}
		if wf.Spec.Arguments == nil {
			wf.Spec.Arguments = &argo.Arguments{}
		}
		wf.Spec.Arguments.Parameters = append(wf.Spec.Arguments.Parameters, argo.Parameter{Name: p.Name, Value: &raw})
	}
	return wf, nil
}

// submitArgo creates the Workflow after checking that its template is
// deployed, and prints its name.
func submitArgo(ctx context.Context, out io.Writer, client dynamic.Interface, ns string, wf *argo.Workflow) error {
	tmpl := wf.Spec.WorkflowTemplateRef.Name
	if _, err := client.Resource(gvrTemplate).Namespace(ns).Get(ctx, tmpl, metav1.GetOptions{}); apierrors.IsNotFound(err) {
		return fmt.Errorf("workflowtemplate.argoproj.io/%s is not in namespace %s: deploy the flow first (flowc deploy argo)", tmpl, ns)
	} else if err != nil {
		return fmt.Errorf("get workflowtemplate.argoproj.io/%s in namespace %s: %w", tmpl, ns, err)
	}
	u, err := toUnstructured(wf, ns)
	if err != nil {
		return err
	}
	made, err := client.Resource(gvrWorkflow).Namespace(ns).Create(ctx, u, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("submit a workflow of %s in namespace %s: %w", tmpl, ns, err)
	}
	fmt.Fprintf(out, "submitted workflow.argoproj.io/%s in namespace %s from workflowtemplate.argoproj.io/%s\n", made.GetName(), ns, tmpl)
	fmt.Fprintf(out, "run id: %s\n", made.GetName())
	return nil
}
