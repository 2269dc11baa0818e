// Package stepfunctions is the "step-functions" target: it compiles a flow
// into an AWS Step Functions state machine (Amazon States Language, JSONPath
// mode), the AWS Batch job definitions its Task states submit, an
// EventBridge Scheduler schedule for //flow:schedule and EventBridge rules
// for //flow:trigger and //flow:trigger_on_finish.
//
// Every step is a Task state that submits a Batch job running the flow's
// task runner (ir.RunnerPath) with an argument array; the run id is
// the execution name and task ids are the deterministic ids of
// runtime/sched, computed by the state machine from the ids the foreach
// tasks record. Nothing but ids travels through the state payload: the
// runner finds its inputs in the datastore, a conditional's choice is read
// from the task's DONE.json and a foreach's items from its foreach.json.
//
// The output is typed Go structs marshalled once, so compiling twice gives
// the same bytes. This package imports ir and diag only; it must not import
// the parser, the runtime or another target.
package stepfunctions
