package argo

import (
	"encoding/json"
	"fmt"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// MaxObjectBytes is the most a Kubernetes object may hold: etcd refuses
// larger requests (1.5 MiB by default), and Argo's own limit for a
// workflow's stored objects is 1 MiB. flowc keeps every object it emits, as
// the JSON the API server stores, under it.
const MaxObjectBytes = 1 << 20

// MaxTemplateBytes is the most flowc lets a WorkflowTemplate hold. A
// Workflow that runs it (by workflowTemplateRef, as flowc trigger, the
// CronWorkflow and the Sensor do) stores the template's whole spec in its
// status (status.storedWorkflowTemplateSpec, workflow/controller/operator.go
// of Argo), next to one status entry per task, and Argo fails a Workflow
// whose JSON passes 1 MiB even with its node status compressed
// (workflow/packer, MAX_WORKFLOW_SIZE). Half of the object is left to the
// node status.
const MaxTemplateBytes = MaxObjectBytes / 2

// ObjectSize is one emitted object's size as JSON.
type ObjectSize struct {
	Kind, Name string
	Bytes      int
}

// Sizes returns the JSON size of every object.
func (o *Objects) Sizes() ([]ObjectSize, error) {
	var out []ObjectSize
	for _, obj := range o.List() {
		data, err := json.Marshal(obj)
		if err != nil {
			return nil, err
		}
		var meta struct {
			Kind     string
			Metadata ObjectMeta
		}
		if err := json.Unmarshal(data, &meta); err != nil {
			return nil, err
		}
		out = append(out, ObjectSize{Kind: meta.Kind, Name: meta.Metadata.Name, Bytes: len(data)})
	}
	return out, nil
}

// checkSizes reports an object over MaxObjectBytes at the flow: a flow of
// thousands of steps that the cluster would refuse at deploy time. The
// width of a foreach never counts: only a count passes through Argo.
func checkSizes(f *ir.Flow, dir string, o *Objects) (diag.List, error) {
	sizes, err := o.Sizes()
	if err != nil {
		return nil, err
	}
	var l diag.List
	for _, s := range sizes {
		switch {
		case s.Kind == "WorkflowTemplate" && s.Bytes > MaxTemplateBytes:
			l.Add(position(dir, f.Pos), diag.TargetLimit, "%s", fmt.Sprintf(
				"the WorkflowTemplate would be %d bytes; every Workflow that runs it stores it whole in its status next to one entry per task, under Kubernetes' %d bytes per object, so flowc keeps it under %d: split the flow into flows that trigger each other (//flow:trigger_on_finish)",
				s.Bytes, MaxObjectBytes, MaxTemplateBytes))
		case s.Bytes > MaxObjectBytes:
			l.Add(position(dir, f.Pos), diag.TargetLimit, "%s", fmt.Sprintf(
				"the %s would be %d bytes; Kubernetes stores at most %d per object: split the flow into flows that trigger each other (//flow:trigger_on_finish)",
				s.Kind, s.Bytes, MaxObjectBytes))
		}
	}
	return l, nil
}
