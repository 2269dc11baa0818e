package flow

// RunInfo is what an exit hook learns of the run that ended. An exit hook
// is a function of the flow's package named by //flow:exit_hook, of the
// signature
//
//	func(ctx context.Context, r flow.RunInfo) error
//
// It runs once when the run ends (locally, on Argo and on Step Functions),
// in a process of its own; what it prints is kept as its log
// (flowc logs FLOW/RUN/_exit_hook/NAME), and its failure never changes the
// run's result.
type RunInfo struct {
	Flow     string // the flow's name
	RunID    string
	Pathspec string // Flow/RunID
	// Status is "succeeded" or "failed".
	Status string
	// FailedTask is the pathspec of the task that failed the run, when it
	// is known; Error says why the run failed, when it is known.
	FailedTask string
	Error      string
}

// Succeeded reports whether the run succeeded.
func (r RunInfo) Succeeded() bool { return r.Status == "succeeded" }
