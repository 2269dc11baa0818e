package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/build"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// screen is a fake terminal: it keeps the text on screen and obeys the two
// escape sequences the progress display sends, cursor up (ESC [ n A) and
// erase to the end of the screen (ESC [ J).
type screen struct {
	lines    [][]rune
	row, col int
}

func (s *screen) Write(b []byte) (int, error) {
	text := []rune(string(b))
	for i := 0; i < len(text); i++ {
		r := text[i]
		switch {
		case r == '\x1b' && i+1 < len(text) && text[i+1] == '[':
			j := i + 2
			for j < len(text) && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(string(text[i+2 : j]))
			switch text[j] {
			case 'A':
				s.row = max(0, s.row-n)
			case 'J':
				s.line()
				s.lines[s.row] = s.lines[s.row][:min(s.col, len(s.lines[s.row]))]
				s.lines = s.lines[:s.row+1]
			}
			i = j
		case r == '\n':
			s.row++
			s.col = 0
		default:
			s.line()
			for len(s.lines[s.row]) <= s.col {
				s.lines[s.row] = append(s.lines[s.row], ' ')
			}
			s.lines[s.row][s.col] = r
			s.col++
		}
	}
	return len(b), nil
}

func (s *screen) line() {
	for len(s.lines) <= s.row {
		s.lines = append(s.lines, nil)
	}
}

func (s *screen) String() string {
	var out []string
	for _, l := range s.lines {
		out = append(out, strings.TrimRight(string(l), " "))
	}
	return strings.Join(out, "\n")
}

// fakeTerminal returns a progress display on a fake terminal with a clock
// the test moves, without its ticker: the test redraws.
func fakeTerminal(steps ...string) (*progress, *screen, *time.Time) {
	scr := &screen{}
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{w: scr, tty: true, order: steps, steps: map[string]*stepState{}, now: func() time.Time { return clock }}
	for _, s := range steps {
		p.steps[s] = &stepState{}
	}
	return p, scr, &clock
}

// A task's output line reaches the screen whole, its prefix included, even
// when the block is redrawn between the prefix and the rest of the line
// (the executor writes them separately).
func TestProgressKeepsLinePrefix(t *testing.T) {
	p, scr, _ := fakeTerminal("Start", "End")
	p.Event(exec.Event{Kind: exec.Queued, Step: "Start"})
	p.Event(exec.Event{Kind: exec.Started, Step: "Start"})
	p.redraw()
	p.Write([]byte("[F/1/Start/0] "))
	p.redraw()
	p.Write([]byte("hello\n[F/1/Start/0] "))
	p.redraw()
	p.Write([]byte("again\n"))
	p.redraw()
	got := scr.String()
	for _, want := range []string{"[F/1/Start/0] hello\n[F/1/Start/0] again\n", "  Start  1 running"} {
		if !strings.Contains(got, want) {
			t.Errorf("screen lacks %q:\n%s", want, got)
		}
	}
}

// A running task's elapsed time moves with the clock, without any event.
func TestProgressElapsedMoves(t *testing.T) {
	p, scr, clock := fakeTerminal("Start")
	p.Event(exec.Event{Kind: exec.Queued, Step: "Start"})
	p.Event(exec.Event{Kind: exec.Started, Step: "Start"})
	p.redraw()
	*clock = clock.Add(3 * time.Second)
	p.redraw()
	if got := scr.String(); !strings.Contains(got, "1 running") || !strings.HasSuffix(strings.TrimSpace(got), " 3s") {
		t.Errorf("after 3s the block shows:\n%s", got)
	}
}

// The runner build shows a line that counts packages and time, replaced by
// a summary when it ends; off a terminal, a line at each end.
func TestProgressBuild(t *testing.T) {
	p, scr, clock := fakeTerminal("Start")
	p.Build(build.Progress{})
	p.Build(build.Progress{Compiled: 1, Total: 120, Elapsed: time.Second})
	*clock = clock.Add(4 * time.Second)
	p.redraw()
	if got := scr.String(); !strings.Contains(got, "Building the task runner (a first build compiles 120 packages)... 1 compiled, 4s") {
		t.Errorf("during the build the screen shows:\n%s", got)
	}
	p.Build(build.Progress{Compiled: 2, Total: 120, Elapsed: 5 * time.Second, Done: true})
	p.redraw()
	if got := scr.String(); got != "Built the task runner in 5s (2 packages compiled)." {
		t.Errorf("after the build the screen shows:\n%q", got)
	}

	var plain strings.Builder
	q := newProgress(&plain, &ir.Flow{Graph: ir.Graph{Order: []string{"Start"}}})
	q.Build(build.Progress{})
	q.Build(build.Progress{Compiled: 1, Elapsed: time.Second})
	q.Build(build.Progress{Compiled: 1, Elapsed: 1500 * time.Millisecond, Done: true})
	q.Close()
	if want := "Building the task runner...\nBuilt the task runner in 1.5s (1 package compiled).\n"; plain.String() != want {
		t.Errorf("off a terminal: %q, want %q", plain.String(), want)
	}
}

// A task cloned by a resume or copied from the step cache never starts: it
// goes from queued to done.
func TestProgressCachedAndCloned(t *testing.T) {
	p, scr, _ := fakeTerminal("Start", "Work")
	p.Event(exec.Event{Kind: exec.Queued, Step: "Start"})
	p.Event(exec.Event{Kind: exec.Finished, Step: "Start", Cloned: true})
	for range 2 {
		p.Event(exec.Event{Kind: exec.Queued, Step: "Work"})
		p.Event(exec.Event{Kind: exec.Finished, Step: "Work", Cached: true})
	}
	p.redraw()
	got := scr.String()
	if !strings.Contains(got, "Start  1 done") || !strings.Contains(got, "Work   2 done") || strings.Contains(got, "queued") || strings.Contains(got, "running") {
		t.Errorf("the block shows:\n%s", got)
	}
}
