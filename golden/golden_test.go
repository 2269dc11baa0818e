package golden_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/backends/argo"
	_ "github.com/flowc-dev/flowc/backends/local"
	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/project"
	"github.com/flowc-dev/flowc/show"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const examplesDir = "../examples"
const goldenDir = "testdata/examples"

// snapshot is one golden file and how to make it.
type snapshot struct {
	name string
	make func(t *testing.T, f *ir.Flow, dir string) []byte
}

// snapshots are the files made for every example: the plan and every
// other target's output, the text of flowc show and the Graphviz graph.
func snapshots() []snapshot {
	out := []snapshot{
		{"show.txt", func(t *testing.T, f *ir.Flow, _ string) []byte {
			var b bytes.Buffer
			if err := show.Text(&b, f); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}},
		{"dot", func(t *testing.T, f *ir.Flow, _ string) []byte {
			var b bytes.Buffer
			if err := show.Dot(&b, f); err != nil {
				t.Fatal(err)
			}
			return b.Bytes()
		}},
	}
	for _, name := range backends.Names() {
		out = append(out, snapshot{name, func(t *testing.T, f *ir.Flow, dir string) []byte {
			return compile(t, name, f, dir)
		}})
	}
	return out
}

// compile runs a target and joins its files, each under a header line, so
// one golden file holds a target's whole output.
func compile(t *testing.T, target string, f *ir.Flow, dir string) []byte {
	tg, err := backends.Lookup(target)
	if err != nil {
		t.Fatal(err)
	}
	// A flow in a project compiles for a remote target on user ana's
	// default branch, as flowc compile resolves it (user.ana); the local
	// plan is the flow as written, as flowc compile --target local writes
	// it (flowc run resolves the branch of each run).
	if target != "local" {
		proj, err := project.Resolve(f, "", false, "ana")
		if err != nil {
			t.Fatal(err)
		}
		f = project.Apply(f, proj)
	}
	files, diags, err := tg.Compile(f, goldenOptions(tg, dir))
	if err != nil {
		t.Fatalf("compile %s: %v", target, err)
	}
	if len(diags) > 0 {
		// A target that cannot express an example says why, at
		// positions: the golden file pins that instead of output.
		// Every line a comment, so that no tool reads it as output.
		return []byte("# flowc compile --target " + target + " rejects this example:\n# " +
			strings.ReplaceAll(diags.Relative(dir).Error(), "\n", "\n# ") + "\n")
	}
	if len(files) == 1 {
		return files[0].Data
	}
	var b bytes.Buffer
	for _, fl := range files {
		b.WriteString("# ---- " + fl.Name + " ----\n")
		b.Write(fl.Data)
	}
	return b.Bytes()
}

// goldenOptions are the settings the examples compile with for target
// tg: what a user passes to flowc compile for the remote targets. The
// local target ignores them.
func goldenOptions(tg backends.Target, dir string) backends.Options {
	o := tg.NewOptions()
	*o.Shared() = backends.Common{
		Dir:           dir,
		Image:         "registry.example.com/flowc/examples:v1",
		DatastoreRoot: "s3://flowc-examples/datastore",
	}
	switch o := o.(type) {
	case *argo.Options:
		o.Namespace = "flowc"
	case *stepfunctions.Options:
		o.JobQueue = "arn:aws:batch:eu-west-1:123456789012:job-queue/flowc"
		o.Role = "arn:aws:iam::123456789012:role/flowc"
	}
	return o
}

// examples lists the example packages.
func examples(t *testing.T) []string {
	ents, err := os.ReadDir(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) < 8 {
		t.Fatalf("found %d examples, want at least 8", len(names))
	}
	return names
}

// loadExample checks an example package and returns its one flow.
func loadExample(t *testing.T, name string) (*ir.Flow, string) {
	t.Helper()
	pkg, diags := check.Load(filepath.Join(examplesDir, name), parser.Options{})
	if len(diags) > 0 {
		t.Fatalf("example %s does not check clean:\n%v", name, diags)
	}
	f, err := check.Select(pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	return f, pkg.Dir
}

// TestExamples compares every example's snapshots with the golden files.
func TestExamples(t *testing.T) {
	want := map[string]bool{}
	for _, name := range examples(t) {
		for _, s := range snapshots() {
			want[name+"."+s.name] = true
		}
		t.Run(name, func(t *testing.T) {
			f, dir := loadExample(t, name)
			for _, s := range snapshots() {
				got := s.make(t, f, dir)
				path := filepath.Join(goldenDir, name+"."+s.name)
				if *update {
					if err := os.MkdirAll(goldenDir, 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				golden, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./golden -update to create it)", err)
				}
				if diff := cmp.Diff(string(golden), string(got)); diff != "" {
					t.Errorf("%s differs from its golden file (-golden +got):\n%s", path, diff)
				}
			}
		})
	}
	orphans(t, want)
}

// orphans fails on golden files that no example produces; -update deletes
// them.
func orphans(t *testing.T, want map[string]bool) {
	ents, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, e := range ents {
		if want[e.Name()] {
			continue
		}
		if *update {
			os.Remove(filepath.Join(goldenDir, e.Name()))
			continue
		}
		extra = append(extra, e.Name())
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("golden files that no example produces (delete them, or run -update): %v", extra)
	}
}

// TestDeterministic loads and compiles every example twice, from scratch,
// and wants the same bytes.
func TestDeterministic(t *testing.T) {
	for _, name := range examples(t) {
		t.Run(name, func(t *testing.T) {
			f1, dir := loadExample(t, name)
			f2, _ := loadExample(t, name)
			for _, s := range snapshots() {
				if a, b := s.make(t, f1, dir), s.make(t, f2, dir); !bytes.Equal(a, b) {
					t.Errorf("%s: two compilations differ", s.name)
				}
			}
		})
	}
}

// TestPlanRoundTrip decodes every example's plan and encodes it again: the
// plan is the IR, whole.
func TestPlanRoundTrip(t *testing.T) {
	for _, name := range examples(t) {
		t.Run(name, func(t *testing.T) {
			f, _ := loadExample(t, name)
			data, err := ir.Encode(f)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ir.Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			again, err := ir.Encode(back)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(data), string(again)); diff != "" {
				t.Errorf("plan changed in a round trip (-first +second):\n%s", diff)
			}
		})
	}
}
