package datastore

// The keys below hold documents that the runner, the executor, the client
// and the UI all read. They live here, with the rest of the key layout, so
// that a reader of runs needs no part of the task runner.

// PlanKey is the key of a run's plan (the IR's JSON document): the runner of
// every task reads the flow's graph and directives from it.
func PlanKey(flow, run string) string { return flow + "/" + run + "/_plan.json" }

// StepPlanKey is the key of the part of a run's plan that one step's tasks
// read: the step, the steps that lead to it and the split it closes. A task
// reads this small document instead of the whole plan, whose decoding would
// cost every task of a 1,000-step flow about 13 ms.
func StepPlanKey(flow, run, step string) string {
	return flow + "/" + run + "/_plan/" + step + ".json"
}

// ParamsStep and ParamsTask name the pseudo task that holds a run's
// parameters and configs, as Metaflow's _parameters task does.
const (
	ParamsStep = "_parameters"
	ParamsTask = "0"
)

// ExitHookStep is the pseudo step whose tasks, one per exit hook function
// (the task id is the function's name), hold the exit hooks' logs.
const ExitHookStep = "_exit_hook"
