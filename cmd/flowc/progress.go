package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/exec"
)

// progress shows a run as it goes. On a terminal it keeps a block at the
// bottom with a line per step (done, running, failed, queued, elapsed),
// redrawn as tasks move, with task output scrolling above it; elsewhere it
// prints a plain line per finished, retried or failed task.
type progress struct {
	mu     sync.Mutex
	w      io.Writer
	tty    bool
	order  []string
	steps  map[string]*stepState
	drawn  int // lines of the block on screen
	dirty  bool
	stop   chan struct{}
	closed chan struct{}
}

type stepState struct {
	queued, running, done, failed int
	first                         time.Time
	last                          time.Time
}

func newProgress(w io.Writer, f *ir.Flow) *progress {
	p := &progress{w: w, tty: isTerminal(w), order: f.Graph.Order, steps: map[string]*stepState{},
		stop: make(chan struct{}), closed: make(chan struct{})}
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

// Write prints task output above the block.
func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
	n, err := p.w.Write(b)
	p.draw()
	return n, err
}

// Event records a task's move.
func (p *progress) Event(ev exec.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.steps[ev.Step]
	if s == nil {
		return
	}
	now := time.Now()
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
		s.running--
		s.done++
		s.last = now
		if !p.tty && !ev.Cloned {
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
			p.draw()
			p.drawn = 0 // leave the final block on screen
			p.mu.Unlock()
			return
		case <-t.C:
			p.mu.Lock()
			if p.dirty {
				p.erase()
				p.draw()
			}
			p.mu.Unlock()
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
			end = time.Now()
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
