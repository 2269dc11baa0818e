package task

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// AwaitCommand is the runner command of a runner started ahead of need
// (runtime/exec's spare runners): `RUNNER await` gets the Go runtime and
// the package initialisation done, then blocks reading its task's command
// line from standard input, so that the next task's process start overlaps
// the task before it. It still runs one task and exits.
//
// The assignment is AssignmentHeader followed by the arguments the runner
// would have been started with, each ended by a NUL byte: the same
// arguments, never through a shell. End of input with nothing read means
// the runner is not needed: it exits 0 at once. Once it has the whole
// assignment it writes one byte to descriptor 3 (AckFD), if open, and
// closes it, so that its starter knows the task was taken (a runner that
// dies before that never had its task), and its standard input becomes
// /dev/null as a runner started for the task has it.
const AwaitCommand = "await"

// AssignmentHeader starts an assignment.
const AssignmentHeader = "flowc-task/1\x00"

// AckFD is the descriptor an awaiting runner acknowledges its assignment
// on.
const AckFD = 3

// ServeCommand is the runner command of a runner that runs several tasks
// one after another (runtime/exec's Options.TasksPerRunner, opt-in): it
// warms up as `await` does, then reads assignments from standard input,
// each EncodeFrame's length-prefixed assignment, and runs them in turn. For
// each one it writes one byte to AckFD when it takes it and one byte, the
// task's exit code, when the task has ended; end of input makes it exit 0.
// The tasks it runs share the process: memory, goroutines a step left
// running, and the processes it started until the runner exits. That is
// why it is never the default. Standard input is /dev/null for the steps;
// the assignments come through a copy of the original descriptor.
const ServeCommand = "serve"

// maxFrame bounds an assignment read by ServeCommand.
const maxFrame = 16 << 20

// EncodeFrame returns args's assignment (EncodeAssignment) prefixed with
// its length (4 bytes, big-endian): what ServeCommand reads.
func EncodeFrame(args []string) ([]byte, error) {
	a, err := EncodeAssignment(args)
	if err != nil {
		return nil, err
	}
	if len(a) > maxFrame {
		return nil, fmt.Errorf("runner arguments of %d bytes: more than %d", len(a), maxFrame)
	}
	return append(binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(a)), uint32(len(a))), a...), nil
}

// EncodeAssignment returns the assignment that runs args (the runner's
// arguments, without the program name). An argument holding a NUL byte
// cannot be passed, as on a command line.
func EncodeAssignment(args []string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(AssignmentHeader)
	for _, a := range args {
		if strings.IndexByte(a, 0) >= 0 {
			return nil, fmt.Errorf("runner argument %q holds a NUL byte", a)
		}
		b.WriteString(a)
		b.WriteByte(0)
	}
	return b.Bytes(), nil
}

// decodeAssignment reads an assignment; ok is false for an empty one.
func decodeAssignment(data []byte) (args []string, ok bool, err error) {
	if len(data) == 0 {
		return nil, false, nil
	}
	body, found := bytes.CutPrefix(data, []byte(AssignmentHeader))
	if !found {
		return nil, false, errors.New("the assignment does not start with " + strings.TrimSuffix(AssignmentHeader, "\x00"))
	}
	if len(body) == 0 || body[len(body)-1] != 0 {
		return nil, false, errors.New("the assignment's last argument is not ended by a NUL byte")
	}
	return strings.Split(string(body[:len(body)-1]), "\x00"), true, nil
}

// await is the await command: it warms up, reads the assignment and
// returns the task's arguments; done is true when the runner has nothing
// to do (or could not read its task) and should exit with code.
func await() (args []string, done bool, code int) {
	warmUp()
	data, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "flowc runner: await: read the assignment: %v\n", err)
		return nil, true, ExitUsage
	}
	args, ok, err := decodeAssignment(data)
	if err != nil {
		fmt.Fprintf(os.Stderr, "flowc runner: await: %v\n", err)
		return nil, true, ExitUsage
	}
	if !ok {
		return nil, true, ExitOK
	}
	if len(args) > 0 && args[0] == AwaitCommand {
		fmt.Fprintln(os.Stderr, "flowc runner: await: an assignment cannot be another await")
		return nil, true, ExitUsage
	}
	detachStdin()
	acknowledge()
	return args, false, 0
}

// warmUp does, while the runner waits for its task, work that every task
// does on its first document: encoding/json's per-type caches of the
// datastore's documents and the plan's steps.
func warmUp() {
	_, _ = json.Marshal(stepPlan{Steps: []*ir.Step{{}}})
	_, _ = json.Marshal(datastore.Attempt{Transition: &datastore.Transition{Foreach: &datastore.ForeachSplit{}}})
	_, _ = json.Marshal(datastore.Done{})
	_, _ = json.Marshal(map[string]datastore.Artifact{"": {}})
}

// serving is set in a runner that serves the local executor several tasks
// (ServeCommand): it keeps their logs as the executor would.
var serving bool

// serve is the serve command: it runs the tasks it is given one after
// another and returns the exit code of the process.
func serve[F any](fl Flow[F]) int {
	serving = true
	in, err := takeStdin()
	if err != nil {
		fmt.Fprintf(os.Stderr, "flowc runner: serve: %v\n", err)
		return ExitUsage
	}
	warmUp()
	r := bufio.NewReader(in)
	for {
		var n [4]byte
		if _, err := io.ReadFull(r, n[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return ExitOK
			}
			fmt.Fprintf(os.Stderr, "flowc runner: serve: read an assignment: %v\n", err)
			return ExitUsage
		}
		size := binary.BigEndian.Uint32(n[:])
		if size > maxFrame {
			fmt.Fprintf(os.Stderr, "flowc runner: serve: an assignment of %d bytes\n", size)
			return ExitUsage
		}
		data := make([]byte, size)
		if _, err := io.ReadFull(r, data); err != nil {
			fmt.Fprintf(os.Stderr, "flowc runner: serve: read an assignment: %v\n", err)
			return ExitUsage
		}
		args, ok, err := decodeAssignment(data)
		if err == nil && (!ok || args[0] == AwaitCommand || args[0] == ServeCommand) {
			err = errors.New("an assignment is one runner command other than await or serve")
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "flowc runner: serve: %v\n", err)
			return ExitUsage
		}
		report(1)
		report(byte(Run(context.Background(), fl, args)))
	}
}
