package flow

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
)

// Context is what a step knows about the task running it. flowc's runtime
// passes one to every step; a unit test builds one with [NewContext].
type Context struct {
	ctx         context.Context
	info        TaskInfo
	cards       *CardSet
	triggerOnce sync.Once
}

// TaskInfo is what a [Context] reports. flowc's runtime fills it for every
// task; a test fills what it needs and leaves the rest zero.
type TaskInfo struct {
	Flow       string // the flow's name, its struct type name
	RunID      string // the run's id
	Step       string // the step's name, its method name
	TaskID     string // the task's id, unique within the run
	RetryCount int    // the attempt: 0 on the first, 1 on the first retry
	// Foreach holds the enclosing foreach frames, outermost first; empty
	// outside a foreach.
	Foreach []Frame
	// Input is this task's element of the innermost foreach's slice, read by
	// [Input]; ignored outside a foreach.
	Input any
	// Logger receives the step's structured log; nil means slog.Default().
	Logger *slog.Logger
	// Cards receives what the step appends to its cards ([Context.Card]);
	// nil means a new set that nothing reads.
	Cards *CardSet

	// Username is the user the run belongs to (FLOWC_USER, else the
	// account that started it).
	Username string
	// Namespace is the run's namespace; "" means "user:" + Username.
	Namespace string
	// OriginRunID is the run a resumed run resumes; "" otherwise.
	OriginRunID string
	// Project, Branch and Production are the run's //flow:project: its
	// name, the resolved branch (user.NAME, test.NAME, prod, prod.NAME) and
	// whether the branch is a production one. Empty without a project.
	Project    string
	Branch     string
	Production bool
	// Trigger is the event or upstream run that started the run, nil for
	// a run started by hand. LoadTrigger, when set and Trigger is nil, is
	// called once, on the first [Context.Trigger], to read it: flowc's
	// runtime reads it from the run's record only when a step asks.
	Trigger     *Trigger
	LoadTrigger func() *Trigger
}

// Trigger is what started a deployed run: an event (//flow:trigger) or the
// successful end of another flow's run (//flow:trigger_on_finish).
type Trigger struct {
	// Type is "event" or "run".
	Type string `json:"type"`
	// Name is the event's name; for a run, the event its end sent
	// (flowc.FLOW.end, or flowc.PROJECT.BRANCH.FLOW.end in a project).
	Name string `json:"name"`
	// Pathspec is the upstream run's Flow/RunID when Type is "run".
	Pathspec string `json:"pathspec,omitempty"`
	// Payload is the event's payload as the engine delivered it, JSON.
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Frame is one level of foreach around a task: the foreach step, the
// artifact it split over, how many tasks it started and which one this is.
type Frame struct {
	Step   string // the step that returned flow.Foreach
	Var    string // the slice artifact's field name
	Index  int    // this task's position in the slice, from 0
	Splits int    // the slice's length: how many tasks the foreach started
}

// NewContext returns a Context for the task that info describes. ctx should
// be cancelled when the task must stop (a timeout, or the run being
// interrupted); nil means context.Background(). NewContext copies
// info.Foreach, so changing the slice afterwards does not change the Context.
func NewContext(ctx context.Context, info TaskInfo) *Context {
	if ctx == nil {
		ctx = context.Background()
	}
	info.Foreach = append([]Frame(nil), info.Foreach...)
	cards := info.Cards
	if cards == nil {
		cards = NewCardSet()
	}
	return &Context{ctx: ctx, info: info, cards: cards}
}

// FlowName returns the name of the flow, its struct type name.
func (c *Context) FlowName() string { return c.info.Flow }

// RunID returns the id of the run this task belongs to.
func (c *Context) RunID() string { return c.info.RunID }

// StepName returns the name of the step running, its method name.
func (c *Context) StepName() string { return c.info.Step }

// TaskID returns the task's id, unique within its run.
func (c *Context) TaskID() string { return c.info.TaskID }

// Pathspec returns "Flow/RunID/Step/TaskID", the address of this task in
// flowc's client, CLI and UI.
func (c *Context) Pathspec() string {
	return fmt.Sprintf("%s/%s/%s/%s", c.info.Flow, c.info.RunID, c.info.Step, c.info.TaskID)
}

// RetryCount returns the attempt number: 0 on the first attempt, 1 on the
// first retry, and so on.
func (c *Context) RetryCount() int { return c.info.RetryCount }

// Index returns the task's index in the innermost foreach around it, from 0,
// or -1 when the task is not inside a foreach.
func (c *Context) Index() int {
	if len(c.info.Foreach) == 0 {
		return -1
	}
	return c.info.Foreach[len(c.info.Foreach)-1].Index
}

// ForeachStack returns a copy of the foreach frames around the task,
// outermost first; it is empty outside a foreach.
func (c *Context) ForeachStack() []Frame {
	return append([]Frame(nil), c.info.Foreach...)
}

// Context returns a context.Context that is cancelled when the task must
// stop: its timeout has passed or the run is being interrupted. Pass it to
// anything that blocks.
func (c *Context) Context() context.Context { return c.ctx }

// Logger returns the task's structured logger. Under flowc's runtime what it
// writes goes to the task's log, kept per attempt; a Context whose
// TaskInfo.Logger is nil uses slog.Default().
func (c *Context) Logger() *slog.Logger {
	if c.info.Logger == nil {
		return slog.Default()
	}
	return c.info.Logger
}

// Username returns the name of the user the run belongs to.
func (c *Context) Username() string { return c.info.Username }

// Namespace returns the run's namespace, "user:NAME" (Metaflow's
// current.namespace): flowc's client and CLI show the runs of the
// namespace they are in.
func (c *Context) Namespace() string {
	if c.info.Namespace != "" || c.info.Username == "" {
		return c.info.Namespace
	}
	return "user:" + c.info.Username
}

// OriginRunID returns the id of the run that this run resumes (flowc
// resume), or "" when the run is not a resume.
func (c *Context) OriginRunID() string { return c.info.OriginRunID }

// ProjectName returns the name of the flow's //flow:project, or "".
func (c *Context) ProjectName() string { return c.info.Project }

// BranchName returns the project branch the run is on: user.NAME by
// default, test.NAME with --branch NAME, prod or prod.NAME with
// --production; "" without a project.
func (c *Context) BranchName() string { return c.info.Branch }

// IsProduction reports whether the run is on a production branch
// (--production, or production=true in //flow:project).
func (c *Context) IsProduction() bool { return c.info.Production }

// Trigger returns the event or upstream run that started this run, with
// its payload, or nil when the run was started by hand (every local run).
func (c *Context) Trigger() *Trigger {
	c.triggerOnce.Do(func() {
		if c.info.Trigger == nil && c.info.LoadTrigger != nil {
			c.info.Trigger = c.info.LoadTrigger()
		}
	})
	return c.info.Trigger
}

// Input returns this task's element of the slice its foreach split over. T
// must be the slice's element type; flowc check reports a mismatch before
// anything runs. Input panics, failing the task, when called outside a
// foreach or with the wrong type.
func Input[T any](c *Context) T {
	if len(c.info.Foreach) == 0 {
		panic(fmt.Sprintf("flow.Input: step %s is not inside a foreach", c.info.Step))
	}
	v, ok := c.info.Input.(T)
	if ok {
		return v
	}
	// A nil element of a slice of interfaces ([]any, []error) arrives as a
	// nil any, which no type assertion accepts.
	t := reflect.TypeFor[T]()
	if c.info.Input == nil && t.Kind() == reflect.Interface {
		return v
	}
	panic(fmt.Sprintf("flow.Input[%s]: step %s's foreach element is a %T", t, c.info.Step, c.info.Input))
}
