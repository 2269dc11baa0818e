package ir

// RunnerPath is where a flow's task runner binary is in its container image:
// flowc package puts it there, and the workflows that the argo and
// step-functions backends compile run it from there.
const RunnerPath = "/flowc/runner"

// RunnerExitNoRetry is the task runner's exit code for a failure that no
// retry can help (a transition the plan does not allow, a foreach too
// wide, an input that cannot be read; Metaflow's code): an engine must not
// retry the attempt, nor catch its failure.
const RunnerExitNoRetry = 202
