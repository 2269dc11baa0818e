package stepfunctions

import (
	"fmt"
	"slices"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// The state payload is small and the same everywhere: {"run": the run id,
// "task": the task id of the current foreach frame, "iter": a self-loop's
// visit} plus, for a moment, what a datastore read returned ("done",
// "items") and, before Start, the parameters ("p").

// Suffixes of the states a step adds to its Task state (a step's name is a
// Go identifier, so a name with a dot never meets one).
const (
	sfxEnter    = ".enter"       // Pass: a self-loop's visit counter starts at 0
	sfxAgain    = ".again"       // Pass: the counter goes up by one
	sfxRead     = ".read"        // s3:getObject of a conditional's DONE.json
	sfxChoose   = ".choose"      // Choice on the transition it recorded
	sfxBranch   = ".branch"      // Parallel
	sfxWidth    = ".width"       // s3:getObject of a foreach's DONE.json
	sfxFanout   = ".fanout"      // Choice: inline or distributed
	sfxItems    = ".items"       // s3:getObject of foreach.json
	sfxMap      = ".map"         // inline Map
	sfxDistrib  = ".distributed" // Distributed Map reading foreach.json from S3
	distribCopy = ".d"           // suffix of the states of a Distributed Map's body
)

// distributedThreshold is the widest foreach that runs as an inline Map: a
// wider one, outside any other foreach, runs as a Distributed Map, whose
// iterations are child executions (no 25,000-event history or 40-wide
// concurrency limit of an inline Map).
const distributedThreshold = 40

// scope is the part of the graph one States object holds: the whole flow,
// a Parallel branch or a Map's body, which ends where Stop begins.
type scope struct {
	states map[string]State
	stop   string // the join that closes the scope; "" at the top
	suffix string // added to every state name (distribCopy in a Distributed Map)
	// distributed says the scope is inside a Distributed Map already.
	distributed bool
}

func (sc *scope) name(step string) string { return step + sc.suffix }

// machine builds the state machine.
func (c *compiler) machine() Machine {
	top := &scope{states: map[string]State{}}
	first := c.initStates(top)
	c.walk(top, c.f.Graph.Start)
	c.onFailure(top)
	c.endedStates(top, first)
	timeout := c.opts.WorkflowTimeout
	if timeout == 0 {
		timeout = DefaultWorkflowTimeout
	}
	return Machine{
		Comment:        fmt.Sprintf("flowc: flow %s (%s); run input: {\"PARAM\": \"value\", ...}", c.f.Name, c.f.Package),
		StartAt:        stateStart,
		States:         top.states,
		TimeoutSeconds: int(timeout.Seconds()),
	}
}

// An execution that timed out or was stopped runs no Catch, so it cannot
// record its run as failed itself. The rule MACHINE-ended starts the state
// machine again with the input {EndRunKey: the execution's name}, and the
// first state sends that input to end-run, which records the run failed
// (if it is still running), then stops.
const (
	stateStart    = "flowc.start"    // Choice: a run, or the end of one
	stateEndRun   = "flowc.end-run"  // Task: end-run --status failed for the run EndRunKey names
	stateRecorded = "flowc.recorded" // Succeed
	// EndRunKey is the input key that names the run to record failed.
	EndRunKey = "flowc:end-run"
)

// endedStates adds flowc.start, which goes to first unless the input is
// {EndRunKey: RUN}, and the states that record RUN failed.
func (c *compiler) endedStates(top *scope, first string) {
	path := "$['" + EndRunKey + "']"
	t := true
	top.states[stateStart] = State{Type: "Choice", Choices: []Choice{{Variable: path, IsPresent: &t, Next: stateEndRun}}, Default: stateTrigger}
	c.triggerStates(top, first)
	top.states[stateEndRun] = c.endRunTask(path, stateRecorded)
	top.states[stateRecorded] = State{Type: "Succeed"}
}

// The run's trigger: an execution that an EventBridge rule started has
// the event at TriggerKey in its input; flowc.trigger puts its JSON text
// (States.JsonToString: data, which no shell or template reads) at
// $.trigger, or "null" for an execution started by hand or by the
// schedule, and keeps the input at $.input for the parameter states. Start
// passes $.trigger to its job as FLOWC_TRIGGER.
const (
	stateTrigger     = "flowc.trigger"       // Choice: an event in the input, or none
	stateTriggerText = "flowc.trigger.event" // Pass: the event's JSON text
	stateTriggerNone = "flowc.trigger.none"  // Pass: "null"
	triggerEnv       = "FLOWC_TRIGGER"       // runtime/task's TriggerEnv
)

// triggerStates adds flowc.trigger and its two Pass states, which go to
// first with the payload {"input": the execution's input, "trigger": the
// event's text}.
func (c *compiler) triggerStates(top *scope, first string) {
	t := true
	top.states[stateTrigger] = State{Type: "Choice", Choices: []Choice{{Variable: "$['" + TriggerKey + "']", IsPresent: &t, Next: stateTriggerText}}, Default: stateTriggerNone}
	top.states[stateTriggerText] = State{Type: "Pass", Parameters: map[string]any{"input.$": "$", "trigger.$": "States.JsonToString($['" + TriggerKey + "'])"}, Next: first}
	top.states[stateTriggerNone] = State{Type: "Pass", Parameters: map[string]any{"input.$": "$", "trigger": "null"}, Next: first}
}

// endRunTask is a Task state that runs the runner's end-run --status failed
// for the run whose id is at runPath, then goes to next.
func (c *compiler) endRunTask(runPath, next string) State {
	args := []string{lit(ir.RunnerPath), lit("end-run"), lit("--run-id"), runPath, lit("--status"), lit("failed"),
		lit("--datastore-root"), lit(c.opts.DatastoreRoot)}
	return State{
		Type:     "Task",
		Resource: c.arn("batch:submitJob.sync"),
		Parameters: map[string]any{
			"JobName":            shorten(c.names.machine+"-end-run", 128),
			"JobQueue":           c.opts.JobQueue,
			"JobDefinition":      c.endRunJob,
			"ContainerOverrides": map[string]any{"Command.$": "States.Array(" + strings.Join(args, ", ") + ")"},
		},
		ResultPath: discard(),
		Retry:      c.retry(&ir.Step{}),
		Next:       next,
	}
}

// Names of the states that record a failed run.
const (
	stateFailed = "flowc.failed" // Task: the runner's end-run --status failed
	stateFail   = "flowc.fail"   // Fail
)

// onFailure makes every top-level state that can fail (a Task, or a
// Parallel or Map whose body failed) go, when it fails for good, to a task
// that records the run as failed, as an engine's exit handler does, and
// then fail the execution.
func (c *compiler) onFailure(top *scope) {
	for name, st := range top.states {
		if st.Type == "Task" || st.Type == "Map" || st.Type == "Parallel" {
			st.Catch = append(st.Catch, Catcher{ErrorEquals: []string{"States.ALL"}, ResultPath: "$.error", Next: stateFailed})
			top.states[name] = st
		}
	}
	top.states[stateFailed] = c.endRunTask("$.run", stateFail)
	top.states[stateFail] = State{Type: "Fail", Error: "flowc.RunFailed",
		Cause: "a task of the run failed for good; the execution's history names it, and flowc logs shows its log"}
}

// entry is the state a transition into step goes to.
func (c *compiler) entry(sc *scope, step string) string {
	if s := c.f.Step(step); s != nil && s.SelfLoop {
		return sc.name(step) + sfxEnter
	}
	return sc.name(step)
}

// goTo sets st's Next to step's entry, or End when step closes the scope,
// and emits step.
func (c *compiler) goTo(sc *scope, st *State, step string) {
	if step == sc.stop {
		st.End = true
		return
	}
	st.Next = c.entry(sc, step)
	c.walk(sc, step)
}

// walk emits step and everything after it in the scope, once.
func (c *compiler) walk(sc *scope, step string) {
	name := sc.name(step)
	if _, done := sc.states[name]; done || step == sc.stop {
		return
	}
	s := c.f.Step(step)
	sc.states[name] = State{} // claimed, so that loops end
	task := c.taskState(s)
	if s.SelfLoop {
		sc.states[name+sfxEnter] = State{Type: "Pass", Parameters: map[string]any{"run.$": "$.run", "task.$": "$.task", "iter": 0}, Next: name}
	}
	switch s.Kind {
	case ir.KindEnd:
		task.End = true
	case ir.KindConditional:
		c.conditional(sc, s, &task)
	case ir.KindBranch:
		c.branch(sc, s, &task)
	case ir.KindForeach:
		c.foreach(sc, s, &task)
	default:
		sc.states[name] = task // claimed before the successor is walked
		c.goTo(sc, &task, s.Next[0])
	}
	if s.Decorators.Catch != nil {
		c.caught(sc, s, &task)
	}
	sc.states[name] = task
}

// sfxCaught names the state that records a caught step's dead process.
const sfxCaught = ".caught"

// diedCause is what a caught step's error says when its process died: the
// Batch job's own error is in the execution's history.
const diedCause = "the task process died or was killed; the execution history holds the error of its Batch job"

// caught handles a //flow:catch step whose process died on its last
// attempt (a crash, os.Exit, a kill at Batch's timeout), which the runner
// could not catch itself: as flowc's executor does, the runner is started
// once more only to record the failure as caught, and the run goes on
// where the step would have gone.
func (c *compiler) caught(sc *scope, s *ir.Step, task *State) {
	name := sc.name(s.Name) + sfxCaught
	args := []string{lit(ir.RunnerPath), lit("step"), lit(s.Name), lit("--run-id"), "$.run", lit("--task-id"), taskID(s)}
	for _, a := range c.commandTail() {
		args = append(args, lit(a))
	}
	args = append(args, lit("--caught"), lit(diedCause), lit("--caught-type"), lit("exit"))
	rec := State{
		Type:     "Task",
		Resource: c.arn("batch:submitJob.sync"),
		Parameters: map[string]any{
			"JobName":            shorten(invalidNameChars.ReplaceAllString(c.names.machine+"-"+s.Name+"-caught", "-"), 128),
			"JobQueue":           c.queue(s),
			"JobDefinition":      c.stepJob[s.Name],
			"ContainerOverrides": map[string]any{"Command.$": "States.Array(" + strings.Join(args, ", ") + ")"},
		},
		ResultPath: discard(),
		Retry:      c.retry(&ir.Step{}),
		Next:       task.Next,
		End:        task.End,
	}
	sc.states[name] = rec
	task.Catch = append(task.Catch, Catcher{ErrorEquals: []string{"States.TaskFailed"}, ResultPath: "$.error", Next: name})
}

// taskID is the task id of a task of s, as a JSONPath or intrinsic: the
// frame's id, with ".k" for the k-th visit of a self-loop.
func taskID(s *ir.Step) string {
	if s.SelfLoop {
		return "States.Format('{}.{}', $.task, $.iter)"
	}
	return "$.task"
}

// taskState is the Task state that runs one task of s as a Batch job.
// The job definition's command is the runner's, with Batch parameter
// references (Ref::step, Ref::run, Ref::task) for what varies, so a task
// sends three short parameters and no container overrides. Start alone
// overrides the command, to add the run's parameters.
func (c *compiler) taskState(s *ir.Step) State {
	params := map[string]any{
		"JobName":       shorten(invalidNameChars.ReplaceAllString(c.names.machine+"-"+s.Name, "-"), 128),
		"JobQueue":      c.queue(s),
		"JobDefinition": c.stepJob[s.Name],
	}
	if s.Name == c.f.Graph.Start {
		args := []string{lit(ir.RunnerPath), lit("step"), lit(s.Name), lit("--run-id"), "$.run", lit("--task-id"), taskID(s)}
		for _, a := range c.commandTail() {
			args = append(args, lit(a))
		}
		args = append(args, c.startParamArgs()...)
		params["ContainerOverrides"] = map[string]any{"Command.$": "States.Array(" + strings.Join(args, ", ") + ")",
			"Environment": []map[string]string{{"Name": triggerEnv, "Value.$": "$.trigger"}}}
	} else {
		params["Parameters"] = map[string]any{"step": s.Name, "run.$": "$.run", "task.$": taskID(s)}
	}
	return State{
		Type:       "Task",
		Resource:   c.arn("batch:submitJob.sync"),
		Parameters: params,
		ResultPath: discard(),
		Retry:      c.retry(s),
	}
}

// queue is the Batch job queue of s's tasks: its //flow:batch queue=
// (a GPU step's own queue), else --job-queue.
func (c *compiler) queue(s *ir.Step) string {
	if b := s.Decorators.Batch; b != nil && b.Queue != "" {
		return b.Queue
	}
	return c.opts.JobQueue
}

// commandTail is what follows the task's id in every task's command.
func (c *compiler) commandTail() []string {
	return []string{"--retry-count", "auto", "--datastore-root", c.opts.DatastoreRoot, "--capture-logs"}
}

// jobCommand is the job definitions' command: a task's, with Batch
// parameter references for the step, the run id and the task id.
func (c *compiler) jobCommand() []string {
	return append([]string{ir.RunnerPath, "step", "Ref::step", "--run-id", "Ref::run", "--task-id", "Ref::task"}, c.commandTail()...)
}

// arn is the Resource of a service integration, in the role's partition.
func (c *compiler) arn(integration string) string {
	return "arn:" + c.partition + ":states:::" + integration
}

// paramPath is the path of a parameter's value in the payload.
func paramPath(name string) string { return "$.p['" + name + "']" }

// retry is a Task state's Retry: submission throttling always, and
// //flow:retry as a retry of the failed job after minutes_between_retries.
// The runner counts the attempts itself (--retry-count auto).
func (c *compiler) retry(s *ir.Step) []Retrier {
	out := []Retrier{{ErrorEquals: []string{"Batch.AWSBatchException"}, IntervalSeconds: 2, MaxAttempts: 10, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: "FULL"}}
	if r := s.Decorators.Retry; r != nil && r.Times > 0 {
		out = append(out, Retrier{ErrorEquals: []string{"States.TaskFailed"}, IntervalSeconds: max(1, 60*r.MinutesBetweenRetries), MaxAttempts: r.Times, BackoffRate: 1})
	}
	return out
}

// sfxUnexpected names the Fail state, in a Parallel branch or Map body,
// that a conditional step's Choice goes to when the task recorded a
// transition it does not know: the branch or iteration fails, and the
// Catch of the top-level state that holds it records the run as failed.
// (State names are unique in the whole machine, bodies included.)
const sfxUnexpected = ".unexpected"

// unexpected is where the Choice of s in sc goes when no rule matches: at
// the top, straight to flowc.failed; in a body, a Fail state of the body.
func (c *compiler) unexpected(sc *scope, s *ir.Step) string {
	if sc.stop == "" {
		return stateFailed
	}
	name := sc.name(s.Name) + sfxUnexpected
	sc.states[name] = State{Type: "Fail", Error: "flowc.UnexpectedTransition",
		Cause: "a conditional task recorded a transition its step does not have; its DONE.json names it"}
	return name
}

// readRetry retries a datastore read: S3 can throttle (SlowDown) or fail
// for a moment. A read of a missing object fails after the same retries.
func readRetry() []Retrier {
	return []Retrier{{ErrorEquals: []string{"States.ALL"}, IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2, MaxDelaySeconds: 20, JitterStrategy: "FULL"}}
}

// readDoc is a state that reads a JSON document of a task of s (DONE.json,
// foreach.json) from the datastore into the payload at path, as path.doc.
func (c *compiler) readDoc(s *ir.Step, file, path, next string) State {
	return State{
		Type:           "Task",
		Resource:       c.arn("aws-sdk:s3:getObject"),
		Parameters:     map[string]any{"Bucket": c.bucket, "Key.$": c.key(s, file)},
		ResultSelector: map[string]any{"doc.$": "States.StringToJson($.Body)"},
		ResultPath:     at(path),
		Retry:          readRetry(),
		Next:           next,
	}
}

// key is the datastore key of a file of s's current task, as an intrinsic.
func (c *compiler) key(s *ir.Step, file string) string {
	head := c.f.Name + "/"
	if c.prefix != "" {
		head = c.prefix + "/" + head
	}
	return fmt.Sprintf("States.Format(%s, $.run, %s)", format(head, "/"+s.Name+"/", "/"+file), taskID(s))
}

// conditional reads the transition the task recorded and chooses on it.
func (c *compiler) conditional(sc *scope, s *ir.Step, task *State) {
	name := sc.name(s.Name)
	task.Next = name + sfxRead
	sc.states[name+sfxRead] = c.readDoc(s, "DONE.json", "$.done", name+sfxChoose)
	choice := State{Type: "Choice"}
	for _, n := range s.Next {
		target := c.entry(sc, n)
		if n == s.Name {
			target = name + sfxAgain
			sc.states[target] = State{Type: "Pass", Parameters: map[string]any{"run.$": "$.run", "task.$": "$.task", "iter.$": "States.MathAdd($.iter, 1)"}, Next: name}
		}
		v := n
		choice.Choices = append(choice.Choices, Choice{Variable: "$.done.doc.transition.next[0]", StringEquals: &v, Next: target})
	}
	// A transition the plan does not have (the runner refuses one, so
	// only a datastore written by something else) fails the run through
	// flowc.failed rather than with States.NoChoiceMatched, which no Catch
	// sees.
	choice.Default = c.unexpected(sc, s)
	sc.states[name+sfxChoose] = choice
	sc.states[name] = *task
	for _, n := range s.Next {
		c.walk(sc, n)
	}
}

// branch runs every successor of s as a branch of a Parallel state.
func (c *compiler) branch(sc *scope, s *ir.Step, task *State) {
	name := sc.name(s.Name)
	task.Next = name + sfxBranch
	par := State{Type: "Parallel", ResultPath: discard()}
	for _, n := range s.Next {
		par.Branches = append(par.Branches, c.body(sc, n, s.MatchingJoin, sc.suffix, sc.distributed, nil))
	}
	sc.states[name] = *task
	sc.states[name+sfxBranch] = State{}
	c.goTo(sc, &par, s.MatchingJoin)
	sc.states[name+sfxBranch] = par
}

// body compiles the steps from first up to stop into their own States.
func (c *compiler) body(sc *scope, first, stop, suffix string, distributed bool, pc *ProcessorConfig) Machine {
	sub := &scope{states: map[string]State{}, stop: stop, suffix: suffix, distributed: distributed}
	c.walk(sub, first)
	return Machine{ProcessorConfig: pc, StartAt: c.entry(sub, first), States: sub.states}
}

// foreach runs the body once per item of the foreach.json the task wrote:
// an inline Map up to distributedThreshold items, else a Distributed Map,
// chosen at run time from the width the task recorded. A foreach whose
// body holds another foreach always runs as a Distributed Map, so that
// each of its items is a child execution with its own history and the
// inner foreach may be a Distributed Map itself when it is wide (a
// Distributed Map cannot sit in an inline one). So no foreach is ever
// held to an inline Map's limits: an inline Map's items are at most
// distributedThreshold, and its body holds no foreach.
func (c *compiler) foreach(sc *scope, s *ir.Step, task *State) {
	name := sc.name(s.Name)
	body, join := s.Next[0], s.MatchingJoin
	selector := map[string]any{"run.$": "$.run", "task.$": "$$.Map.Item.Value.task"}
	conc := c.maxConcurrency()
	dist := State{
		Type: "Map",
		ItemReader: &ItemReader{
			Resource:     c.arn("s3:getObject"),
			ReaderConfig: map[string]any{"InputType": "JSON"},
			Parameters:   map[string]any{"Bucket": c.bucket, "Key.$": c.key(s, "foreach.json")},
		},
		ItemSelector: selector, MaxConcurrency: conc,
		ItemProcessor: ptr(c.body(sc, body, join, sc.suffix+distribCopy, true, &ProcessorConfig{Mode: "DISTRIBUTED", ExecutionType: "STANDARD"})),
		ResultWriter: &ResultWriter{
			Resource:   c.arn("s3:putObject"),
			Parameters: map[string]any{"Bucket": c.bucket, "Prefix": strings.TrimPrefix(c.prefix+"/"+c.f.Name+"/_sfn/"+s.Name, "/")},
		},
		ResultPath: discard(),
	}
	if c.holdsForeach(s) {
		task.Next = name + sfxDistrib
		sc.states[name] = *task
		sc.states[name+sfxDistrib] = State{}
		c.goTo(sc, &dist, join)
		sc.states[name+sfxDistrib] = dist
		return
	}
	// The Map's result (one small payload per item) replaces the item
	// list it read, so the list leaves the payload with the Map.
	inline := State{
		Type: "Map", ItemsPath: "$.items.doc", ItemSelector: selector, MaxConcurrency: conc,
		ItemProcessor:  ptr(c.body(sc, body, join, sc.suffix, sc.distributed, &ProcessorConfig{Mode: "INLINE"})),
		ResultSelector: map[string]any{"count.$": "States.ArrayLength($)"},
		ResultPath:     at("$.items"),
	}
	task.Next = name + sfxWidth
	sc.states[name+sfxWidth] = c.readDoc(s, "DONE.json", "$.done", name+sfxFanout)
	wide := distributedThreshold
	sc.states[name+sfxFanout] = State{Type: "Choice", Choices: []Choice{{
		Variable: "$.done.doc.transition.foreach.splits", NumericGreaterThan: &wide, Next: name + sfxDistrib,
	}}, Default: name + sfxItems}
	sc.states[name+sfxItems] = c.readDoc(s, "foreach.json", "$.items", name+sfxMap)
	sc.states[name] = *task
	sc.states[name+sfxDistrib] = State{}
	sc.states[name+sfxMap] = State{}
	c.goTo(sc, &dist, join)
	sc.states[name+sfxDistrib] = dist
	c.goTo(sc, &inline, join)
	sc.states[name+sfxMap] = inline
}

// holdsForeach says whether a foreach step's body holds another foreach.
func (c *compiler) holdsForeach(s *ir.Step) bool {
	for _, t := range c.f.Steps {
		if t.Kind == ir.KindForeach && slices.Contains(t.Foreach, s.Name) {
			return true
		}
	}
	return false
}

// DefaultMaxWorkers is a Map's MaxConcurrency when --max-workers is not
// given: Metaflow's default max-workers, and what keeps a Distributed Map
// of 10,000 items from submitting 10,000 Batch jobs at once.
const DefaultMaxWorkers = 100

// maxConcurrency is a Map's MaxConcurrency: --max-workers, or
// DefaultMaxWorkers.
func (c *compiler) maxConcurrency() *int {
	n := DefaultMaxWorkers
	if c.opts.MaxWorkers > 0 {
		n = c.opts.MaxWorkers
	}
	return &n
}

func ptr[T any](v T) *T { return &v }
