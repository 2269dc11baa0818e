package argo

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
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
}

// NewOptions returns the argo target's options with their defaults.
func (Target) NewOptions() backends.Options {
	return &Options{WorkflowTimeout: DefaultWorkflowDeadline * time.Second}
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
