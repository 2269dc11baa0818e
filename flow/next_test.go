package flow_test

import (
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/flow"
	"github.com/google/go-cmp/cmp"
)

// pipeline is a flow as a user writes it, for the transition tests.
type pipeline struct {
	Shards []string
	Seeds  []int
}

func (f *pipeline) Start(c *flow.Context) flow.Next { return flow.Branch(f.Clean, f.Profile) }
func (f *pipeline) Clean(c *flow.Context) flow.Next { return flow.Goto(f.Merge) }
func (f *pipeline) Profile(c *flow.Context) flow.Next {
	return flow.Goto(f.Merge)
}

func (f *pipeline) Merge(c *flow.Context, in flow.Inputs[pipeline]) flow.Next {
	return flow.Foreach(f.Shards, f.Fit)
}

func (f *pipeline) Fit(c *flow.Context) (flow.Next, error) { return flow.Goto(f.Pick), nil }

func (f *pipeline) Pick(c *flow.Context, in flow.Inputs[pipeline]) flow.Next {
	return flow.Goto(f.End)
}

func (f *pipeline) End(c *flow.Context) error { return nil }

// valueFlow has value-receiver methods; generic[T] is a generic flow type.
type valueFlow struct{}

func (valueFlow) End(c *flow.Context) error { return nil }

type generic[T any] struct{ Items []T }

func (f *generic[T]) Each(c *flow.Context) flow.Next { return flow.Goto(f.End) }
func (f *generic[T]) End(c *flow.Context) error      { return nil }

// stepper lets a test take a method value of an interface.
type stepper interface{ End(c *flow.Context) error }

func TestTransitions(t *testing.T) {
	f := &pipeline{Shards: []string{"a", "b", "c"}}
	c := flow.NewContext(t.Context(), flow.TaskInfo{Flow: "pipeline", Step: "Start"})
	fit, err := f.Fit(c)
	if err != nil {
		t.Fatal(err)
	}
	var nilFlow *pipeline // a method value of a nil pointer is still a step name
	var iface stepper = valueFlow{}
	g := &generic[int]{Items: []int{1, 2}}

	tests := []struct {
		name string
		next flow.Next
		want flow.Transition
	}{
		{"Goto", flow.Goto(f.End), flow.Transition{Kind: flow.KindGoto, Steps: []string{"End"}}},
		{"Branch", f.Start(c), flow.Transition{Kind: flow.KindBranch, Steps: []string{"Clean", "Profile"}}},
		{"Branch one", flow.Branch(f.Clean), flow.Transition{Kind: flow.KindBranch, Steps: []string{"Clean"}}},
		{"Foreach", f.Merge(c, nil), flow.Transition{Kind: flow.KindForeach, Steps: []string{"Fit"}, Splits: 3}},
		{"Foreach empty", flow.Foreach(f.Seeds, f.Fit), flow.Transition{Kind: flow.KindForeach, Steps: []string{"Fit"}}},
		{"step with error", fit, flow.Transition{Kind: flow.KindGoto, Steps: []string{"Pick"}}},
		{"join", f.Pick(c, nil), flow.Transition{Kind: flow.KindGoto, Steps: []string{"End"}}},
		{"nil receiver", flow.Goto(nilFlow.Clean), flow.Transition{Kind: flow.KindGoto, Steps: []string{"Clean"}}},
		{"value receiver", flow.Goto(valueFlow{}.End), flow.Transition{Kind: flow.KindGoto, Steps: []string{"End"}}},
		{"interface method", flow.Goto(iface.End), flow.Transition{Kind: flow.KindGoto, Steps: []string{"End"}}},
		{"generic flow", flow.Foreach(g.Items, g.Each), flow.Transition{Kind: flow.KindForeach, Steps: []string{"Each"}, Splits: 2}},
		{"nil", nil, flow.Transition{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, flow.Inspect(tt.next)); diff != "" {
				t.Errorf("Inspect mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInspectReturnsACopy(t *testing.T) {
	f := &pipeline{}
	n := flow.Branch(f.Clean, f.Profile)
	flow.Inspect(n).Steps[0] = "Changed"
	if got := flow.Inspect(n).Steps; !cmp.Equal(got, []string{"Clean", "Profile"}) {
		t.Errorf("after changing an Inspect result, Steps = %q", got)
	}
}

func TestNotAStep(t *testing.T) {
	var nilFunc func(*flow.Context) flow.Next
	tests := []struct {
		name string
		step any
		want string // a prefix of the recorded name
	}{
		{"nil", nil, "<not a step: <nil>>"},
		{"nil func", nilFunc, "<not a step: func(*flow.Context) flow.Next>"},
		{"string", "End", "<not a step: string>"},
		{"function", strings.ToUpper, "strings.ToUpper"},
		{"method expression", (*pipeline).End, "github.com/flowc-dev/flowc/flow_test.(*pipeline).End"},
		{"closure", func() {}, "github.com/flowc-dev/flowc/flow_test.TestNotAStep.func"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := flow.Inspect(flow.Goto(tt.step)).Steps
			if len(got) != 1 || !strings.HasPrefix(got[0], tt.want) {
				t.Errorf("Goto(%s) names %q, want a name starting with %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	tests := map[flow.Kind]string{
		flow.KindGoto:    "goto",
		flow.KindBranch:  "branch",
		flow.KindForeach: "foreach",
		0:                "Kind(0)",
		flow.Kind(9):     "Kind(9)",
	}
	for k, want := range tests {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}
