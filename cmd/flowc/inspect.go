package main

// What the inspection commands (runs, dump, logs, tag) share: the
// datastore flag, pathspec arguments, and errors.

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// open returns a client on the datastore in the Global namespace: a
// pathspec names its run exactly, whoever started it. Only `flowc runs`,
// which lists, narrows to a namespace.
func (sf *storeFlags) open() (*client.Client, error) {
	root, err := sf.resolve()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(root); !datastore.IsRemote(root) && errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no datastore at %s: flowc run writes one there; --datastore-root chooses another", root)
	}
	c, err := client.Open(root)
	if err != nil {
		return nil, err
	}
	return c.Namespace(client.Global), nil
}

// pathspecArg parses a command's pathspec argument, which must have
// between min and max components; want describes them for the message.
func pathspecArg(cmd, arg string, min, max int, want string) (client.Pathspec, error) {
	p, err := client.ParsePathspec(arg)
	if err != nil {
		return p, usageError{err}
	}
	if d := p.Depth(); d < min || d > max {
		return p, usagef("%s takes %s, got %q", cmd, want, arg)
	}
	return p, nil
}

// inspectErr marks a malformed pathspec the client found as a usage
// error; other errors (a missing run, an unreadable datastore) exit 1.
func inspectErr(err error) error {
	var pe *client.PathspecError
	if errors.As(err, &pe) {
		return usageError{err}
	}
	return err
}

// nsFlags choose the namespace of a command that lists runs or finds a
// flow's latest run: the user's own (user:NAME) by default, as Metaflow's
// default namespace.
type nsFlags struct {
	namespace string
	all       bool
}

func (nf *nsFlags) register(fs *pflag.FlagSet, what string) {
	fs.StringVar(&nf.namespace, "namespace", "", what+" in namespace `NS`, a tag: user:NAME, project:P, project_branch:B, production, or any tag (default: user:USERNAME, yours)")
	fs.BoolVar(&nf.all, "all-namespaces", false, what+" in every namespace")
}

// apply returns c in the namespace the flags choose.
func (nf *nsFlags) apply(c *client.Client) (*client.Client, error) {
	switch {
	case nf.all && nf.namespace != "":
		return nil, usagef("--namespace and --all-namespaces: give one")
	case nf.all:
		return c.Namespace(client.Global), nil
	case nf.namespace != "":
		return c.Namespace(nf.namespace), nil
	}
	return c.Namespace(client.DefaultNamespace()), nil
}

// tasks opens the datastore and returns the tasks p names (see lookupTasks),
// with errors worded for the user. A latest run is looked for in the
// namespace nf chooses (every namespace when nf is nil).
func (sf *storeFlags) tasks(p client.Pathspec, nf *nsFlags) ([]*client.Task, error) {
	c, err := sf.open()
	if err != nil {
		return nil, err
	}
	if nf != nil {
		if c, err = nf.apply(c); err != nil {
			return nil, err
		}
	}
	tasks, err := lookupTasks(c, p)
	if err != nil {
		return nil, inspectErr(err)
	}
	return tasks, nil
}

// lookupTasks returns the tasks a pathspec of depth 2 to 4 names: a run's
// End task, every task of a step, or one task.
func lookupTasks(c *client.Client, p client.Pathspec) ([]*client.Task, error) {
	run, err := lookupRun(c, p)
	if err != nil {
		return nil, err
	}
	switch {
	case p.Step == "":
		t, err := run.EndTask()
		if err != nil {
			return nil, err
		}
		return []*client.Task{t}, nil
	case p.Task == "":
		return run.Step(p.Step).Tasks()
	}
	t, err := run.Step(p.Step).Task(p.Task)
	if err != nil {
		return nil, err
	}
	return []*client.Task{t}, nil
}

// lookupRun returns the run of p: Flow/latest is the flow's latest run in
// c's namespace; a run named by its id is found in every namespace, since
// the id names it exactly. A flow that has no run at all is named as
// unknown, with the flows that the datastore holds that it resembles.
func lookupRun(c *client.Client, p client.Pathspec) (*client.Run, error) {
	f := c.Flow(p.Flow)
	var run *client.Run
	var err error
	if p.Run == "latest" {
		run, err = f.LatestRun()
	} else {
		run, err = c.Namespace(client.Global).Flow(p.Flow).Run(p.Run)
	}
	if errors.Is(err, client.ErrNotFound) {
		if runs, lerr := f.Runs(); lerr == nil && len(runs) == 0 {
			return nil, unknownFlow(c, p.Flow, err)
		}
	}
	return run, err
}

// unknownFlow is the error for a flow with no run in the datastore: it
// lists the flows there are, or the one the name resembles.
func unknownFlow(c *client.Client, name string, err error) error {
	flows, ferr := c.Flows()
	if ferr != nil || len(flows) == 0 {
		return err
	}
	var names []string
	for _, f := range flows {
		names = append(names, f.Name())
	}
	if hint := parser.DidYouMean(name, names); hint != "" {
		return fmt.Errorf("flow %s is unknown in this datastore%s", name, hint)
	}
	return fmt.Errorf("flow %s is unknown in this datastore; its flows are %s", name, strings.Join(names, ", "))
}

// onePathspec accepts exactly one argument, a pathspec.
func onePathspec(command string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("%s takes one pathspec, got %d arguments", command, len(args))
		}
		return nil
	}
}
