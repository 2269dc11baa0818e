package flow_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/flow"
	"github.com/google/go-cmp/cmp"
)

func TestContextAccessors(t *testing.T) {
	c := flow.NewContext(t.Context(), flow.TaskInfo{
		Flow: "Training", RunID: "1700000000", Step: "Fit", TaskID: "7", RetryCount: 2,
	})
	got := []any{c.FlowName(), c.RunID(), c.StepName(), c.TaskID(), c.RetryCount(), c.Pathspec()}
	want := []any{"Training", "1700000000", "Fit", "7", 2, "Training/1700000000/Fit/7"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accessors mismatch (-want +got):\n%s", diff)
	}
}

func TestContextIndex(t *testing.T) {
	outer := flow.Frame{Step: "Start", Var: "Regions", Index: 1, Splits: 2}
	inner := flow.Frame{Step: "Split", Var: "Shards", Index: 4, Splits: 5}
	tests := []struct {
		name   string
		frames []flow.Frame
		want   int
	}{
		{"outside a foreach", nil, -1},
		{"one foreach", []flow.Frame{outer}, 1},
		{"nested foreach", []flow.Frame{outer, inner}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := flow.NewContext(nil, flow.TaskInfo{Foreach: tt.frames})
			if got := c.Index(); got != tt.want {
				t.Errorf("Index() = %d, want %d", got, tt.want)
			}
			if diff := cmp.Diff(tt.frames, c.ForeachStack()); diff != "" {
				t.Errorf("ForeachStack mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestContextKeepsItsOwnFrames(t *testing.T) {
	frames := []flow.Frame{{Step: "Start", Var: "Shards", Index: 0, Splits: 3}}
	c := flow.NewContext(nil, flow.TaskInfo{Foreach: frames})
	frames[0].Index = 2
	c.ForeachStack()[0].Index = 1
	if got := c.Index(); got != 0 {
		t.Errorf("Index() = %d after changing the caller's and ForeachStack's slices, want 0", got)
	}
}

func TestContextDefaults(t *testing.T) {
	c := flow.NewContext(nil, flow.TaskInfo{})
	if c.Context() != context.Background() {
		t.Errorf("Context() = %v, want context.Background()", c.Context())
	}
	if c.Logger() != slog.Default() {
		t.Error("Logger() is not slog.Default() when TaskInfo.Logger is nil")
	}
	if got := c.Pathspec(); got != "///" {
		t.Errorf("Pathspec() = %q, want %q", got, "///")
	}
}

func TestContextCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	c := flow.NewContext(ctx, flow.TaskInfo{})
	cancel()
	if err := c.Context().Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Context().Err() = %v after cancel, want context.Canceled", err)
	}
}

func TestContextLogger(t *testing.T) {
	var buf bytes.Buffer
	c := flow.NewContext(nil, flow.TaskInfo{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	c.Logger().Info("fitted", "shard", "b")
	if got := buf.String(); !strings.Contains(got, "msg=fitted shard=b") {
		t.Errorf("log = %q, want it to hold the record", got)
	}
}

func TestInput(t *testing.T) {
	frame := []flow.Frame{{Step: "Start", Var: "Shards", Index: 1, Splits: 3}}
	c := flow.NewContext(nil, flow.TaskInfo{Step: "Fit", Foreach: frame, Input: "b"})
	if got := flow.Input[string](c); got != "b" {
		t.Errorf("Input[string] = %q, want %q", got, "b")
	}

	type shard struct{ Path string }
	c = flow.NewContext(nil, flow.TaskInfo{Step: "Fit", Foreach: frame, Input: shard{"s3://b"}})
	if got := flow.Input[shard](c); got.Path != "s3://b" {
		t.Errorf("Input[shard] = %+v, want Path s3://b", got)
	}
	if got := flow.Input[any](c); got != (shard{"s3://b"}) {
		t.Errorf("Input[any] = %v, want the element", got)
	}
}

// A nil element of a []any or []error reaches the task as a nil any.
func TestInputNilInterfaceElement(t *testing.T) {
	frame := []flow.Frame{{Step: "Start", Var: "Errs", Index: 0, Splits: 1}}
	c := flow.NewContext(nil, flow.TaskInfo{Step: "Fit", Foreach: frame, Input: nil})
	if got := flow.Input[error](c); got != nil {
		t.Errorf("Input[error] = %v, want nil", got)
	}
	if got := flow.Input[any](c); got != nil {
		t.Errorf("Input[any] = %v, want nil", got)
	}
	if got := flow.Input[*int](flow.NewContext(nil, flow.TaskInfo{Foreach: frame, Input: (*int)(nil)})); got != nil {
		t.Errorf("Input[*int] = %v, want nil", got)
	}
}

func TestInputPanics(t *testing.T) {
	frame := []flow.Frame{{Step: "Start", Var: "Shards", Index: 1, Splits: 3}}
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"outside a foreach", func() {
			flow.Input[string](flow.NewContext(nil, flow.TaskInfo{Step: "Train", Input: "b"}))
		}, "flow.Input: step Train is not inside a foreach"},
		{"wrong type", func() {
			flow.Input[int](flow.NewContext(nil, flow.TaskInfo{Step: "Fit", Foreach: frame, Input: "b"}))
		}, "flow.Input[int]: step Fit's foreach element is a string"},
		{"wrong interface", func() {
			flow.Input[error](flow.NewContext(nil, flow.TaskInfo{Step: "Fit", Foreach: frame, Input: "b"}))
		}, "flow.Input[error]: step Fit's foreach element is a string"},
		{"nil for a concrete type", func() {
			flow.Input[string](flow.NewContext(nil, flow.TaskInfo{Step: "Fit", Foreach: frame}))
		}, "flow.Input[string]: step Fit's foreach element is a <nil>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := panicOf(tt.call); got != tt.want {
				t.Errorf("panic = %q, want %q", got, tt.want)
			}
		})
	}
}

// panicOf runs f and returns what it panicked with, formatted, or "" when
// it returned normally.
func panicOf(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}
