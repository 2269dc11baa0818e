package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"reflect"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/runtime/codec"
)

func newDump() *cobra.Command {
	var sf storeFlags
	var nf nsFlags
	var asJSON bool
	c := &cobra.Command{
		Use:   "dump PATHSPEC",
		Short: "Print the artifacts of a task, a step's tasks, or a run's End task",
		Long: `Dump prints the artifacts of the tasks PATHSPEC names: Flow/Run/Step/Task
for one task, Flow/Run/Step for every task of a step (one block each),
Flow/Run for the run's End task. Each artifact is shown with its Go type
and a one-line preview of its value.

With --json it prints the values in full, decoded without the flow's Go
types: a JSON object from artifact name to value, or for a step an object
from task pathspec to such objects. NaN and infinities become the strings
"NaN", "+Inf" and "-Inf", byte strings base64.`,
		Args: onePathspec("dump"),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := pathspecArg("dump", args[0], 2, 4, "Flow/Run, Flow/Run/Step or Flow/Run/Step/Task")
			if err != nil {
				return err
			}
			tasks, err := sf.tasks(p, &nf)
			if err != nil {
				return err
			}
			if asJSON {
				return dumpJSON(cmd.OutOrStdout(), tasks, p.Depth() == 3)
			}
			return dumpText(cmd.OutOrStdout(), tasks)
		},
	}
	sf.register(c.Flags())
	nf.register(c.Flags(), "find Flow/latest")
	c.Flags().BoolVar(&asJSON, "json", false, "print the values in full as JSON")
	return c
}

// dumpText prints one block per task: its pathspec and attempt, then a
// line per artifact.
func dumpText(out io.Writer, tasks []*client.Task) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for i, t := range tasks {
		if i > 0 {
			fmt.Fprintln(w)
		}
		cached := ""
		if t.Cached() {
			cached = ", cached from " + t.Origin()
		}
		fmt.Fprintf(w, "%s (attempt %d, %s%s)\n", t.Pathspec(), t.Attempt(), t.Status(), cached)
		var te *client.TaskError
		if errors.As(t.Error(), &te) {
			fmt.Fprintf(w, "  error: %s\n", te.Message)
		}
		names := t.Artifacts()
		if len(names) == 0 {
			fmt.Fprintln(w, "  no artifacts")
		}
		for _, name := range names {
			info, _ := t.ArtifactInfo(name)
			v, err := t.ArtifactAny(name)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "  %s\t%s\t%s\n", name, info.GoType, codec.PreviewAs(v, info.GoType, codec.DefaultPreview))
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// dumpJSON prints the tasks' artifacts as one JSON object: name to value
// for a single task, task pathspec to such an object for a step.
func dumpJSON(out io.Writer, tasks []*client.Task, byTask bool) error {
	all := map[string]map[string]any{}
	for _, t := range tasks {
		vals := map[string]any{}
		for _, name := range t.Artifacts() {
			v, err := t.ArtifactAny(name)
			if err != nil {
				return err
			}
			vals[name] = jsonValue(v)
		}
		all[t.Pathspec()] = vals
	}
	var doc any = all
	if !byTask {
		doc = all[tasks[0].Pathspec()]
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// jsonValue turns what codec.DecodeAny returns into something
// encoding/json can encode: maps with non-string keys get their keys
// printed, non-finite floats become strings, anything else unknown (a
// CBOR tag no flowc type wrote) its fmt rendering.
func jsonValue(v any) any {
	switch v := v.(type) {
	case float64:
		return jsonFloat(v)
	case float32:
		return jsonFloat(float64(v))
	case []float64:
		return jsonFloats(v)
	case []float32:
		return jsonFloats(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = jsonValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = jsonValue(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[fmt.Sprint(k)] = jsonValue(e)
		}
		return out
	case *big.Int, nil, bool, string, int64, uint64, []byte:
		return v
	}
	// Typed arrays of integers and time.Time encode as they are.
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice || rv.Type().Implements(reflect.TypeFor[json.Marshaler]()) {
		return v
	}
	return fmt.Sprint(v)
}

func jsonFloat(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return f
}

func jsonFloats[F float32 | float64](fs []F) any {
	for _, f := range fs {
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			out := make([]any, len(fs))
			for i, f := range fs {
				out[i] = jsonFloat(float64(f))
			}
			return out
		}
	}
	return fs
}
