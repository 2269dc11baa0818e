// Package exec is flowc's local executor: it builds a flow's task runner,
// records the run, and runs its tasks as subprocesses of the runner, at most
// MaxWorkers at once, in the order package sched makes them ready. It
// retries failed attempts, kills attempts at their timeout, asks the runner
// to record a caught failure when a process died, stops every task when one
// fails for good or the run is interrupted, and keeps each attempt's logs.
//
// It never runs user code itself and never decodes an artifact: the runner
// does both.
package exec
