package argo

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/ir"
)

// Options are the argo target's settings: the common ones and Argo's own.
// A new setting is a field here and its flag in Flags (and its check in
// Check).
type Options struct {
	backends.Common
	// Namespace is the Kubernetes namespace of the objects; empty leaves
	// it to kubectl's or flowc deploy's context.
	Namespace string
	// EventURL is where the exit handler of a succeeded run posts the
	// event flowc.FLOW.end (an Argo Events webhook EventSource, whose
	// Sensors start the flows with //flow:trigger_on_finish); empty posts
	// nothing.
	EventURL string
	// NotifyOnError and NotifyOnSuccess are where the exit handler posts
	// a Slack-style message ({"text": ...}) when a run failed or
	// succeeded: an http or https URL, or env:NAME for the URL in the
	// pods' variable NAME (from a Secret given with --secret, so that a
	// webhook's token is not written in the template); empty posts nothing.
	NotifyOnError, NotifyOnSuccess string
	// WorkflowTimeout stops a run that is still running after it (the
	// Workflow's activeDeadlineSeconds); its exit handler records it
	// failed.
	WorkflowTimeout time.Duration
	// Flow-wide pod settings, for every pod of the workflow (the exit
	// handler's too); a step's own //flow:kubernetes or //flow:secrets
	// adds to them or, for the service account and node selector keys,
	// wins.
	ServiceAccount   string            // the pods' service account
	ImagePullSecrets []string          // Secrets to pull the image with
	Secrets          []string          // Secrets whose keys become every container's environment
	Labels           map[string]string // labels of every pod
	Annotations      map[string]string // annotations of every pod
	NodeSelector     map[string]string // the pods' node selector
	PriorityClass    string            // the pods' priority class
	// Tolerations are the pods' tolerations, each as kubectl writes a
	// taint: KEY[=VALUE][:EFFECT]; a step's own tolerations replace them.
	Tolerations []string
	// The pods' security context; nil (and false) leave a field unset.
	RunAsUser, RunAsGroup, FSGroup *int64
	RunAsNonRoot                   bool
	// PodGC is Argo's pod GC strategy (empty keeps the pods, Argo's
	// default); TTL deletes a finished Workflow after it (0 keeps it).
	PodGC string
	TTL   time.Duration
	// The CronWorkflow's concurrency policy (Allow, the default, Forbid,
	// Replace) and how many finished runs it keeps (nil: Argo's default,
	// 3 and 1).
	ConcurrencyPolicy                          string
	SuccessfulHistoryLimit, FailedHistoryLimit *int
	// SensorNamespace is the Sensor's namespace, where Argo Events runs
	// (empty: the objects' namespace, or the trigger's namespace option).
	SensorNamespace string
}

// NewOptions returns the argo target's options with their defaults.
func (Target) NewOptions() backends.Options {
	return &Options{WorkflowTimeout: DefaultWorkflowDeadline * time.Second, ConcurrencyPolicy: "Allow"}
}

// Flags registers argo's own flags.
func (o *Options) Flags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Namespace, "namespace", o.Namespace, "the Kubernetes namespace")
	fs.DurationVar(&o.WorkflowTimeout, "workflow-timeout", o.WorkflowTimeout, "stop a run still running after this long (a whole number of seconds; the exit handler records it failed)")
	fs.StringVar(&o.ServiceAccount, "service-account", o.ServiceAccount, "the service account of every pod (a step's kubernetes service_account= wins)")
	fs.StringSliceVar(&o.ImagePullSecrets, "image-pull-secret", o.ImagePullSecrets, "a Secret to pull images with (repeatable)")
	fs.StringSliceVar(&o.Secrets, "secret", o.Secrets, "a Secret whose keys become every container's environment (repeatable)")
	fs.StringToStringVar(&o.Labels, "label", o.Labels, "a label of every pod, KEY=VALUE (repeatable)")
	fs.StringToStringVar(&o.Annotations, "annotation", o.Annotations, "an annotation of every pod, KEY=VALUE (repeatable)")
	fs.StringToStringVar(&o.NodeSelector, "node-selector", o.NodeSelector, "a node selector of every pod, KEY=VALUE (repeatable; a step's node_selector wins)")
	fs.StringVar(&o.PriorityClass, "priority-class", o.PriorityClass, "the priority class of every pod")
	fs.StringArrayVar(&o.Tolerations, "toleration", o.Tolerations, "a toleration of every pod, `KEY[=VALUE][:EFFECT]` as kubectl taint writes it (repeatable; a step's tolerations replace them)")
	fs.Var(optional[int64]{&o.RunAsUser}, "run-as-user", "the `UID` every pod's processes run as (securityContext.runAsUser; default: the image's)")
	fs.Var(optional[int64]{&o.RunAsGroup}, "run-as-group", "the `GID` every pod's processes run as (securityContext.runAsGroup; default: the image's)")
	fs.Var(optional[int64]{&o.FSGroup}, "fs-group", "the `GID` owning every pod's volumes (securityContext.fsGroup; default: none)")
	fs.BoolVar(&o.RunAsNonRoot, "run-as-non-root", o.RunAsNonRoot, "refuse to start a pod whose processes would run as root (securityContext.runAsNonRoot)")
	fs.StringVar(&o.PodGC, "pod-gc", o.PodGC, "when Argo deletes the pods: OnPodCompletion, OnPodSuccess, OnWorkflowCompletion or OnWorkflowSuccess (default: kept)")
	fs.DurationVar(&o.TTL, "ttl", o.TTL, "delete a finished run's Workflow this long after it ended (ttlStrategy; whole seconds; 0 keeps it). Its records stay in the datastore")
	fs.StringVar(&o.ConcurrencyPolicy, "concurrency-policy", o.ConcurrencyPolicy, "a scheduled flow's run when the last one still runs: Allow, Forbid (skip it) or Replace (stop the last one)")
	fs.Var(optional[int]{&o.SuccessfulHistoryLimit}, "successful-history-limit", "succeeded runs a CronWorkflow keeps, `N` (default: Argo's, 3)")
	fs.Var(optional[int]{&o.FailedHistoryLimit}, "failed-history-limit", "failed runs a CronWorkflow keeps, `N` (default: Argo's, 1)")
	fs.StringVar(&o.SensorNamespace, "sensor-namespace", o.SensorNamespace, "the Sensor's namespace, where Argo Events runs (default: the trigger's namespace option, else --namespace)")
	fs.StringVar(&o.EventURL, "event-url", o.EventURL, "post flowc.FLOW.end to this URL when a run succeeds (an Argo Events webhook, for //flow:trigger_on_finish)")
	fs.StringVar(&o.NotifyOnError, "notify-on-error", o.NotifyOnError, "post a Slack-style message to this webhook `URL` when a run fails (or env:NAME, the URL in the pods' variable NAME, from a --secret)")
	fs.StringVar(&o.NotifyOnSuccess, "notify-on-success", o.NotifyOnSuccess, "post a Slack-style message to this webhook `URL` when a run succeeds (or env:NAME, as --notify-on-error)")
}

// Check wants the image that holds the runner and a datastore the pods
// share.
func (o *Options) Check() error {
	if o.Image == "" {
		return errors.New("--target argo needs --image, the container image holding the flow's task runner at " + ir.RunnerPath)
	}
	if o.DatastoreRoot == "" {
		return errors.New("--target argo needs --datastore-root, a datastore every pod reaches (s3://bucket/prefix)")
	}
	if strings.Contains(o.DatastoreRoot, "{{") || strings.Contains(o.Image, "{{") {
		return errors.New("--image and --datastore-root must not contain {{, which Argo's controller would substitute")
	}
	if u, err := url.Parse(o.EventURL); o.EventURL != "" && (err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || strings.Contains(o.EventURL, "{{")) {
		return fmt.Errorf("--event-url %q is not an http or https URL", o.EventURL)
	}
	for flag, v := range map[string]string{"--notify-on-error": o.NotifyOnError, "--notify-on-success": o.NotifyOnSuccess} {
		if err := checkNotify(v); err != nil {
			return fmt.Errorf("%s %q: %w", flag, v, err)
		}
	}
	if o.WorkflowTimeout < 0 || o.WorkflowTimeout%time.Second != 0 {
		return fmt.Errorf("--workflow-timeout %s must be a positive whole number of seconds, or 0 for the default", o.WorkflowTimeout)
	}
	if err := o.checkPods(); err != nil {
		return err
	}
	if err := o.checkRuns(); err != nil {
		return err
	}
	if o.Namespace != "" && !dns1123Label.MatchString(o.Namespace) {
		return fmt.Errorf("--namespace %q is not a Kubernetes namespace name (lowercase letters, digits and -)", o.Namespace)
	}
	if o.MaxWorkers < 0 {
		return fmt.Errorf("--max-workers must not be negative, got %d", o.MaxWorkers)
	}
	return nil
}

// checkPods checks the flow-wide pod settings as Kubernetes would.
func (o *Options) checkPods() error {
	for flag, names := range map[string][]string{"--service-account": {o.ServiceAccount}, "--priority-class": {o.PriorityClass}, "--image-pull-secret": o.ImagePullSecrets, "--secret": o.Secrets} {
		for _, n := range names {
			if n != "" && (len(n) > 253 || !dnsSubdomain.MatchString(n)) {
				return fmt.Errorf("%s %q is not a Kubernetes name (lowercase letters, digits, '-' and '.')", flag, n)
			}
		}
	}
	for flag, m := range map[string]map[string]string{"--label": o.Labels, "--annotation": o.Annotations, "--node-selector": o.NodeSelector} {
		for _, k := range sortedKeys(m) {
			if why := qualifiedName(k); why != "" {
				return fmt.Errorf("%s key %q %s", flag, k, why)
			}
			if why := labelValue(m[k]); flag != "--annotation" && why != "" {
				return fmt.Errorf("%s %s=%q: the value %s", flag, k, m[k], why)
			}
			if strings.Contains(m[k], "{{") {
				return fmt.Errorf("%s %s=%q contains {{, which Argo's controller would substitute", flag, k, m[k])
			}
		}
	}
	return nil
}

// envName is a name the runner can read from its environment.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkNotify checks a notification target: empty, env:NAME, or an http
// or https URL without {{, which Argo's controller would substitute.
func checkNotify(v string) error {
	if name, ok := strings.CutPrefix(v, "env:"); ok {
		if !envName.MatchString(name) {
			return errors.New("env: names an environment variable (letters, digits and _)")
		}
		return nil
	}
	if u, err := url.Parse(v); v != "" && (err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || strings.Contains(v, "{{")) {
		return errors.New("want an http or https URL without {{, or env:NAME")
	}
	return nil
}

// checkRuns checks the settings of pods' security, garbage collection and
// the CronWorkflow.
func (o *Options) checkRuns() error {
	for _, t := range o.Tolerations {
		if _, err := ParseToleration(t); err != nil {
			return fmt.Errorf("--toleration %q: %w", t, err)
		}
	}
	for flag, id := range map[string]*int64{"--run-as-user": o.RunAsUser, "--run-as-group": o.RunAsGroup, "--fs-group": o.FSGroup} {
		if id != nil && (*id < 0 || *id > math.MaxInt32) {
			return fmt.Errorf("%s %d: want an id from 0 to %d", flag, *id, math.MaxInt32)
		}
	}
	if o.RunAsNonRoot && o.RunAsUser != nil && *o.RunAsUser == 0 {
		return errors.New("--run-as-non-root with --run-as-user 0: root is not non-root")
	}
	switch o.PodGC {
	case "", "OnPodCompletion", "OnPodSuccess", "OnWorkflowCompletion", "OnWorkflowSuccess":
	default:
		return fmt.Errorf("--pod-gc %q: want OnPodCompletion, OnPodSuccess, OnWorkflowCompletion or OnWorkflowSuccess", o.PodGC)
	}
	if o.TTL < 0 || o.TTL%time.Second != 0 {
		return fmt.Errorf("--ttl %s must be a positive whole number of seconds, or 0 to keep finished runs", o.TTL)
	}
	switch o.ConcurrencyPolicy {
	case "", "Allow", "Forbid", "Replace":
	default:
		return fmt.Errorf("--concurrency-policy %q: want Allow, Forbid or Replace", o.ConcurrencyPolicy)
	}
	for flag, n := range map[string]*int{"--successful-history-limit": o.SuccessfulHistoryLimit, "--failed-history-limit": o.FailedHistoryLimit} {
		if n != nil && *n < 0 {
			return fmt.Errorf("%s %d: want a count of runs, 0 or more", flag, *n)
		}
	}
	if o.SensorNamespace != "" && !dns1123Label.MatchString(o.SensorNamespace) {
		return fmt.Errorf("--sensor-namespace %q is not a Kubernetes namespace name (lowercase letters, digits and -)", o.SensorNamespace)
	}
	return nil
}

// ParseToleration reads a toleration as kubectl taint writes a taint:
// KEY=VALUE:EFFECT tolerates that taint (operator Equal), KEY:EFFECT any
// value of KEY (Exists); without :EFFECT, every effect.
func ParseToleration(s string) (Toleration, error) {
	rest, effect, _ := strings.Cut(s, ":")
	key, value, hasValue := strings.Cut(rest, "=")
	t := Toleration{Key: key, Operator: "Exists", Effect: effect}
	if hasValue {
		t.Operator, t.Value = "Equal", value
	}
	if why := qualifiedName(key); why != "" {
		return t, fmt.Errorf("the key %q %s", key, why)
	}
	if why := labelValue(value); why != "" {
		return t, fmt.Errorf("the value %q %s", value, why)
	}
	switch effect {
	case "", "NoSchedule", "PreferNoSchedule", "NoExecute":
	default:
		return t, fmt.Errorf("the effect %q: want NoSchedule, PreferNoSchedule or NoExecute", effect)
	}
	return t, nil
}

// optional is a flag bound to a pointer field: nil until the flag is
// given, so that the zero Options leave the setting to Argo.
type optional[T int | int64] struct{ p **T }

func (o optional[T]) String() string {
	if *o.p == nil {
		return ""
	}
	return strconv.FormatInt(int64(**o.p), 10)
}

func (o optional[T]) Set(s string) error {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || int64(T(n)) != n {
		return fmt.Errorf("%q is not a whole number", s)
	}
	v := T(n)
	*o.p = &v
	return nil
}

func (o optional[T]) Type() string { return "int" }
