package exec

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/flowc-dev/flowc/runtime/task"
)

// workers keeps runner processes that run several tasks one after another
// (Options.TasksPerRunner, opt-in; task.ServeCommand). A task then costs
// what its own work costs, not a process's start and exit too. What it
// gives up is the isolation of a process per task: the tasks a runner runs
// share its memory, the goroutines a step left running and the processes
// it started, until the runner exits after its last task. A task with
// variables of its own (//flow:environment, secrets) still gets a runner
// of its own, as do the retries of a task whose runner died.
//
// Each task's output is kept by the runner itself (the runner's
// --capture-logs, as on an engine) and echoed to the console as the runner
// writes it, with the task's prefix.
type workers struct {
	runner string
	env    []string
	max    int // tasks a runner runs before it is told to exit

	mu     sync.Mutex
	idle   []*worker
	closed bool
	live   sync.WaitGroup // runners not yet reaped
}

// worker is one runner process serving tasks.
type worker struct {
	*spare
	tasks          int
	stdout, stderr switchWriter
	copies         sync.WaitGroup
}

// switchWriter writes to the current task's log, or nowhere between
// tasks.
type switchWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *switchWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.w != nil {
		s.w.Write(p)
	}
	return len(p), nil
}

func (s *switchWriter) set(w io.Writer) {
	s.mu.Lock()
	s.w = w
	s.mu.Unlock()
}

func newWorkers(runner string, env []string, max int) *workers {
	return &workers{runner: runner, env: env, max: max}
}

// get returns an idle runner, or starts one.
func (ws *workers) get() (*worker, error) {
	ws.mu.Lock()
	for len(ws.idle) > 0 {
		w := ws.idle[len(ws.idle)-1]
		ws.idle = ws.idle[:len(ws.idle)-1]
		select {
		case err := <-w.proc.waited: // it died while idle
			w.proc.waited <- err
			go ws.discard(w)
			continue
		default:
		}
		ws.mu.Unlock()
		return w, nil
	}
	ws.mu.Unlock()
	s, err := startSpare(ws.runner, ws.env, task.ServeCommand)
	if err != nil {
		return nil, err
	}
	w := &worker{spare: s}
	ws.live.Add(1)
	for _, c := range []struct {
		w *switchWriter
		r *os.File
	}{{&w.stdout, s.stdout}, {&w.stderr, s.stderr}} {
		w.copies.Add(1)
		go func() {
			defer w.copies.Done()
			_, _ = io.Copy(c.w, c.r)
		}()
	}
	return w, nil
}

// put takes a runner back after a task: idle for the next one, or told to
// exit when it has run its share.
func (ws *workers) put(w *worker) {
	w.stdout.set(nil)
	w.stderr.set(nil)
	ws.mu.Lock()
	if !ws.closed && w.tasks < ws.max {
		ws.idle = append(ws.idle, w)
		ws.mu.Unlock()
		return
	}
	ws.mu.Unlock()
	go ws.discard(w)
}

// discard ends a runner between tasks and reaps it.
func (ws *workers) discard(w *worker) {
	w.spare.discard()
	w.copies.Wait()
	ws.live.Done()
}

// close ends the idle runners and returns once every runner has exited.
func (ws *workers) close() {
	if ws == nil {
		return
	}
	ws.mu.Lock()
	ws.closed = true
	idle := ws.idle
	ws.idle = nil
	ws.mu.Unlock()
	for _, w := range idle {
		go ws.discard(w)
	}
	ws.live.Wait()
}

// run gives the runner one task (args, its arguments) and returns the
// task's process: killing it kills the runner, and its waited yields once
// the task has ended (nil, or a taskExit with its exit code) or the
// runner has died. On errNotTaken the runner is discarded: the caller
// starts one for the task.
func (ws *workers) run(ctx context.Context, w *worker, args []string, stdout, stderr io.Writer) (*taskProcess, error) {
	payload, err := task.EncodeFrame(args)
	if err != nil {
		ws.put(w)
		return nil, err
	}
	w.stdout.set(stdout)
	w.stderr.set(stderr)
	acked := make(chan bool, 1)
	go func() {
		_, werr := w.stdin.Write(payload)
		var b [1]byte
		n, _ := io.ReadFull(w.ack, b[:])
		acked <- werr == nil && n == 1 && b[0] == 1
	}()
	timer := time.NewTimer(ackWait)
	defer timer.Stop()
	var ok bool
	select {
	case ok = <-acked:
	case <-timer.C:
	case <-ctx.Done():
		w.proc.killGroup(syscall.SIGKILL)
		<-acked
		go ws.discard(w)
		return nil, fmt.Errorf("stopped before the task started: %w", context.Cause(ctx))
	}
	if !ok {
		w.proc.killGroup(syscall.SIGKILL)
		go func() { <-acked; ws.discard(w) }()
		return nil, errNotTaken
	}
	p := &taskProcess{cmd: w.proc.cmd, waited: make(chan error, 1), logsKept: true}
	go func() {
		var b [1]byte
		if _, err := io.ReadFull(w.ack, b[:]); err != nil {
			// The runner died during the task.
			err := <-w.proc.waited
			w.copies.Wait()
			for _, f := range []*os.File{w.stdin, w.ack, w.spare.stdout, w.spare.stderr} {
				f.Close()
			}
			ws.live.Done()
			p.waited <- err
			return
		}
		w.tasks++
		drain(w)
		var res error
		if b[0] != 0 {
			res = taskExit(b[0])
		}
		ws.put(w)
		p.waited <- res
	}()
	return p, nil
}

// drain waits, briefly, until what the runner wrote during its task has
// been read from its output pipes, so that the task's log on the console
// is whole before the next task's begins. (The logs in the datastore are
// the runner's own, and exact.)
func drain(w *worker) {
	deadline := time.Now().Add(100 * time.Millisecond)
	for _, f := range []*os.File{w.spare.stdout, w.spare.stderr} {
		for pending(f) > 0 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Microsecond)
		}
	}
	// A write in progress ends before the writer is switched.
	w.stdout.mu.Lock()
	w.stdout.mu.Unlock()
	w.stderr.mu.Lock()
	w.stderr.mu.Unlock()
}

// taskExit is the exit code of a task that a serving runner ran.
type taskExit int

func (e taskExit) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
