package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// TestGanttResumed: a resumed run's timeline spans the tasks it ran, not
// the origin's times of those it cloned, which are marked as cloned.
func TestGanttResumed(t *testing.T) {
	origin := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	resumed := origin.Add(40 * time.Second)
	task := func(step string, start time.Time, d time.Duration, cloned bool) taskSum {
		return taskSum{Step: step, ID: "0", Status: datastore.AttemptOK, Start: start, End: start.Add(d), Done: true, Full: true, Cloned: cloned}
	}
	rs := &runSum{Tasks: []taskSum{
		task("Start", origin, time.Second, true),
		task("Check", resumed, 500*time.Millisecond, false),
		task("End", resumed.Add(600*time.Millisecond), 265*time.Millisecond, false),
	}}
	rs.aggregate([]string{"Start", "Check", "End"})
	if !rs.Start.Equal(resumed) || rs.End.Sub(rs.Start) != 865*time.Millisecond {
		t.Errorf("the run spans %s from %s, want 865ms from the first task it ran", rs.End.Sub(rs.Start), rs.Start)
	}
	svg := string(gantt(rs, resumed.Add(time.Minute), func(taskSum) string { return "#" }))
	for _, want := range []string{"Start/0 (cloned)", `class="bar cloned"`, ">+865ms<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("timeline lacks %q:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, ">+40") {
		t.Errorf("timeline spans the origin run:\n%s", svg)
	}
}

// TestGanttRetried: a retried task's failed attempts are on its row.
func TestGanttRetried(t *testing.T) {
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	rs := &runSum{Tasks: []taskSum{{
		Step: "Fetch", ID: "0", Attempt: 1, Status: datastore.AttemptOK, Done: true, Full: true,
		Start: start.Add(2 * time.Second), End: start.Add(3 * time.Second),
		Earlier: []attemptSpan{{Attempt: 0, Status: datastore.AttemptFailed, Start: start, End: start.Add(time.Second)}},
	}}}
	rs.aggregate([]string{"Fetch"})
	if !rs.Start.Equal(start) {
		t.Errorf("the run starts at %s, want its first attempt's start %s", rs.Start, start)
	}
	svg := string(gantt(rs, start.Add(time.Minute), func(taskSum) string { return "#" }))
	if !strings.Contains(svg, `class="bar attempt failed"><title>Fetch/0 attempt 0: failed, 1s</title>`) {
		t.Errorf("timeline lacks the failed attempt:\n%s", svg)
	}
}

// TestGanttCached: a task the step cache copied is marked as cached, not
// as cloned, and takes no room on the timeline.
func TestGanttCached(t *testing.T) {
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	rs := &runSum{Tasks: []taskSum{
		{Step: "Start", ID: "0", Status: datastore.AttemptOK, Start: start, End: start, Done: true, Full: true, Cloned: true, Cached: true},
		{Step: "End", ID: "0", Status: datastore.AttemptOK, Start: start, End: start.Add(time.Second), Done: true, Full: true},
	}}
	rs.aggregate([]string{"Start", "End"})
	svg := string(gantt(rs, start.Add(time.Minute), func(taskSum) string { return "#" }))
	for _, want := range []string{"Start/0 (cached)", "Start/0: cached: the result of an earlier task"} {
		if !strings.Contains(svg, want) {
			t.Errorf("timeline lacks %q:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, "(cloned)") {
		t.Errorf("a cached task is shown as cloned:\n%s", svg)
	}
}
