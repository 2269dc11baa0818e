package argo

import (
	"fmt"

	"github.com/flowc-dev/flowc/ir"
)

// NewRun makes the Workflow that runs f's deployed template (flowc
// trigger argo) with the parameter values given, by parameter name, as the
// text flowc run takes. Each is checked against its parameter's type; a
// parameter not given takes the template's default, and a required one
// without a default is an error. Every error is about the values given.
func NewRun(f *ir.Flow, given map[string]string) (*Workflow, error) {
	name, err := TemplateName(f)
	if err != nil {
		return nil, err
	}
	wf := &Workflow{
		APIVersion: apiVersion,
		Kind:       "Workflow",
		Metadata:   ObjectMeta{GenerateName: name + "-", Labels: map[string]string{"app.kubernetes.io/managed-by": "flowc", "flowc.dev/flow": name}},
		Spec:       WorkflowSpec{WorkflowTemplateRef: &WorkflowTemplateRef{Name: name}},
	}
	for _, p := range f.Params {
		raw, ok := given[p.Name]
		if !ok {
			if p.Required && p.Default == nil {
				return nil, fmt.Errorf("parameter --%s is required", p.Name)
			}
			continue
		}
		if _, err := ir.ParseValue(p.Type, p.Separator, raw); err != nil {
			return nil, fmt.Errorf("--%s: %v", p.Name, err)
		}
		if wf.Spec.Arguments == nil {
			wf.Spec.Arguments = &Arguments{}
		}
		wf.Spec.Arguments.Parameters = append(wf.Spec.Arguments.Parameters, Parameter{Name: p.Name, Value: &raw})
	}
	return wf, nil
}
