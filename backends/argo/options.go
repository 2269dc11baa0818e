package argo

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

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
}

// NewOptions returns the argo target's options with their defaults.
func (Target) NewOptions() backends.Options { return &Options{} }

// Flags registers argo's own flags.
func (o *Options) Flags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Namespace, "namespace", o.Namespace, "the Kubernetes namespace")
	fs.StringVar(&o.EventURL, "event-url", o.EventURL, "post flowc.FLOW.end to this URL when a run succeeds (an Argo Events webhook, for //flow:trigger_on_finish)")
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
	if o.Namespace != "" && !dns1123Label.MatchString(o.Namespace) {
		return fmt.Errorf("--namespace %q is not a Kubernetes namespace name (lowercase letters, digits and -)", o.Namespace)
	}
	if o.MaxWorkers < 0 {
		return fmt.Errorf("--max-workers must not be negative, got %d", o.MaxWorkers)
	}
	return nil
}
