// Package client reads what flowc runs left in a datastore: the Go
// counterpart of Metaflow's client API (Flow, Run, Step, Task, artifacts,
// logs, tags and namespaces).
//
// The hierarchy is addressed by pathspecs, as in Metaflow:
//
//	Flow                  a flow: every run of one flow struct
//	Flow/Run              one run, by run id
//	Flow/Run/Step         one step of a run
//	Flow/Run/Step/Task    one task of a step, by task id ("0", "3-1", "0.2")
//
// Walk it from [Client.Flow], or jump to any level with [Client.Lookup]:
//
//	c, err := client.Default() // the .flowc datastore in the working directory
//	run, err := c.Flow("WordCount").LatestSuccessfulRun()
//	task, err := run.Step("Join").Task("0")
//	var total int
//	err = task.Artifact("Total", &total)
//
// Artifacts decode into the caller's own types ([Task.Artifact]) or, without
// the flow's types, into maps, slices, strings and numbers
// ([Task.ArtifactAny]).
//
// Namespaces work as in Metaflow: every run carries the system tag
// "user:NAME" of the user who started it, and a Client shows only the runs
// whose tags hold its namespace, by default [DefaultNamespace] (the current
// user's). [Client.Namespace] with [Global] shows every run.
//
// Objects are snapshots: a Run or Task holds the documents it was read
// from, and a running run's later progress needs a new lookup.
//
// The package only reads the datastore, apart from a run's user tags
// ([Run.AddTags], [Run.RemoveTags]). It never runs a flow and never imports
// the flow's code: package runtime/exec runs flows.
package client
