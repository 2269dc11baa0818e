package build

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Progress is how a runner build is going.
type Progress struct {
	// Compiled counts the packages compiled so far; a package found in Go's
	// build cache is not compiled.
	Compiled int
	// Total is how many packages the runner is made of, the standard
	// library's included: what a first build, with a cold build cache,
	// compiles. 0 until known.
	Total int
	// Elapsed is the time since the build started.
	Elapsed time.Duration
	// Done is set on the last call, when the build has ended.
	Done bool
}

// countAfter is how long a build runs before it is worth counting the
// packages it may compile: a build that only relinks is over by then.
const countAfter = time.Second

// runBuild runs go build with flags, writing the binary to out, and
// returns its combined output. With opts.Progress it builds -v, whose
// stderr names each package as it is compiled, and counts the runner's
// packages with go list while the build runs.
func runBuild(ctx context.Context, pkgDir string, flags []string, out string, opts Options) (string, error) {
	args := append([]string{"build"}, flags...)
	if opts.Progress != nil {
		args = append(args, "-v")
	}
	args = append(args, "-o", out, "./zz_flowc_runner")
	cmd := exec.CommandContext(ctx, opts.Go, args...)
	cmd.Dir = pkgDir
	cmd.Env = append(os.Environ(), opts.Env...)
	if opts.Progress == nil {
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		err := cmd.Run()
		return buf.String(), err
	}
	start := time.Now()
	t := &tracker{report: opts.Progress, start: start}
	t.send(false)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	var output bytes.Buffer
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			if importPathRE.MatchString(line) {
				t.compiled()
				continue
			}
			output.WriteString(line + "\n")
		}
		io.Copy(io.Discard, pr)
	}()
	listCtx, cancelList := context.WithCancel(ctx)
	listed := make(chan struct{})
	go func() {
		defer close(listed)
		select {
		case <-listCtx.Done():
			return
		case <-time.After(countAfter):
		}
		if n := countPackages(listCtx, pkgDir, flags, opts); n > 0 {
			t.total(n)
		}
	}()
	err := cmd.Run()
	pw.Close()
	<-scanned
	cancelList()
	<-listed
	t.send(true)
	return output.String(), err
}

// importPathRE matches a line of go build -v: an import path alone.
var importPathRE = regexp.MustCompile(`^[A-Za-z0-9_.~+-]+(/[A-Za-z0-9_.~+-]+)*$`)

// countPackages returns how many packages the runner is made of, or 0.
func countPackages(ctx context.Context, pkgDir string, flags []string, opts Options) int {
	args := append([]string{"list", "-deps", "-f", "x"}, flags...)
	args = append(args, "./zz_flowc_runner")
	cmd := exec.CommandContext(ctx, opts.Go, args...)
	cmd.Dir = pkgDir
	cmd.Env = append(os.Environ(), opts.Env...)
	out, err := cmd.Output()
	if err != nil {
		return 0
	}
	return strings.Count(string(out), "\n")
}

// tracker serialises the Progress calls of the goroutines that learn
// something about the build.
type tracker struct {
	mu       sync.Mutex
	report   func(Progress)
	start    time.Time
	p        Progress
	finished bool
}

func (t *tracker) compiled() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.Compiled++
	t.sendLocked(false)
}

func (t *tracker) total(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.Total = n
	t.sendLocked(false)
}

func (t *tracker) send(done bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sendLocked(done)
}

func (t *tracker) sendLocked(done bool) {
	if t.finished {
		return
	}
	t.finished = done
	t.p.Elapsed = time.Since(t.start)
	t.p.Done = done
	t.report(t.p)
}
