package stepfunctions

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/project"
)

// Rule is an EventBridge rule and its one target, in the shape of the
// PutRule and PutTargets requests: how //flow:trigger and
// //flow:trigger_on_finish start the state machine.
type Rule struct {
	Name         string     `json:"Name"`
	Description  string     `json:"Description"`
	EventPattern string     `json:"EventPattern"`
	State        string     `json:"State"`
	Target       RuleTarget `json:"Target"`
}

// RuleTarget is the rule's target: the state machine.
type RuleTarget struct {
	ID               string            `json:"Id"`
	Arn              string            `json:"Arn"`
	RoleArn          string            `json:"RoleArn"`
	Input            string            `json:"Input,omitempty"`
	InputTransformer *InputTransformer `json:"InputTransformer,omitempty"`
}

// InputTransformer maps fields of the event to the run's parameters.
type InputTransformer struct {
	InputPathsMap map[string]string `json:"InputPathsMap"`
	InputTemplate string            `json:"InputTemplate"`
}

// EventSource is the EventBridge source of the events //flow:trigger
// names: an event NAME is sent with PutEvents as Source "flowc",
// DetailType NAME, and its fields in Detail.
const EventSource = "flowc"

// TriggerKey is the execution input's key under which an EventBridge rule
// of //flow:trigger or //flow:trigger_on_finish passes the event that
// started the run, as the body an Argo Events webhook delivers: {"name":
// the event's name, "payload": its payload}. The state machine hands its
// JSON text to the start task as FLOWC_TRIGGER, and the runner records it
// as the run's trigger (c.Trigger()). A flow parameter's name never holds
// ":" (a CLI name made from a Go field).
const TriggerKey = "flowc:trigger"

// rules returns the flow's EventBridge rules, or nil.
func (c *compiler) rules() []Rule {
	out := []Rule{c.endedRule()}
	d := c.f.Decorators
	if t := d.Trigger; t != nil {
		for i, ev := range t.Events {
			pattern := map[string]any{"source": []string{EventSource}, "detail-type": []string{ev.Name}}
			r := c.rule(fmt.Sprintf("%s-event-%d", c.names.machine, i), "runs "+c.f.Name+" on event "+ev.Name, pattern)
			r.Target.Input = ""
			r.Target.InputTransformer = eventTransformer(ev.Name, ev.Parameters)
			out = append(out, r)
		}
	}
	if t := d.TriggerOnFinish; t != nil {
		for i, flow := range t.Flows {
			// A flow's state machine is named after it, under a project
			// PROJECT-BRANCH-FLOW: the upstream flow is looked for in the
			// flow's own project and branch (as Metaflow does) and, so that
			// a flow outside any project can trigger one in a project, by
			// its bare name, each by a rule of its own, which knows the
			// end event it stands for. The suffix match finds it in any
			// region and account the rule sees.
			for j, up := range c.upstreams(flow) {
				pattern := map[string]any{
					"source":      []string{"aws.states"},
					"detail-type": []string{"Step Functions Execution Status Change"},
					"detail": map[string]any{
						"status":          []string{"SUCCEEDED"},
						"stateMachineArn": []any{map[string]string{"suffix": ":stateMachine:" + up.machine}},
					},
				}
				name := fmt.Sprintf("%s-finish-%d", c.names.machine, i)
				if j > 0 {
					name += "-bare"
				}
				r := c.rule(name, "runs "+c.f.Name+" when "+flow+" succeeds", pattern)
				r.Target.Input = ""
				r.Target.InputTransformer = finishTransformer(flow, up.project)
				out = append(out, r)
			}
		}
	}
	return out
}

// endedRule starts the state machine with {EndRunKey: NAME} when its
// execution NAME timed out, was stopped (aborted) or failed, so that the
// run is recorded failed: a timed-out or stopped execution runs no Catch,
// and neither does one that fails with States.Runtime (a path that is not
// there, the history limit). A failed execution that went through
// flowc.failed is recorded already, and end-run changes only a run still
// running. The executions this rule starts are not matched (their input
// begins with {"flowc:end-run"), so a failing end-run cannot loop.
func (c *compiler) endedRule() Rule {
	key, _ := json.Marshal(EndRunKey)
	template := "{" + string(key) + ": <run>}"
	pattern := map[string]any{
		"source":      []string{"aws.states"},
		"detail-type": []string{"Step Functions Execution Status Change"},
		"detail": map[string]any{
			"status":          []string{"TIMED_OUT", "ABORTED", "FAILED"},
			"stateMachineArn": []any{map[string]string{"suffix": ":stateMachine:" + c.names.machine}},
			// Not the executions this rule starts: a failing end-run
			// would start another, for ever.
			"input": []any{map[string]any{"anything-but": map[string]string{"prefix": "{" + string(key)}}},
		},
	}
	r := c.rule(c.names.machine+"-ended", "records the run of a timed-out, stopped or failed execution of "+c.f.Name+" as failed", pattern)
	r.Target.Input = ""
	r.Target.InputTransformer = &InputTransformer{InputPathsMap: map[string]string{"run": "$.detail.name"}, InputTemplate: template}
	return r
}

// upstream is a state machine a //flow:trigger_on_finish rule matches,
// and the project it runs in (nil: none).
type upstream struct {
	machine string
	project *project.Info
}

// upstreams are the state machines of flow, a flow that
// //flow:trigger_on_finish names: in this flow's project and branch, if it
// has one, and bare.
func (c *compiler) upstreams(flow string) []upstream {
	bare := upstream{machine: PrefixedName(c.opts.NamePrefix, machineName(flow, "", ""))}
	name, branch := projectBranch(c.f)
	if name == "" {
		return []upstream{bare}
	}
	p := &project.Info{Name: name, Branch: branch}
	return []upstream{{PrefixedName(c.opts.NamePrefix, machineName(flow, name, branch)), p}, bare}
}

func (c *compiler) rule(name, desc string, pattern map[string]any) Rule {
	p, _ := json.Marshal(pattern)
	return Rule{
		Name: shorten(name, maxScheduleName), Description: "flowc: " + desc, EventPattern: string(p), State: "ENABLED",
		Target: RuleTarget{ID: "flowc", Arn: c.machineARN(), RoleArn: or(c.opts.EventsRole, c.opts.Role), Input: "{}"},
	}
}

// eventTransformer is the input of an event's rule: the parameters the
// event maps (paths below the event's detail; EventBridge quotes a string
// value where the template has a bare placeholder) and, at TriggerKey, the
// event as {"name": NAME, "payload": its detail}. The detail alone is
// mapped, not the whole event (<aws.events.event.json>): the rule matches
// one detail-type, known here, and the envelope (id, time, account,
// region, resources) is no part of flow.Trigger, while every character of
// the event counts against the start job's container overrides.
func eventTransformer(event string, params map[string]string) *InputTransformer {
	names := make([]string, 0, len(params))
	for p := range params {
		names = append(names, p)
	}
	sort.Strings(names)
	paths := map[string]string{"detail": "$.detail"}
	var tmpl []string
	for i, p := range names {
		v := fmt.Sprintf("p%d", i)
		paths[v] = "$.detail." + params[p]
		tmpl = append(tmpl, fmt.Sprintf("%s: <%s>", quote(p), v))
	}
	tmpl = append(tmpl, fmt.Sprintf(`%s: {"name": %s, "payload": <detail>}`, quote(TriggerKey), quote(event)))
	return &InputTransformer{InputPathsMap: paths, InputTemplate: "{" + strings.Join(tmpl, ", ") + "}"}
}

// finishTransformer is the input of a //flow:trigger_on_finish rule: at
// TriggerKey, the end event flowc's end-run posts on argo for the
// upstream run (flowc.FLOW.end, or flowc.PROJECT.BRANCH.FLOW.end in a
// project, its payload flow, run_id, pathspec and project and branch), the
// run id being the execution's name. A placeholder inside a JSON string
// is replaced by the value's text (an execution's name holds no quote or
// backslash).
func finishTransformer(flow string, p *project.Info) *InputTransformer {
	fields := []string{
		`"flow": ` + quote(flow),
		`"run_id": <run>`,
		`"pathspec": ` + strings.TrimSuffix(quote(flow+"/"), `"`) + `<run>"`,
	}
	if p != nil {
		fields = append(fields, `"project": `+quote(p.Name), `"branch": `+quote(p.Branch))
	}
	tmpl := fmt.Sprintf(`{%s: {"name": %s, "payload": {%s}}}`, quote(TriggerKey), quote(p.EndEvent(flow)), strings.Join(fields, ", "))
	return &InputTransformer{InputPathsMap: map[string]string{"run": "$.detail.name"}, InputTemplate: tmpl}
}

// quote is s as a JSON string: json.Marshal escapes < and >, so no text of
// the flow's reads as a placeholder.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
