package flow_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/flow"
	"github.com/google/go-cmp/cmp"
)

type settings struct{ Bucket string }

// joinFlow has a field of every kind MergeArtifacts tells apart.
type joinFlow struct {
	Alpha   float64  `flow:"param" default:"0.5"`
	Seed    int      `flow:"param,name=random-seed"`
	Cfg     settings `flow:"config,name=cfg"`
	Note    string   `flow:"paramX"` // not a param: the first word must match exactly
	Model   string
	Score   float64
	Scores  map[string]float64
	Tags    []string
	Best    *settings
	Failure *flow.CaughtError
	scratch int
}

var allowScratch = cmp.AllowUnexported(joinFlow{})

func TestMergeArtifacts(t *testing.T) {
	tests := []struct {
		name   string
		dst    joinFlow
		inputs []joinFlow
		opts   []flow.MergeOption
		want   joinFlow
	}{
		{
			name:   "disjoint artifacts",
			inputs: []joinFlow{{Model: "forest"}, {Score: 0.9}},
			want:   joinFlow{Model: "forest", Score: 0.9},
		},
		{
			name:   "equal values",
			inputs: []joinFlow{{Model: "forest", Tags: []string{"a"}}, {Model: "forest", Tags: []string{"a"}}},
			want:   joinFlow{Model: "forest", Tags: []string{"a"}},
		},
		{
			name: "deeply equal maps and pointers",
			inputs: []joinFlow{
				{Scores: map[string]float64{"a": 1}, Best: &settings{"x"}},
				{Scores: map[string]float64{"a": 1}, Best: &settings{"x"}},
			},
			want: joinFlow{Scores: map[string]float64{"a": 1}, Best: &settings{"x"}},
		},
		{
			name:   "zero is unset",
			inputs: []joinFlow{{Score: 0, Model: ""}, {Score: 0.5}, {Model: "svm"}},
			want:   joinFlow{Score: 0.5, Model: "svm"},
		},
		{
			name:   "dst's own value wins over a conflict",
			dst:    joinFlow{Model: "chosen"},
			inputs: []joinFlow{{Model: "forest", Score: 1}, {Model: "svm"}},
			want:   joinFlow{Model: "chosen", Score: 1},
		},
		{
			name:   "params, configs and unexported fields are not merged",
			inputs: []joinFlow{{Alpha: 0.1, Seed: 3, Cfg: settings{"b"}, scratch: 1, Note: "n"}},
			want:   joinFlow{Note: "n"},
		},
		{
			name: "caught error",
			inputs: []joinFlow{
				{Failure: &flow.CaughtError{Step: "Publish", Message: "boom"}},
				{},
			},
			want: joinFlow{Failure: &flow.CaughtError{Step: "Publish", Message: "boom"}},
		},
		{
			name:   "Exclude skips a conflict",
			inputs: []joinFlow{{Model: "forest", Score: 1}, {Model: "svm"}},
			opts:   []flow.MergeOption{flow.Exclude("Model")},
			want:   joinFlow{Score: 1},
		},
		{
			name:   "Include merges only the names",
			inputs: []joinFlow{{Model: "forest", Score: 1}, {Model: "svm", Tags: []string{"t"}}},
			opts:   []flow.MergeOption{flow.Include("Score"), flow.Include("Tags", "Score")},
			want:   joinFlow{Score: 1, Tags: []string{"t"}},
		},
		{
			name:   "Include of an artifact dst sets",
			dst:    joinFlow{Tags: []string{"own"}},
			inputs: []joinFlow{{Score: 1}},
			opts:   []flow.MergeOption{flow.Include("Tags")},
			want:   joinFlow{Tags: []string{"own"}},
		},
		{
			name:   "empty Include and Exclude consider everything",
			inputs: []joinFlow{{Model: "forest"}},
			opts:   []flow.MergeOption{flow.Include(), flow.Exclude()},
			want:   joinFlow{Model: "forest"},
		},
		{
			name: "no inputs",
			dst:  joinFlow{Model: "forest"},
			want: joinFlow{Model: "forest"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := flow.InputsOf(pointers(tt.inputs)...)
			before := clone(tt.inputs)
			dst := tt.dst
			if err := in.MergeArtifacts(&dst, tt.opts...); err != nil {
				t.Fatalf("MergeArtifacts: %v", err)
			}
			if diff := cmp.Diff(tt.want, dst, allowScratch); diff != "" {
				t.Errorf("dst mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, tt.inputs, allowScratch); diff != "" {
				t.Errorf("MergeArtifacts changed its inputs (-before +after):\n%s", diff)
			}
		})
	}
}

// A refused merge returns a *MergeError naming every problem and leaves dst
// exactly as it was, even the artifacts that did not conflict.
func TestMergeArtifactsRefuses(t *testing.T) {
	tests := []struct {
		name   string
		dst    joinFlow
		inputs []joinFlow
		opts   []flow.MergeOption
		want   *flow.MergeError
		reason string // a word the Reason must hold, when want has none
	}{
		{
			name: "every conflict, sorted",
			dst:  joinFlow{Alpha: 0.5},
			inputs: []joinFlow{
				{Tags: []string{"a"}, Score: 1, Model: "forest", Scores: map[string]float64{"x": 1}},
				{Tags: []string{"b"}, Score: 2, Model: "forest"},
				{Model: "svm", Best: &settings{"only here"}},
			},
			want: &flow.MergeError{Conflicts: []string{"Model", "Score", "Tags"}},
		},
		{
			name:   "third input differs from two that agree",
			inputs: []joinFlow{{Score: 1}, {Score: 1}, {Score: 2}},
			want:   &flow.MergeError{Conflicts: []string{"Score"}},
		},
		{
			name:   "deeply different pointers",
			inputs: []joinFlow{{Best: &settings{"x"}}, {Best: &settings{"y"}}},
			want:   &flow.MergeError{Conflicts: []string{"Best"}},
		},
		{
			name:   "Include of an artifact no input sets",
			inputs: []joinFlow{{Score: 1}, {Model: "forest"}},
			opts:   []flow.MergeOption{flow.Include("Tags", "Score", "Best")},
			want:   &flow.MergeError{Missing: []string{"Best", "Tags"}},
		},
		{
			name:   "conflicts and missing together",
			inputs: []joinFlow{{Score: 1}, {Score: 2}},
			opts:   []flow.MergeOption{flow.Include("Tags", "Score")},
			want:   &flow.MergeError{Conflicts: []string{"Score"}, Missing: []string{"Tags"}},
		},
		{
			name:   "Include and Exclude",
			inputs: []joinFlow{{Score: 1}},
			opts:   []flow.MergeOption{flow.Include("Score"), flow.Exclude("Model")},
			reason: "Include and Exclude",
		},
		{
			name:   "Include of a parameter",
			inputs: []joinFlow{{Score: 1}},
			opts:   []flow.MergeOption{flow.Include("Score", "Alpha")},
			reason: "Alpha",
		},
		{
			name:   "Include of an unexported field",
			inputs: []joinFlow{{Score: 1}},
			opts:   []flow.MergeOption{flow.Include("scratch")},
			reason: "scratch",
		},
		{
			name:   "Exclude of a misspelt name",
			inputs: []joinFlow{{Score: 1}},
			opts:   []flow.MergeOption{flow.Exclude("Scroe", "Cfg")},
			reason: "Cfg, Scroe",
		},
		{
			name:   "nil input",
			inputs: []joinFlow{{Score: 1}},
			reason: "input 1 is nil",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ptrs := pointers(tt.inputs)
			if tt.name == "nil input" {
				ptrs = append(ptrs, nil)
			}
			dst := tt.dst
			err := flow.InputsOf(ptrs...).MergeArtifacts(&dst, tt.opts...)
			var merr *flow.MergeError
			if !errors.As(err, &merr) {
				t.Fatalf("MergeArtifacts = %v, want a *MergeError", err)
			}
			if tt.want != nil {
				if diff := cmp.Diff(tt.want, merr); diff != "" {
					t.Errorf("MergeError mismatch (-want +got):\n%s", diff)
				}
			} else if !strings.Contains(merr.Reason, tt.reason) || merr.Conflicts != nil || merr.Missing != nil {
				t.Errorf("MergeError = %+v, want only a Reason holding %q", merr, tt.reason)
			}
			if diff := cmp.Diff(tt.dst, dst, allowScratch); diff != "" {
				t.Errorf("a refused merge changed dst (-before +after):\n%s", diff)
			}
		})
	}
}

func TestMergeArtifactsNilDst(t *testing.T) {
	err := flow.InputsOf(&joinFlow{Score: 1}).MergeArtifacts(nil)
	var merr *flow.MergeError
	if !errors.As(err, &merr) || !strings.Contains(merr.Reason, "dst") {
		t.Errorf("MergeArtifacts(nil) = %v, want a *MergeError about dst", err)
	}
}

func TestMergeArtifactsNotAStruct(t *testing.T) {
	one, two := 1, 2
	var dst int
	err := flow.InputsOf(&one, &two).MergeArtifacts(&dst)
	var merr *flow.MergeError
	if !errors.As(err, &merr) || !strings.Contains(merr.Reason, "int is not a struct") {
		t.Errorf("MergeArtifacts on Inputs[int] = %v, want a *MergeError saying int is not a struct", err)
	}
}

func TestResolveMerge(t *testing.T) {
	tests := []struct {
		name    string
		opts    []flow.MergeOption
		want    flow.MergeSpec
		wantErr bool
	}{
		{"none", nil, flow.MergeSpec{}, false},
		{"includes add up", []flow.MergeOption{flow.Include("A"), flow.Include("B", "C")},
			flow.MergeSpec{Include: []string{"A", "B", "C"}}, false},
		{"excludes add up", []flow.MergeOption{flow.Exclude("A"), flow.Exclude("B")},
			flow.MergeSpec{Exclude: []string{"A", "B"}}, false},
		{"empty options", []flow.MergeOption{flow.Include(), flow.Exclude()}, flow.MergeSpec{}, false},
		{"both", []flow.MergeOption{flow.Include("A"), flow.Exclude("B")}, flow.MergeSpec{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := flow.ResolveMerge(tt.opts...)
			if tt.wantErr {
				var merr *flow.MergeError
				if !errors.As(err, &merr) || merr.Reason == "" {
					t.Errorf("ResolveMerge = %v, want a *MergeError with a Reason", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ResolveMerge: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("MergeSpec mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMergeErrorMessage(t *testing.T) {
	tests := []struct {
		err  *flow.MergeError
		want []string
	}{
		{&flow.MergeError{Conflicts: []string{"Model", "Score"}}, []string{"merge artifacts: ", "conflicting values for Model, Score"}},
		{&flow.MergeError{Missing: []string{"Best", "Tags"}}, []string{"merge artifacts: ", "Best, Tags"}},
		{&flow.MergeError{Reason: "dst is nil"}, []string{"merge artifacts: dst is nil"}},
		{&flow.MergeError{Conflicts: []string{"A"}, Missing: []string{"B"}}, []string{"A", "B"}},
		{&flow.MergeError{}, []string{"merge artifacts: "}},
	}
	for _, tt := range tests {
		got := tt.err.Error()
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%+v.Error() = %q, want it to hold %q", *tt.err, got, w)
			}
		}
	}
}

func TestInputsOf(t *testing.T) {
	a, b, c := &joinFlow{Model: "a"}, &joinFlow{Model: "b"}, &joinFlow{Model: "c"}
	given := []*joinFlow{a, b, c}
	in := flow.InputsOf(given...)
	given[0] = c // InputsOf keeps its own slice

	if got := in.Len(); got != 3 {
		t.Fatalf("Len() = %d, want 3", got)
	}
	if in.At(0) != a || in.At(2) != c {
		t.Errorf("At returns other views than the ones given")
	}
	if got := in.Step(1); got != "" {
		t.Errorf("Step(1) = %q, want \"\" for InputsOf", got)
	}
	var seen []string
	for i, f := range in.All() {
		seen = append(seen, f.Model)
		if i == 1 {
			break
		}
	}
	if diff := cmp.Diff([]string{"a", "b"}, seen); diff != "" {
		t.Errorf("All with break mismatch (-want +got):\n%s", diff)
	}
	if flow.InputsOf[joinFlow]().Len() != 0 {
		t.Errorf("InputsOf() is not empty")
	}
}

func TestInputsFrom(t *testing.T) {
	in := flow.InputsFrom([]string{"Clean", "Profile"}, &joinFlow{}, &joinFlow{})
	if got := []string{in.Step(0), in.Step(1)}; !cmp.Equal(got, []string{"Clean", "Profile"}) {
		t.Errorf("Steps = %q, want [Clean Profile]", got)
	}
}

func TestInputsPanics(t *testing.T) {
	in := flow.InputsOf(&joinFlow{}, &joinFlow{})
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"At past the end", func() { in.At(2) }, "flow.Inputs.At: index 2 out of range for 2 inputs"},
		{"At negative", func() { in.At(-1) }, "flow.Inputs.At: index -1 out of range for 2 inputs"},
		{"Step past the end", func() { in.Step(5) }, "flow.Inputs.Step: index 5 out of range for 2 inputs"},
		{"InputsFrom lengths", func() { flow.InputsFrom([]string{"A"}, &joinFlow{}, &joinFlow{}) },
			"flow.InputsFrom: 1 step names for 2 inputs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := panicOf(tt.call); got != tt.want {
				t.Errorf("panic = %q, want %q", got, tt.want)
			}
		})
	}
}

func pointers(fs []joinFlow) []*joinFlow {
	ps := make([]*joinFlow, len(fs))
	for i := range fs {
		ps[i] = &fs[i]
	}
	return ps
}

// clone copies fs deeply enough to notice a change through a map or slice.
func clone(fs []joinFlow) []joinFlow {
	out := slices.Clone(fs)
	for i := range out {
		out[i].Tags = slices.Clone(out[i].Tags)
		out[i].Scores = maps.Clone(out[i].Scores)
	}
	return out
}
