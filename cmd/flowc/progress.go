package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/build"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// progress shows a run as it goes. On a terminal it keeps a block at the
// bottom with a line per step (done, running, failed, queued, elapsed),
// redrawn as tasks move, with task output scrolling above it; elsewhere it
// prints a plain line per finished, retried or failed task.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	order []string
	steps map[string]*stepState
	drawn int // lines of the block on screen
	dirty bool
	// build is the runner build in progress, nil when there is none.
	build      *build.Progress
	buildStart time.Time
	// pending is the end of task output not yet ended by a newline: a line
	// is written whole, never cut by a redraw of the block.
	pending []byte
	now     func() time.Time
	stop    chan struct{}
	closed  chan struct{}
}

type stepState struct {
	queued, running, done, failed int
	first                         time.Time
	last                          time.Time
}

func newProgress(w io.Writer, f *ir.Flow) *progress {
	p := &progress{w: w, tty: isTerminal(w), order: f.Graph.Order, steps: map[string]*stepState{},
		stop: make(chan struct{}), closed: make(chan struct{}), now: time.Now}
	for _, s := range f.Graph.Order {
		p.steps[s] = &stepState{}
	}
	if p.tty {
		go p.tick()
	} else {
		close(p.closed)
	}
	return p
}

// isTerminal reports whether w is a character device, a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}

// Write prints task output above the block, a whole line at a time: a
// line's start (its task prefix, say) waits for its end, so that a redraw
// of the block between the two cannot erase it.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tty {
		return p.w.Write(b)
	}
	p.pending = append(p.pending, b...)
	i := bytes.LastIndexByte(p.pending, '\n')
	if i < 0 {
		return len(b), nil
	}
	p.erase()
	_, err := p.w.Write(p.pending[:i+1])
	p.pending = append(p.pending[:0], p.pending[i+1:]...)
	p.draw()
	return len(b), err
}

// Build shows the runner build: a line that counts the packages compiled
// and the time on a terminal, a line when it starts and one when it ends
// elsewhere. A first build, with Go's build cache cold, compiles every
// package the runner is made of.
func (p *progress) Build(b build.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case b.Done:
		p.erase()
		p.build = nil
		fmt.Fprintf(p.w, "Built the task runner in %s (%s compiled).\n", b.Elapsed.Round(100*time.Millisecond), plural(b.Compiled, "package"))
		p.draw()
	case p.build == nil && !p.tty:
		fmt.Fprintln(p.w, "Building the task runner...")
	}
	if !b.Done {
		if p.build == nil {
			p.buildStart = p.now().Add(-b.Elapsed)
		}
		p.build = &b
		p.dirty = true
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// buildLine is the terminal's line for a build in progress.
func buildLine(b build.Progress) string {
	total := ""
	if b.Total > 0 {
		total = fmt.Sprintf(" (a first build compiles %d packages)", b.Total)
	}
	return fmt.Sprintf("Building the task runner%s... %d compiled, %s\n", total, b.Compiled, b.Elapsed.Round(time.Second))
}

// Event records a task's move.
func (p *progress) Event(ev exec.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.steps[ev.Step]
	if s == nil {
		return
	}
	now := p.now()
	switch ev.Kind {
	case exec.Queued:
		s.queued++
	case exec.Started:
		if ev.Attempt == 0 {
			s.queued--
			s.running++
		}
		if s.first.IsZero() {
			s.first = now
		}
	case exec.Finished:
		if ev.Cloned || ev.Cached {
			s.queued-- // it never started
		} else {
			s.running--
		}
		s.done++
		s.last = now
		if !p.tty && !ev.Cloned && !ev.Cached { // those print their own line
			fmt.Fprintf(p.w, "[%s] finished in %s\n", ev.Pathspec, ev.Elapsed.Round(time.Millisecond))
		}
	case exec.Failed:
		s.running--
		s.failed++
		s.last = now
		if !p.tty {
			fmt.Fprintf(p.w, "[%s] failed after %s\n", ev.Pathspec, ev.Elapsed.Round(time.Millisecond))
		}
	}
	if s.first.IsZero() && ev.Kind == exec.Finished {
		s.first = now // a cloned task never starts
	}
	p.dirty = true
}

// tick redraws the block ten times a second while something changed.
func (p *progress) tick() {
	defer close(p.closed)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			p.mu.Lock()
			p.erase()
			if len(p.pending) > 0 {
				p.w.Write(append(p.pending, '\n'))
				p.pending = nil
			}
			p.draw()
			p.drawn = 0 // leave the final block on screen
			p.mu.Unlock()
			return
		case <-t.C:
			p.redraw()
		}
	}
}

// Close stops redrawing and leaves the last block.
func (p *progress) Close() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	<-p.closed
}

// redraw redraws the block when it changed, or shows a time that moves.
func (p *progress) redraw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dirty || p.live() {
		p.erase()
		p.draw()
	}
}

// live reports whether the block shows a time that moves: a build, or a
// step with tasks running.
func (p *progress) live() bool {
	if p.build != nil {
		return true
	}
	for _, s := range p.steps {
		if s.running > 0 {
			return true
		}
	}
	return false
}

func (p *progress) erase() {
	if !p.tty || p.drawn == 0 {
		return
	}
	fmt.Fprintf(p.w, "\x1b[%dA\x1b[J", p.drawn)
	p.drawn = 0
}

func (p *progress) draw() {
	if !p.tty {
		return
	}
	width := 4
	for _, n := range p.order {
		width = max(width, len(n))
	}
	var b strings.Builder
	lines := 0
	if p.build != nil {
		bp := *p.build
		bp.Elapsed = p.now().Sub(p.buildStart)
		b.WriteString(buildLine(bp))
		lines++
	}
	for _, n := range p.order {
		s := p.steps[n]
		if s.queued+s.running+s.done+s.failed == 0 {
			continue
		}
		var parts []string
		for _, c := range []struct {
			n    int
			word string
		}{{s.done, "done"}, {s.running, "running"}, {s.failed, "failed"}, {s.queued, "queued"}} {
			if c.n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", c.n, c.word))
			}
		}
		end := s.last
		if s.running > 0 || s.queued > 0 || end.IsZero() {
			end = p.now()
		}
		el := ""
		if !s.first.IsZero() {
			el = end.Sub(s.first).Round(100 * time.Millisecond).String()
		}
		fmt.Fprintf(&b, "  %-*s  %-40s %s\n", width, n, strings.Join(parts, ", "), el)
		lines++
	}
	io.WriteString(p.w, b.String())
	p.drawn = lines
	p.dirty = false
}
