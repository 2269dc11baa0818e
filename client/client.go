package client

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"slices"

	"github.com/flowc-dev/flowc/project"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// Global is the namespace that holds every run: a Client in it filters
// nothing, as Metaflow's namespace(None).
const Global = ""

// ErrNotFound is matched (errors.Is) by the error for a flow, run, step,
// task, attempt, artifact or parameter that does not exist. It is
// datastore.ErrNotFound.
var ErrNotFound = datastore.ErrNotFound

// ErrNotInNamespace is matched by the error for a run that exists but is
// not in the Client's namespace (Metaflow's MetaflowNamespaceMismatch).
var ErrNotInNamespace = errors.New("not in namespace")

// Client reads one datastore in one namespace. It is safe for concurrent
// use; Namespace and WithContext return modified copies.
type Client struct {
	store *datastore.Store
	where string // the datastore, for messages
	ns    string
	ctx   context.Context
	// filter holds tags every run the client lists must have (Project).
	filter []string
}

// Open returns a Client on the datastore at root, in the default
// namespace: a local directory ("" means datastore.DefaultRoot, ".flowc" in
// the working directory), which must exist (Open never creates one), or
// an object store, "s3://bucket/prefix", configured from the environment
// as docs/remote.md says.
func Open(root string) (*Client, error) {
	if root == "" {
		root = datastore.DefaultRoot
	}
	if datastore.IsRemote(root) {
		st, err := datastore.Open(context.Background(), root)
		if err != nil {
			return nil, fmt.Errorf("open datastore %s: %w", root, err)
		}
		c := New(st)
		c.where = root
		return c, nil
	}
	fi, err := os.Stat(root)
	if err == nil && !fi.IsDir() {
		err = errors.New("not a directory")
	}
	if err != nil {
		return nil, fmt.Errorf("open datastore %s: %w", root, err)
	}
	l, err := datastore.NewLocal(root)
	if err != nil {
		return nil, err
	}
	c := New(datastore.New(l))
	c.where = l.Root()
	return c, nil
}

// Default returns a Client on the local datastore in the working
// directory, datastore.DefaultRoot, in the default namespace.
func Default() (*Client, error) { return Open(datastore.DefaultRoot) }

// New returns a Client on any datastore, in the default namespace.
func New(st *datastore.Store) *Client {
	where := "the datastore"
	if r, ok := st.Backend().(interface{ Root() string }); ok {
		where = r.Root() // a Local's directory, an object store's URL
	}
	return &Client{store: st, where: where, ns: DefaultNamespace(), ctx: context.Background()}
}

// DefaultNamespace returns "user:NAME" for the current user, the system
// tag flowc's runtime gives every run it starts: NAME is FLOWC_USER, else
// USER, else LOGNAME, else the operating system's account name
// (project.Username), as flowc run records it.
func DefaultNamespace() string {
	return project.UserNamespace(project.Username(func() string {
		if u, err := user.Current(); err == nil {
			return u.Username
		}
		return ""
	}))
}

// Project returns a copy of c that lists only the runs of project name on
// branch (a resolved branch: user.ana, test.exp, prod): the runs tagged
// project:NAME and project_branch:BRANCH. An empty branch keeps every
// branch of the project; an empty name removes the filter. Latest runs are
// then the branch's own: LatestSuccessfulRun of a client on branch prod
// never returns a test run. A run looked up by id is not filtered.
func (c *Client) Project(name, branch string) *Client {
	cc := *c
	cc.filter = nil
	if name != "" {
		cc.filter = []string{"project:" + name}
		if branch != "" {
			cc.filter = append(cc.filter, "project_branch:"+branch)
		}
	}
	return &cc
}

// Namespace returns a copy of c that shows the runs tagged ns; Global
// shows every run.
func (c *Client) Namespace(ns string) *Client {
	cc := *c
	cc.ns = ns
	return &cc
}

// CurrentNamespace returns c's namespace, Global when it shows every run.
func (c *Client) CurrentNamespace() string { return c.ns }

// WithContext returns a copy of c whose reads, and those of every object
// reached from it, use ctx.
func (c *Client) WithContext(ctx context.Context) *Client {
	cc := *c
	cc.ctx = ctx
	return &cc
}

// Store returns the datastore c reads.
func (c *Client) Store() *datastore.Store { return c.store }

// Flow returns the flow named name. It reads nothing: a flow without runs
// shows up as an error of its methods.
func (c *Client) Flow(name string) *Flow { return &Flow{c: c, name: name} }

// Flows returns the flows with at least one run in c's namespace, sorted by
// name.
func (c *Client) Flows() ([]*Flow, error) {
	names, err := c.store.ListFlows(c.ctx)
	if err != nil {
		return nil, fmt.Errorf("list flows in %s: %w", c.where, err)
	}
	var flows []*Flow
	for _, name := range names {
		f := c.Flow(name)
		runs, err := f.Runs()
		if err != nil {
			return nil, err
		}
		if len(runs) > 0 {
			flows = append(flows, f)
		}
	}
	return flows, nil
}

// inNamespace reports whether a run with these tags is in c's namespace.
func (c *Client) inNamespace(doc *datastore.Run) bool {
	return c.ns == Global || slices.Contains(doc.SystemTags, c.ns) || slices.Contains(doc.Tags, c.ns)
}

// notFound is the error for a missing object.
func (c *Client) notFound(kind, pathspec string) error {
	return notFoundf("%s %s not found in %s", kind, pathspec, c.where)
}

// notFoundError is an error that matches ErrNotFound and says more.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string        { return e.msg }
func (e *notFoundError) Is(target error) bool { return target == ErrNotFound }

func notFoundf(format string, args ...any) error {
	return &notFoundError{fmt.Sprintf(format, args...)}
}
