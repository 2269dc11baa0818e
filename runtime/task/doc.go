// Package task is the task runner's library: the generated main of a flow's
// runner calls Main with a description of the flow (its fields, a dispatch
// table of its steps, accessors of its foreach slices), and Main runs one
// task of one step, or records a run's parameters, against the datastore.
//
// The runner is the only process that runs user code, on every target. It
// loads the task's inputs, runs the step with panics recovered and a
// context cancelled at the timeout, checks the transition it returned
// against the plan, and saves every artifact that changed, content
// addressed. It never schedules anything; the executor (or an
// orchestrator) does.
package task
