package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	wfv1 "github.com/argoproj/argo-workflows/v4/pkg/apis/workflow/v1alpha1"
	"github.com/argoproj/argo-workflows/v4/workflow/templateresolution"
	"github.com/argoproj/argo-workflows/v4/workflow/validate"
)

// sensor is the part of Argo Events' Sensor (argoproj.io/v1alpha1) that
// flowc emits, field names as in Argo Events' types. Decoded strictly, a
// field flowc writes that Argo Events does not have fails.
type sensor struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name        string            `json:"name"`
		Namespace   string            `json:"namespace,omitempty"`
		Labels      map[string]string `json:"labels,omitempty"`
		Annotations map[string]string `json:"annotations,omitempty"`
	} `json:"metadata"`
	Spec struct {
		EventBusName string `json:"eventBusName,omitempty"`
		Template     *struct {
			ServiceAccountName string `json:"serviceAccountName,omitempty"`
		} `json:"template,omitempty"`
		Dependencies []struct {
			Name            string `json:"name"`
			EventSourceName string `json:"eventSourceName"`
			EventName       string `json:"eventName"`
			Filters         *struct {
				Data []struct {
					Path  string   `json:"path"`
					Type  string   `json:"type"`
					Value []string `json:"value"`
				} `json:"data,omitempty"`
			} `json:"filters,omitempty"`
		} `json:"dependencies"`
		Triggers []struct {
			Template struct {
				Name       string      `json:"name"`
				Conditions string      `json:"conditions,omitempty"`
				K8s        *k8sTrigger `json:"k8s"`
			} `json:"template"`
		} `json:"triggers"`
	} `json:"spec"`
}

// k8sTrigger is a trigger that creates a Kubernetes object.
type k8sTrigger struct {
	Operation string `json:"operation"`
	Source    struct {
		Resource json.RawMessage `json:"resource"`
	} `json:"source"`
	Parameters []struct {
		Src struct {
			DependencyName string  `json:"dependencyName"`
			DataKey        string  `json:"dataKey"`
			Value          *string `json:"value,omitempty"`
		} `json:"src"`
		Dest string `json:"dest"`
	} `json:"parameters,omitempty"`
}

var (
	dnsName    = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	depName    = regexp.MustCompile(`^[A-Za-z0-9][-A-Za-z0-9_.]*$`)
	paramDest  = regexp.MustCompile(`^spec\.arguments\.parameters\.(\d+)\.value$`)
	filterType = map[string]bool{"string": true, "number": true, "bool": true}
)

// check is the structural check: names, dependencies, and a trigger that
// creates a Workflow which Argo's validator accepts, whose parameters the
// trigger's destinations exist in.
func (s *sensor) check(ctx context.Context, getter templates) error {
	if len(s.Metadata.Name) > 253 || !dnsName.MatchString(s.Metadata.Name) {
		return fmt.Errorf("metadata.name %q is not a DNS subdomain", s.Metadata.Name)
	}
	if len(s.Spec.Dependencies) == 0 {
		return fmt.Errorf("spec.dependencies is empty")
	}
	deps := map[string]bool{}
	for i, d := range s.Spec.Dependencies {
		switch {
		case !depName.MatchString(d.Name):
			return fmt.Errorf("dependencies[%d].name %q is not valid", i, d.Name)
		case deps[d.Name]:
			return fmt.Errorf("dependencies[%d].name %q is repeated", i, d.Name)
		case d.EventSourceName == "" || d.EventName == "":
			return fmt.Errorf("dependencies[%d] needs eventSourceName and eventName", i)
		}
		deps[d.Name] = true
		if d.Filters != nil {
			for j, f := range d.Filters.Data {
				if f.Path == "" || !filterType[f.Type] || len(f.Value) == 0 {
					return fmt.Errorf("dependencies[%d].filters.data[%d] needs a path, a type (string, number, bool) and values", i, j)
				}
			}
		}
	}
	if len(s.Spec.Triggers) == 0 {
		return fmt.Errorf("spec.triggers is empty")
	}
	for i, t := range s.Spec.Triggers {
		for _, name := range conditionNames.FindAllString(t.Template.Conditions, -1) {
			if !deps[name] {
				return fmt.Errorf("triggers[%d].template.conditions %q names %q, which is no dependency", i, t.Template.Conditions, name)
			}
		}
		if err := checkTrigger(ctx, getter, deps, t.Template.Name, t.Template.K8s); err != nil {
			return fmt.Errorf("triggers[%d]: %w", i, err)
		}
	}
	return nil
}

// conditionNames finds the dependency names of a trigger's conditions
// (an expression of names, &&, || and parentheses).
var conditionNames = regexp.MustCompile(`[A-Za-z0-9_.-]+`)

// checkTrigger checks a k8s trigger that creates a Workflow.
func checkTrigger(ctx context.Context, getter templates, deps map[string]bool, name string, tr *k8sTrigger) error {
	if name == "" || tr == nil {
		return fmt.Errorf("needs template.name and template.k8s")
	}
	if tr.Operation != "create" {
		return fmt.Errorf("k8s.operation %q: flowc's sensors create Workflows", tr.Operation)
	}
	var wf wfv1.Workflow
	dec := json.NewDecoder(bytes.NewReader(tr.Source.Resource))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&wf); err != nil {
		return fmt.Errorf("k8s.source.resource: %w", err)
	}
	if wf.APIVersion != apiVersion || wf.Kind != "Workflow" {
		return fmt.Errorf("k8s.source.resource is %s %s, want %s Workflow", wf.APIVersion, wf.Kind, apiVersion)
	}
	if err := validate.ValidateWorkflow(ctx, getter, &templateresolution.NullClusterWorkflowTemplateGetter{}, &wf, nil, validate.ValidateOpts{Lint: true}); err != nil {
		return fmt.Errorf("the Workflow it creates: %w", err)
	}
	for j, p := range tr.Parameters {
		if !deps[p.Src.DependencyName] {
			return fmt.Errorf("k8s.parameters[%d].src.dependencyName %q is no dependency", j, p.Src.DependencyName)
		}
		if p.Src.DataKey == "" {
			return fmt.Errorf("k8s.parameters[%d].src.dataKey is empty", j)
		}
		m := paramDest.FindStringSubmatch(p.Dest)
		if m == nil {
			return fmt.Errorf("k8s.parameters[%d].dest %q is not spec.arguments.parameters.N.value", j, p.Dest)
		}
		if n, _ := strconv.Atoi(m[1]); n >= len(wf.Spec.Arguments.Parameters) {
			return fmt.Errorf("k8s.parameters[%d].dest %q: the Workflow has %d parameters", j, p.Dest, len(wf.Spec.Arguments.Parameters))
		}
	}
	return nil
}
