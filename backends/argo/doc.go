// Package argo is the Argo Workflows target: it compiles a flow into a
// WorkflowTemplate, plus a CronWorkflow for //flow:schedule and an Argo
// Events Sensor for //flow:trigger and //flow:trigger_on_finish, as one YAML
// stream. Every step is a container running the flow's task runner
// (ir.RunnerPath) with an argument array, never a shell; task ids are
// the runtime's deterministic ids, so no list of inputs travels through
// Argo. The objects are flowc's own typed structs (types.go), marshalled
// once with sigs.k8s.io/yaml.
//
// Like every target it imports ir and diag only; what Argo cannot express
// is a diagnostic at the directive's position. It talks to no cluster:
// cmd/flowc's deploy argo does that.
package argo
