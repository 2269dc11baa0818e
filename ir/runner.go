package ir

// RunnerPath is where a flow's task runner binary is in its container image:
// flowc package puts it there, and the workflows that the argo and
// step-functions backends compile run it from there.
const RunnerPath = "/flowc/runner"
