// Package sched holds Metaflow's run-time graph semantics, free of
// processes and storage: given a flow's plan, which tasks exist, which of
// them are ready when a task finishes with the transition it took, what
// their inputs and foreach frames are, and their deterministic task ids.
// The local executor drives it; the same ids and rules let orchestrator
// backends find a join's inputs without passing lists around.
package sched
