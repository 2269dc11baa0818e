package client

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Pathspec is a parsed pathspec: Flow, then optionally Run, Step and Task,
// each set only when the ones before it are.
type Pathspec struct {
	Flow, Run, Step, Task string
}

// Depth returns how many components p has: 1 for a flow, 4 for a task.
func (p Pathspec) Depth() int {
	switch {
	case p.Task != "":
		return 4
	case p.Step != "":
		return 3
	case p.Run != "":
		return 2
	}
	return 1
}

// String returns the pathspec "Flow[/Run[/Step[/Task]]]".
func (p Pathspec) String() string {
	return strings.Join([]string{p.Flow, p.Run, p.Step, p.Task}[:p.Depth()], "/")
}

// PathspecError reports a string that is not a pathspec.
type PathspecError struct {
	Pathspec string
	Reason   string
}

// Error returns `pathspec "X": reason`.
func (e *PathspecError) Error() string {
	return fmt.Sprintf("pathspec %q: %s", e.Pathspec, e.Reason)
}

// ParsePathspec parses "Flow", "Flow/Run", "Flow/Run/Step" or
// "Flow/Run/Step/Task". A malformed one gives a *PathspecError.
func ParsePathspec(s string) (Pathspec, error) {
	bad := func(format string, args ...any) (Pathspec, error) {
		return Pathspec{}, &PathspecError{Pathspec: s, Reason: fmt.Sprintf(format, args...)}
	}
	parts := strings.Split(s, "/")
	if len(parts) > 4 {
		return bad("%d components; want Flow, Flow/Run, Flow/Run/Step or Flow/Run/Step/Task", len(parts))
	}
	kinds := [...]string{"flow name", "run id", "step name", "task id"}
	for i, part := range parts {
		switch {
		case part == "":
			return bad("empty %s", kinds[i])
		case part[0] == '.':
			return bad("%s %q starts with '.'", kinds[i], part)
		case strings.ContainsAny(part, "\x00\\"), !utf8.ValidString(part):
			return bad("%s %q holds a NUL byte, a backslash or invalid UTF-8", kinds[i], part)
		}
	}
	if parts[0] == "data" {
		return bad(`"data" is not a flow name: the datastore keeps artifact values there`)
	}
	var p Pathspec
	for i, dst := range []*string{&p.Flow, &p.Run, &p.Step, &p.Task}[:len(parts)] {
		*dst = parts[i]
	}
	return p, nil
}

// Object is what Lookup finds: a *Flow, *Run, *Step or *Task.
type Object interface {
	// Pathspec returns the object's pathspec.
	Pathspec() string
	object()
}

func (*Flow) object() {}
func (*Run) object()  {}
func (*Step) object() {}
func (*Task) object() {}

// Lookup returns the object a pathspec names: a *Flow for "Flow", a *Run
// for "Flow/Run", a *Step for "Flow/Run/Step", a *Task for
// "Flow/Run/Step/Task". The object must exist (a flow: have a run in c's
// namespace), and its run must be in c's namespace.
func (c *Client) Lookup(pathspec string) (Object, error) {
	p, err := ParsePathspec(pathspec)
	if err != nil {
		return nil, err
	}
	f := c.Flow(p.Flow)
	if p.Run == "" {
		if _, err := f.LatestRun(); err != nil {
			return nil, err
		}
		return f, nil
	}
	r, err := f.Run(p.Run)
	if err != nil || p.Step == "" {
		return r, err
	}
	s := r.Step(p.Step)
	if p.Task == "" {
		if _, err := s.taskIDs(); err != nil {
			return nil, err
		}
		return s, nil
	}
	return s.Task(p.Task)
}
