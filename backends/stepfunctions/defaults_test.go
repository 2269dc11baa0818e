package stepfunctions_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/backends/stepfunctions"
)

// compileFiles compiles an example for step-functions and returns its
// files by suffix.
func compileFiles(t *testing.T, example string, opts backends.Options) map[string][]byte {
	t.Helper()
	f, dir := loadExample(t, example)
	tg, _ := backends.Lookup("step-functions")
	opts.Dir = dir
	files, diags, err := tg.Compile(f, opts)
	if err != nil || len(diags) > 0 {
		t.Fatal(err, diags)
	}
	out := map[string][]byte{}
	for _, fl := range files {
		out[strings.TrimPrefix(fl.Name, f.Name)] = fl.Data
	}
	return out
}

// TestDefaults wants, without --max-workers, every Map's MaxConcurrency
// at 100 (Metaflow's max-workers), and every job definition, without
// //flow:timeout, limited to 5 days an attempt (Metaflow's run time limit
// on Batch); --max-workers and //flow:timeout override them.
func TestDefaults(t *testing.T) {
	for _, tc := range []struct {
		workers, want int
	}{{0, stepfunctions.DefaultMaxWorkers}, {7, 7}} {
		opts := e2eOptions
		opts.MaxWorkers = tc.workers
		files := compileFiles(t, "foreach", opts)
		var m map[string]any
		if err := json.Unmarshal(files[".asl.json"], &m); err != nil {
			t.Fatal(err)
		}
		maps := 0
		walkStates(m, func(name string, st map[string]any) {
			if st["Type"] == "Map" {
				maps++
				if got, _ := st["MaxConcurrency"].(float64); int(got) != tc.want {
					t.Errorf("--max-workers %d: Map %s has MaxConcurrency %v, want %d", tc.workers, name, st["MaxConcurrency"], tc.want)
				}
			}
		})
		if maps < 2 {
			t.Fatalf("%d Map states, want the inline and the distributed", maps)
		}
	}
	files := compileFiles(t, "retrycatch", e2eOptions)
	var jobs []stepfunctions.JobDefinition
	if err := json.Unmarshal(files[".batch.json"], &jobs); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, jd := range jobs {
		if jd.Timeout == nil {
			t.Errorf("job definition %s has no attempt timeout", jd.JobDefinitionName)
			continue
		}
		seen[jd.Timeout.AttemptDurationSeconds] = true
	}
	if !seen[5*24*3600] || len(seen) < 2 {
		t.Errorf("attempt timeouts %v, want 5 days by default and a step's //flow:timeout", seen)
	}
}
