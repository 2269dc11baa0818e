package client

import (
	"errors"
	"fmt"
	"slices"
)

// Flow is a flow: the runs of one flow struct.
type Flow struct {
	c    *Client
	name string
}

// Name returns the flow's name, the name of its struct type.
func (f *Flow) Name() string { return f.name }

// Pathspec returns the flow's name.
func (f *Flow) Pathspec() string { return f.name }

// Runs returns the flow's runs in the client's namespace that carry every
// one of tags (user or system tags), newest first: by start time, then by
// run id (datastore.CompareIDs).
func (f *Flow) Runs(tags ...string) ([]*Run, error) {
	docs, err := f.c.store.ListRuns(f.c.ctx, f.name)
	if err != nil {
		return nil, fmt.Errorf("runs of flow %s: %w", f.name, err)
	}
	var runs []*Run
	for i := range docs {
		doc := &docs[i]
		if !f.c.inNamespace(doc) || !hasTags(doc.Tags, doc.SystemTags, tags) || !hasTags(doc.Tags, doc.SystemTags, f.c.filter) {
			continue
		}
		runs = append(runs, &Run{c: f.c, doc: *doc})
	}
	return runs, nil
}

func hasTags(user, system, want []string) bool {
	for _, t := range want {
		if !slices.Contains(user, t) && !slices.Contains(system, t) {
			return false
		}
	}
	return true
}

// LatestRun returns the flow's newest run in the client's namespace,
// finished or not (Metaflow's latest_run).
func (f *Flow) LatestRun() (*Run, error) {
	return f.latest("runs", func(*Run) bool { return true })
}

// LatestSuccessfulRun returns the flow's newest successful run in the
// client's namespace.
func (f *Flow) LatestSuccessfulRun() (*Run, error) {
	return f.latest("successful runs", (*Run).Successful)
}

func (f *Flow) latest(what string, ok func(*Run) bool) (*Run, error) {
	runs, err := f.Runs()
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		if ok(r) {
			return r, nil
		}
	}
	return nil, f.none(what)
}

// none explains why the flow has no run to show: it has none at all, or
// none in the namespace.
func (f *Flow) none(what string) error {
	if f.c.ns == Global {
		if all, err := f.c.store.ListRuns(f.c.ctx, f.name); err == nil && len(all) == 0 {
			return f.c.notFound("flow", f.name)
		}
		return notFoundf("flow %s has no %s", f.name, what)
	}
	all, err := f.c.Namespace(Global).Flow(f.name).Runs()
	if err != nil {
		return err
	}
	if len(all) == 0 {
		return f.c.notFound("flow", f.name)
	}
	runs := "runs"
	if len(all) == 1 {
		runs = "run"
	}
	return notFoundf("flow %s has no %s in namespace %s (%d %s in other namespaces)",
		f.name, what, f.c.ns, len(all), runs)
}

// Run returns the run with id runID. A run outside the client's namespace
// is an error matching ErrNotInNamespace.
func (f *Flow) Run(runID string) (*Run, error) {
	p := Pathspec{Flow: f.name, Run: runID}
	if _, err := ParsePathspec(p.String()); err != nil || runID == "" || f.name == "" {
		return nil, &PathspecError{Pathspec: p.String(), Reason: "not a Flow/Run pathspec"}
	}
	doc, err := f.c.store.ReadRun(f.c.ctx, f.name, runID)
	if errors.Is(err, ErrNotFound) {
		return nil, f.c.notFound("run", p.String())
	}
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", p, err)
	}
	if !f.c.inNamespace(&doc) {
		return nil, fmt.Errorf("run %s: %w %s (its tags: %v)", p, ErrNotInNamespace, f.c.ns, slices.Concat(doc.SystemTags, doc.Tags))
	}
	return &Run{c: f.c, doc: doc}, nil
}
