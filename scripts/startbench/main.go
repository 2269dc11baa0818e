// Command startbench times commands side by side: it runs each of them in
// turn, round after round, so that every command sees the same load, and
// prints the minimum and the median wall time of each, and the median CPU
// time (user and system) of its process. "{i}" in an argument
// becomes the round's number (a fresh task id, say). Used by
// scripts/bench-start.sh.
//
//	startbench -n 40 -- NAME=CMD ARG... ';' NAME=CMD ARG...
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/runtime/task"
)

type command struct {
	name string
	args []string
	took []time.Duration
	cpu  []time.Duration // user + system time of the process
}

func main() {
	n := flag.Int("n", 40, "rounds")
	flag.Parse()
	var cmds []*command
	var cur *command
	for _, a := range flag.Args() {
		switch {
		case a == ";":
			cur = nil
		case cur == nil:
			name, bin, ok := strings.Cut(a, "=")
			if !ok {
				fmt.Fprintf(os.Stderr, "startbench: want NAME=CMD, got %q\n", a)
				os.Exit(2)
			}
			cur = &command{name: name, args: []string{bin}}
			cmds = append(cmds, cur)
		default:
			cur.args = append(cur.args, a)
		}
	}
	for i := range *n {
		for _, c := range cmds {
			args := make([]string, len(c.args))
			for j, a := range c.args {
				args[j] = strings.ReplaceAll(a, "{i}", strconv.Itoa(i))
			}
			var took time.Duration
			var out []byte
			var err error
			cmd := exec.Command(args[0], args[1:]...)
			if strings.HasPrefix(c.name, "await:") {
				cmd, took, out, err = awaited(args)
			} else {
				start := time.Now()
				out, err = cmd.CombinedOutput()
				took = time.Since(start)
			}
			c.took = append(c.took, took)
			if cmd.ProcessState != nil {
				c.cpu = append(c.cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
			}
			if _, exit := err.(*exec.ExitError); err != nil && !exit {
				fmt.Fprintf(os.Stderr, "startbench: %s: %v\n%s", c.name, err, out)
				os.Exit(1)
			}
		}
	}
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) }
	for _, c := range cmds {
		slices.Sort(c.took)
		slices.Sort(c.cpu)
		fmt.Printf("%-24s wall: min %7s ms, median %7s ms;  CPU: median %7s ms  (%d runs)\n",
			c.name, ms(c.took[0]), ms(c.took[len(c.took)/2]), ms(c.cpu[len(c.cpu)/2]), len(c.took))
	}
}

// awaited starts a runner ahead of need, gives it args once it is ready,
// and returns how long it took from then to its exit.
func awaited(args []string) (*exec.Cmd, time.Duration, []byte, error) {
	payload, err := task.EncodeAssignment(args[1:])
	if err != nil {
		return nil, 0, nil, err
	}
	cmd := exec.Command(args[0], task.AwaitCommand)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, 0, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, 0, nil, err
	}
	time.Sleep(300 * time.Millisecond) // started, initialised, blocked reading
	start := time.Now()
	stdin.Write(payload)
	stdin.Close()
	err = cmd.Wait()
	return cmd, time.Since(start), out.Bytes(), err
}
