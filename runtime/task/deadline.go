package task

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// The watchdog's margins. The executor kills a task 2 s past its timeout
// and 5 s after it asked it to stop; the runner's own kill comes later, so
// that while an executor is there it is the executor that kills, and the
// runner's watchdog only acts when none is (flowc was killed, or an engine
// without deadlines of its own started the task).
const (
	timeoutKillAfter = 5 * time.Second // past the step's timeout
	stopKillAfter    = 8 * time.Second // past SIGTERM or SIGINT
)

// watch guards the step call of attempt att: when the step runs
// timeoutKillAfter past its timeout, or stopKillAfter past a stop signal
// (SIGTERM: the executor stopped the run, or, on Linux, died), deaf to its
// cancelled context, the runner records the attempt as killed and kills its
// process group: itself, and every process the step started. The returned
// function disarms it, once the step has returned.
func (r *runner[F]) watch(ctx context.Context, att *datastore.Attempt) (disarm func()) {
	w := &watchdog{stopped: make(chan os.Signal, 1), quit: make(chan struct{})}
	signal.Notify(w.stopped, syscall.SIGTERM, syscall.SIGINT)
	var timeout <-chan time.Time
	stopTimer := func() bool { return false }
	if t := r.timeout(); t > 0 {
		timer := time.NewTimer(t + timeoutKillAfter)
		timeout, stopTimer = timer.C, timer.Stop
	}
	go w.run(timeout, func(msg string) {
		a := *att
		a.End, a.Status, a.Error = time.Now(), datastore.AttemptKilled, msg
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := r.store.WriteAttempt(wctx, r.args.step, r.args.taskID, &a); err != nil {
			fmt.Fprintf(os.Stderr, "flowc runner: record attempt: %v\n", err)
		}
		fmt.Fprintf(os.Stderr, "flowc runner: %s\n", msg)
	}, r.st.Name, r.timeout())
	return func() { stopTimer(); w.disarm() }
}

// watchdog is one step call's guard.
type watchdog struct {
	mu       sync.Mutex
	disarmed bool
	stopped  chan os.Signal
	quit     chan struct{}
}

func (w *watchdog) run(timeout <-chan time.Time, record func(string), step string, limit time.Duration) {
	var msg string
	select {
	case <-w.quit:
		return
	case <-timeout:
		msg = fmt.Sprintf("step %s timed out after %s and was killed", step, limit)
	case sig := <-w.stopped:
		// The executor may be gone and its end of the runner's stdout
		// and stderr with it: a write there must not kill the runner
		// (SIGPIPE) before it has killed what the step started.
		signal.Ignore(syscall.SIGPIPE)
		t := time.NewTimer(stopKillAfter)
		defer t.Stop()
		select {
		case <-w.quit:
			return
		case <-timeout:
			msg = fmt.Sprintf("step %s timed out after %s and was killed", step, limit)
		case <-t.C:
			msg = fmt.Sprintf("step %s did not stop within %s of %s and was killed", step, stopKillAfter, sig)
		}
	}
	w.mu.Lock() // held until the process dies: disarm cannot return
	if w.disarmed {
		w.mu.Unlock()
		return
	}
	signal.Ignore(syscall.SIGPIPE)
	record(msg)
	killGroup()
}

// disarm stops the watchdog; the step returned.
func (w *watchdog) disarm() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.disarmed {
		w.disarmed = true
		signal.Stop(w.stopped)
		close(w.quit)
	}
}
