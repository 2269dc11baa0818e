package deploy

import (
	"context"
	"encoding/json"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/flowc-dev/flowc/backends/argo"
)

// ManagedBy is the label every object flowc makes carries; flowc changes
// and deletes only objects that carry it.
const ManagedBy = "app.kubernetes.io/managed-by"

// Change is one thing Apply or Delete did to the cluster.
type Change struct {
	Verb      string // created, updated or deleted
	Object    string // workflowtemplate.argoproj.io/NAME
	Namespace string
	Why       string // for a deletion by Apply: why the object went
}

// String says what happened, as flowc prints it.
func (c Change) String() string {
	s := fmt.Sprintf("%s %s in namespace %s", c.Verb, c.Object, c.Namespace)
	if c.Why != "" {
		s += ": " + c.Why
	}
	return s
}

// Apply creates or updates each of objs in the cluster, and deletes the
// CronWorkflow and Sensor flowc made before when the flow no longer asks
// for them. It returns what it did, up to an error.
func Apply(ctx context.Context, c *Cluster, objs *argo.Objects) ([]Change, error) {
	name := objs.Template.Metadata.Name
	if objs.Sensor != nil {
		// The Workflow the Sensor creates goes where its template is.
		for _, tr := range objs.Sensor.Spec.Triggers {
			if r := tr.Template.K8s.Source.Resource; r.Metadata.Namespace == "" {
				r.Metadata.Namespace = c.Namespace
			}
		}
	}
	steps := []struct {
		gvr schema.GroupVersionResource
		obj any
		nil bool
	}{{Templates, objs.Template, false}, {Crons, objs.Cron, objs.Cron == nil}, {Sensors, objs.Sensor, objs.Sensor == nil}}
	var done []Change
	for _, s := range steps {
		var ch *Change
		var err error
		in := c
		if s.gvr == Sensors && objs.SensorNamespace != "" {
			// The Sensor goes where Argo Events runs.
			in = &Cluster{Dynamic: c.Dynamic, Core: c.Core, Namespace: objs.SensorNamespace}
		}
		if s.nil {
			ch, err = deleteStale(ctx, in, s.gvr, name)
		} else {
			ch, err = apply(ctx, in, s.gvr, s.obj)
		}
		if ch != nil {
			done = append(done, *ch)
		}
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// toUnstructured turns one of argo's typed objects into the form the
// dynamic client sends, in namespace ns.
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

// Managed reports whether flowc made an existing object.
func Managed(u *unstructured.Unstructured) bool {
	return u.GetLabels()[ManagedBy] == "flowc"
}

// apply creates obj, or updates it in place when it exists and flowc made
// it; an object of the same name that flowc did not make is left alone.
func apply(ctx context.Context, c *Cluster, gvr schema.GroupVersionResource, obj any) (*Change, error) {
	u, err := toUnstructured(obj, c.Namespace)
	if err != nil {
		return nil, err
	}
	rc, ns := c.resource(gvr), c.Namespace
	w := what(gvr, u.GetName())
	old, err := rc.Get(ctx, u.GetName(), metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		if _, err := rc.Create(ctx, u, metav1.CreateOptions{}); err != nil {
			return nil, fmt.Errorf("create %s in namespace %s: %w", w, ns, err)
		}
		return &Change{Verb: "created", Object: w, Namespace: ns}, nil
	case err != nil:
		return nil, fmt.Errorf("get %s in namespace %s: %w", w, ns, err)
	case !Managed(old):
		return nil, fmt.Errorf("%s already exists in namespace %s and flowc did not make it (no label %s=flowc); delete or rename it", w, ns, ManagedBy)
	}
	u.SetResourceVersion(old.GetResourceVersion())
	if _, err := rc.Update(ctx, u, metav1.UpdateOptions{}); err != nil {
		return nil, fmt.Errorf("update %s in namespace %s: %w", w, ns, err)
	}
	return &Change{Verb: "updated", Object: w, Namespace: ns}, nil
}

// deleteStale deletes the object flowc made under name, if there is one.
func deleteStale(ctx context.Context, c *Cluster, gvr schema.GroupVersionResource, name string) (*Change, error) {
	ch, err := deleteOwned(ctx, c, gvr, name)
	if ch != nil {
		ch.Why = "the flow no longer asks for it"
	}
	return ch, err
}

// deleteOwned deletes the object name of gvr when flowc made it; nil when
// there is none, or it is not flowc's.
func deleteOwned(ctx context.Context, c *Cluster, gvr schema.GroupVersionResource, name string) (*Change, error) {
	rc, ns := c.resource(gvr), c.Namespace
	w := what(gvr, name)
	old, err := rc.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) || err == nil && !Managed(old) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get %s in namespace %s: %w", w, ns, err)
	}
	if err := rc.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("delete %s in namespace %s: %w", w, ns, err)
	}
	return &Change{Verb: "deleted", Object: w, Namespace: ns}, nil
}

// Submit creates wf, a run of a deployed template, after checking that the
// template is there, and returns the Workflow's name: the run id.
func Submit(ctx context.Context, c *Cluster, wf *argo.Workflow) (string, error) {
	tmpl, ns := wf.Spec.WorkflowTemplateRef.Name, c.Namespace
	if _, err := c.resource(Templates).Get(ctx, tmpl, metav1.GetOptions{}); apierrors.IsNotFound(err) {
		return "", fmt.Errorf("workflowtemplate.argoproj.io/%s is not in namespace %s: deploy the flow first (flowc deploy argo)", tmpl, ns)
	} else if err != nil {
		return "", fmt.Errorf("get workflowtemplate.argoproj.io/%s in namespace %s: %w", tmpl, ns, err)
	}
	u, err := toUnstructured(wf, ns)
	if err != nil {
		return "", err
	}
	made, err := c.resource(Workflows).Create(ctx, u, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("submit a workflow of %s in namespace %s: %w", tmpl, ns, err)
	}
	return made.GetName(), nil
}
