// Package runtime will hold flowc's local runtime: the task-runner binary
// built from the user's package, the content-addressed datastore and the
// scheduler behind flowc run. It reads the execution plan (package ir) and
// never the user's source.
package runtime
