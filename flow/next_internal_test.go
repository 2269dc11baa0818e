package flow

import (
	"strings"
	"testing"
)

type stepNameFlow struct{}

func (*stepNameFlow) Train(c *Context) Next { return nil }

func plainFunc() {}

func TestStepName(t *testing.T) {
	var nilMethod func(*Context) Next
	tests := []struct {
		name string
		step any
		want string
	}{
		{"method value", (&stepNameFlow{}).Train, "Train"},
		{"function", plainFunc, "github.com/flowc-dev/flowc/flow.plainFunc"},
		{"nil", nil, "<not a step: <nil>>"},
		{"nil func", nilMethod, "<not a step: func(*flow.Context) flow.Next>"},
		{"int", 42, "<not a step: int>"},
	}
	for _, tt := range tests {
		if got := stepName(tt.step); got != tt.want {
			t.Errorf("stepName(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := stepName(func() {}); !strings.HasPrefix(got, "github.com/flowc-dev/flowc/flow.TestStepName.func") {
		t.Errorf("stepName(closure) = %q, want the closure's full name", got)
	}
}
