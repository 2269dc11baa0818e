package retrycatch

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/flowc-dev/flowc/flow"
)

func TestFetchSucceedsOnThirdAttempt(t *testing.T) {
	for attempt := range 3 {
		f := &Report{FailAttempts: 2}
		next, err := f.Fetch(flow.NewContext(t.Context(), flow.TaskInfo{Step: "Fetch", RetryCount: attempt}))
		if attempt < 2 {
			if !errors.Is(err, errUnavailable) || next != nil {
				t.Errorf("attempt %d: (%v, %v), want it to fail", attempt, next, err)
			}
			continue
		}
		if err != nil || f.Attempts != 3 || !slices.Equal(flow.Inspect(next).Steps, []string{"Summarize"}) {
			t.Errorf("attempt %d: (%v, %v), attempts %d; want success", attempt, next, err, f.Attempts)
		}
	}
}

func TestSummarizeStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	f := &Report{Work: 1 << 62, Values: []int{1}}
	if _, err := f.Summarize(flow.NewContext(ctx, flow.TaskInfo{Step: "Summarize"})); !errors.Is(err, context.Canceled) {
		t.Errorf("Summarize on a cancelled context: %v, want context.Canceled", err)
	}
}

func TestPublishFails(t *testing.T) {
	f := &Report{Endpoint: "https://example.com"}
	if _, err := f.Publish(flow.NewContext(t.Context(), flow.TaskInfo{Step: "Publish"})); err == nil || f.Published {
		t.Error("Publish succeeded; the example relies on it failing")
	}
}
