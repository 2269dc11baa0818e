package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/flowc-dev/flowc/runtime/task"
)

// spares keeps runner processes started ahead of need: each has run the Go
// runtime's start and the package initialisation and waits, blocked on its
// standard input, for one task (task.AwaitCommand). A task then starts in
// the time it takes to write its command line to a pipe, and the next
// process's start overlaps the task. Each process still runs one task and
// exits, in a process group of its own with the parent-death signal, as a
// runner started for its task (startTask); the only differences are when
// exec happens and that its arguments come through a pipe.
//
// Every spare runs with the same environment: the executor's, plus
// FLOWC_RUN_ID. A step with variables of its own (//flow:environment) gets
// a runner started for it, as do the tasks started while no spare is
// ready.
type spares struct {
	runner string
	env    []string
	size   int

	mu       sync.Mutex
	ready    []*spare
	starting int
	claimed  int        // of those starting, how many a task waits for (take)
	changed  *sync.Cond // on mu: a runner started, or failed to
	closed   bool
	wg       sync.WaitGroup // the goroutines starting spares
}

// spare is one runner waiting for its task.
type spare struct {
	proc   *taskProcess
	stdin  *os.File // the assignment goes here
	ack    *os.File // the runner writes one byte here once it has it
	stdout *os.File // the read ends of its output
	stderr *os.File
}

// newSpares starts size runners of binary runner ahead of need.
func newSpares(runner string, env []string, size int) *spares {
	p := &spares{runner: runner, env: env, size: size}
	p.changed = sync.NewCond(&p.mu)
	p.mu.Lock()
	p.refillLocked()
	p.mu.Unlock()
	return p
}

// refillLocked starts runners until size are ready or starting.
func (p *spares) refillLocked() {
	for !p.closed && len(p.ready)+p.starting < p.size {
		p.starting++
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			s, err := startSpare(p.runner, p.env, task.AwaitCommand)
			p.mu.Lock()
			p.starting--
			closed := p.closed
			switch {
			case err != nil:
				// Tasks start their own runners, which will say what is
				// wrong; no more spares for this run.
				p.size = 0
			case !closed:
				p.ready = append(p.ready, s)
			}
			p.changed.Broadcast()
			p.mu.Unlock()
			if err == nil && closed {
				s.discard() // before close returns
			}
		}()
	}
}

// take returns a ready runner and starts another in its place. When none
// is ready but one is being started that no other task waits for, it waits
// for that one: it is further along than a runner started for the task
// would be, and a second start would only compete with it for the CPU
// (the run's first task, its parameters' init, met both spares starting).
// Otherwise it returns nil.
func (p *spares) take() *spare {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		var s *spare
		for s == nil && len(p.ready) > 0 {
			s, p.ready = p.ready[0], p.ready[1:]
			select {
			case err := <-s.proc.waited: // it died waiting
				s.proc.waited <- err
				go s.discard()
				s = nil
			default:
			}
		}
		if s != nil || p.closed || p.starting <= p.claimed {
			p.refillLocked()
			return s
		}
		p.claimed++
		p.changed.Wait()
		p.claimed--
	}
}

// close ends the runners that were not needed, and those still starting,
// and returns once they have exited.
func (p *spares) close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.closed = true
	ready := p.ready
	p.ready = nil
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range ready {
		wg.Add(1)
		go func() { defer wg.Done(); s.discard() }()
	}
	wg.Wait()
	p.wg.Wait() // those still starting discard themselves
}

// startSpare starts a runner that awaits its task (command
// task.AwaitCommand), or its tasks (task.ServeCommand).
func startSpare(runner string, env []string, command string) (*spare, error) {
	var files [8]*os.File // stdin r/w, stdout r/w, stderr r/w, ack r/w
	for i := 0; i < len(files); i += 2 {
		r, w, err := os.Pipe()
		if err != nil {
			for _, f := range files[:i] {
				f.Close()
			}
			return nil, err
		}
		files[i], files[i+1] = r, w
	}
	cmd := exec.Command(runner, command)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = files[0], files[3], files[5]
	cmd.ExtraFiles = []*os.File{files[7]} // task.AckFD
	proc, err := startTask(cmd)
	// The runner's ends are its own now.
	for _, i := range []int{0, 3, 5, 7} {
		files[i].Close()
	}
	if err != nil {
		for _, i := range []int{1, 2, 4, 6} {
			files[i].Close()
		}
		return nil, err
	}
	return &spare{proc: proc, stdin: files[1], stdout: files[2], stderr: files[4], ack: files[6]}, nil
}

// discard ends a runner that has no task: it holds no task's state, so it
// is killed at once rather than told to exit (end of input, which it
// would answer only once its own start is over), and reaped.
func (s *spare) discard() {
	s.stdin.Close()
	s.proc.killGroup(syscall.SIGKILL)
	<-s.proc.waited
	s.ack.Close()
	s.stdout.Close()
	s.stderr.Close()
}

// ackWait is how long a runner has to take its assignment: it is blocked
// reading it, so this is only reached by a runner that is stopped or
// starved; the task then gets a runner started for it.
const ackWait = 10 * time.Second

// takeHook, when set (by tests), is called with the pid of each spare
// runner taken, before it is given its task.
var takeHook func(pid int)

// errNotTaken is a spare runner that did not take its task: it had died,
// or did not acknowledge in time.
var errNotTaken = errors.New("the runner started ahead did not take the task")

// assign gives the runner its task (args, the runner's arguments) and,
// once it has taken it, copies its output to stdout and stderr. The
// returned process's waited yields once the runner has exited and its
// output is copied. On errNotTaken the runner is discarded: the caller
// starts one for the task.
func (s *spare) assign(ctx context.Context, args []string, stdout, stderr io.Writer) (*taskProcess, error) {
	payload, err := task.EncodeAssignment(args)
	if err != nil {
		go s.discard()
		return nil, err
	}
	acked := make(chan bool, 1)
	go func() {
		// A runner that died makes the write fail (EPIPE) and the ack read
		// end (EOF); a large assignment is read while it is written.
		_, werr := s.stdin.Write(payload)
		s.stdin.Close()
		var b [1]byte
		n, _ := io.ReadFull(s.ack, b[:])
		acked <- werr == nil && n == 1
	}()
	timer := time.NewTimer(ackWait)
	defer timer.Stop()
	var ok bool
	select {
	case ok = <-acked:
	case <-timer.C:
	case <-ctx.Done():
		s.proc.killGroup(syscall.SIGKILL)
		<-acked
		go s.discard()
		return nil, fmt.Errorf("stopped before the task started: %w", context.Cause(ctx))
	}
	if !ok {
		s.proc.killGroup(syscall.SIGKILL)
		go func() { <-acked; s.discard() }()
		return nil, errNotTaken
	}
	s.ack.Close()
	var copies sync.WaitGroup
	for _, c := range []struct {
		w io.Writer
		r *os.File
	}{{stdout, s.stdout}, {stderr, s.stderr}} {
		copies.Add(1)
		go func() {
			defer copies.Done()
			_, _ = io.Copy(c.w, c.r)
			c.r.Close()
		}()
	}
	p := &taskProcess{cmd: s.proc.cmd, waited: make(chan error, 1)}
	go func() {
		err := <-s.proc.waited
		// The group is killed once the runner has exited (startTask): the
		// copies end unless a process that left the group holds the pipes,
		// as a runner's own output copies would.
		copies.Wait()
		p.waited <- err
	}()
	return p, nil
}
