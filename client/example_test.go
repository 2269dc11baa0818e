package client_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/flow"
)

// The examples read runs of the repository's examples/foreach (flow
// WordCount) and examples/retrycatch (flow Report), which the test binary
// runs once into exampleRoot, as `flowc run --datastore-root` would.

// Open a datastore, take a flow's latest successful run and read an
// artifact of its End task.
func Example() {
	mustRunExample("foreach")
	c, err := client.Open(exampleRoot) // client.Default() opens ./.flowc
	if err != nil {
		panic(err)
	}
	run, err := c.Flow("WordCount").LatestSuccessfulRun()
	if err != nil {
		panic(err)
	}
	end, err := run.EndTask()
	if err != nil {
		panic(err)
	}
	var total int
	if err := end.Artifact("Total", &total); err != nil {
		panic(err)
	}
	fmt.Println(run.Status(), "total:", total)
	// Output: succeeded total: 29
}

// List a run's steps and the tasks of each.
func ExampleRun_Steps() {
	mustRunExample("foreach")
	c, _ := client.Open(exampleRoot)
	run, err := c.Flow("WordCount").LatestRun()
	if err != nil {
		panic(err)
	}
	steps, err := run.Steps()
	if err != nil {
		panic(err)
	}
	for _, s := range steps {
		tasks, err := s.Tasks()
		if err != nil {
			panic(err)
		}
		fmt.Println(s.Name(), len(tasks), "task(s)")
	}
	// Output:
	// Start 1 task(s)
	// Process 3 task(s)
	// Join 1 task(s)
	// End 1 task(s)
}

// Read each foreach task's artifact into a type of your own: decoding
// goes by field name, so a struct with the fields you need will do.
func ExampleStep_Tasks() {
	mustRunExample("foreach")
	c, _ := client.Open(exampleRoot)
	run, _ := c.Flow("WordCount").LatestRun()
	tasks, err := run.Step("Process").Tasks()
	if err != nil {
		panic(err)
	}
	for _, t := range tasks {
		var s struct {
			First string
			Words int
		}
		if err := t.Artifact("Summary", &s); err != nil {
			panic(err)
		}
		frame := t.ForeachStack()[0]
		fmt.Printf("task %s: element %d of %s: %q, %d words\n", t.ID(), frame.Index, frame.Var, s.First, s.Words)
	}
	// Output:
	// task 0: element 0 of Items: "Metaflow", 12 words
	// task 1: element 1 of Items: "a", 8 words
	// task 2: element 2 of Items: "each", 9 words
}

// Without the flow's types, an artifact decodes into maps, slices,
// strings and numbers.
func ExampleTask_ArtifactAny() {
	id := mustRunExample("foreach")
	c, _ := client.Open(exampleRoot)
	obj, err := c.Lookup("WordCount/" + id + "/Process/1")
	if err != nil {
		panic(err)
	}
	task := obj.(*client.Task)
	v, err := task.ArtifactAny("Summary")
	if err != nil {
		panic(err)
	}
	fmt.Println(task.Artifacts())
	fmt.Println(v)
	// Output:
	// [Items Summary]
	// map[First:a Index:1 Words:8]
}

// Lookup takes any pathspec and returns a *Flow, *Run, *Step or *Task.
func ExampleClient_Lookup() {
	id := mustRunExample("foreach")
	c, _ := client.Open(exampleRoot)
	for _, p := range []string{"WordCount", "WordCount/" + id, "WordCount/" + id + "/Join", "WordCount/" + id + "/Join/0"} {
		obj, err := c.Lookup(p)
		if err != nil {
			panic(err)
		}
		switch obj := obj.(type) {
		case *client.Flow:
			fmt.Println("flow", obj.Name())
		case *client.Run:
			fmt.Println("run", obj.Status())
		case *client.Step:
			fmt.Println("step", obj.Name())
		case *client.Task:
			fmt.Println("task", obj.ID(), obj.Successful())
		}
	}
	_, err := c.Lookup("WordCount/" + id + "/Nope")
	fmt.Println(errors.Is(err, client.ErrNotFound))
	_, err = c.Lookup("WordCount/1/Join/0/Total")
	fmt.Println(err)
	// Output:
	// flow WordCount
	// run succeeded
	// step Join
	// task 0 true
	// true
	// pathspec "WordCount/1/Join/0/Total": 5 components; want Flow, Flow/Run, Flow/Run/Step or Flow/Run/Step/Task
}

// A step that failed and was caught (//flow:catch) finished, but was not
// successful; its error is recorded, and the catch var holds it too.
func ExampleTask_Successful() {
	mustRunExample("retrycatch")
	c, _ := client.Open(exampleRoot)
	run, _ := c.Flow("Report").LatestRun()
	task, err := run.Step("Publish").Task("0")
	if err != nil {
		panic(err)
	}
	fmt.Println("finished:", task.Finished(), "successful:", task.Successful(), "status:", task.Status())
	var failure *flow.CaughtError
	if err := task.Artifact("Failure", &failure); err != nil {
		panic(err)
	}
	fmt.Println(failure.Step, failure.Attempt)
	fmt.Println(task.Error().(*client.TaskError).Message)
	// Output:
	// finished: true successful: false status: caught
	// Publish 0
	// publish summary: POST https://reports.example.com/upload (total 31): service unavailable
}

// A retried task shows its last attempt; AtAttempt and Logs reach the
// earlier ones.
func ExampleTask_AtAttempt() {
	mustRunExample("retrycatch")
	c, _ := client.Open(exampleRoot)
	run, _ := c.Flow("Report").LatestRun()
	task, err := run.Step("Fetch").Task("0")
	if err != nil {
		panic(err)
	}
	fmt.Println("attempts:", task.Attempts(), "shown:", task.Attempt(), task.Status())
	first, err := task.AtAttempt(0)
	if err != nil {
		panic(err)
	}
	fmt.Println(first.Status(), first.Error().(*client.TaskError).Message)
	log, err := task.Logs(client.Stderr, 1)
	if err != nil {
		panic(err)
	}
	fmt.Print(log)
	// Output:
	// attempts: [0 1 2] shown: 2 ok
	// failed fetch values, attempt 0: service unavailable
	// step Fetch failed: fetch values, attempt 1: service unavailable
}

// A run's parameters, by field name or CLI name.
func ExampleRun_Parameter() {
	mustRunExample("retrycatch")
	c, _ := client.Open(exampleRoot)
	run, _ := c.Flow("Report").LatestRun()
	var work time.Duration
	if err := run.Parameter("Work", &work); err != nil {
		panic(err)
	}
	var fails int
	if err := run.Parameter("fail-attempts", &fails); err != nil {
		panic(err)
	}
	params, _ := run.Parameters()
	fmt.Println(work, fails, params["Endpoint"])
	// Output: 100ms 2 https://reports.example.com/upload
}

// Runs carry their user's namespace as the system tag "user:NAME". A
// client shows only its namespace's runs: by default the current user's.
// The Demo datastore here has runs by ana and bob.
func ExampleClient_Namespace() {
	dir, _ := os.MkdirTemp("", "flowc-example-")
	defer os.RemoveAll(dir)
	root := filepath.Join(dir, ".flowc")
	if err := writeDemo(root); err != nil {
		panic(err)
	}
	c, _ := client.Open(root)
	for _, ns := range []string{"user:ana", "user:bob", client.Global} {
		runs, err := c.Namespace(ns).Flow("Demo").Runs()
		if err != nil {
			panic(err)
		}
		var ids []string
		for _, r := range runs {
			ids = append(ids, r.ID()+" "+string(r.Status()))
		}
		fmt.Printf("%q: %s\n", ns, strings.Join(ids, ", "))
	}
	_, err := c.Namespace("user:bob").Flow("Demo").Run("100")
	fmt.Println(err)
	// Output:
	// "user:ana": 300 running, 100 succeeded
	// "user:bob": 200 failed
	// "": 300 running, 200 failed, 100 succeeded
	// run Demo/100: not in namespace user:bob (its tags: [user:ana runtime:local exp])
}

// User tags mark runs; a tag is also a namespace.
func ExampleRun_AddTags() {
	dir, _ := os.MkdirTemp("", "flowc-example-")
	defer os.RemoveAll(dir)
	root := filepath.Join(dir, ".flowc")
	if err := writeDemo(root); err != nil {
		panic(err)
	}
	c, _ := client.Open(root)
	run, err := c.Namespace(client.Global).Flow("Demo").Run("200")
	if err != nil {
		panic(err)
	}
	if err := run.AddTags("flaky", "team:ml"); err != nil {
		panic(err)
	}
	fmt.Println(run.Tags(), run.SystemTags())
	runs, _ := c.Namespace("team:ml").Flow("Demo").Runs()
	fmt.Println(len(runs), runs[0].ID())
	fmt.Println(run.RemoveTags("user:bob"))
	// Output:
	// [flaky team:ml] [user:bob runtime:local]
	// 1 200
	// untag run Demo/200: user:bob is a system tag; system tags cannot be removed
}
