package stepfunctions

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
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

// rules returns the flow's EventBridge rules, or nil.
func (c *compiler) rules() []Rule {
	out := []Rule{c.endedRule()}
	d := c.f.Decorators
	if t := d.Trigger; t != nil {
		for i, ev := range t.Events {
			pattern := map[string]any{"source": []string{EventSource}, "detail-type": []string{ev.Name}}
			r := c.rule(fmt.Sprintf("%s-event-%d", c.names.machine, i), "runs "+c.f.Name+" on event "+ev.Name, pattern)
			if len(ev.Parameters) > 0 {
				r.Target.Input = ""
				r.Target.InputTransformer = transformer(ev.Parameters)
			}
			out = append(out, r)
		}
	}
	if t := d.TriggerOnFinish; t != nil {
		for i, flow := range t.Flows {
			// A flow's state machine is named after it, under a project
			// PROJECT-BRANCH-FLOW: the upstream flow is looked for in the
			// flow's own project and branch (as Metaflow does) and, so that
			// a flow outside any project can trigger one in a project, by
			// its bare name. The suffix match finds it in any region and
			// account the rule sees.
			var arns []any
			for _, name := range c.upstreamNames(flow) {
				arns = append(arns, map[string]string{"suffix": ":stateMachine:" + name})
			}
			pattern := map[string]any{
				"source":      []string{"aws.states"},
				"detail-type": []string{"Step Functions Execution Status Change"},
				"detail": map[string]any{
					"status":          []string{"SUCCEEDED"},
					"stateMachineArn": arns,
				},
			}
			out = append(out, c.rule(fmt.Sprintf("%s-finish-%d", c.names.machine, i), "runs "+c.f.Name+" when "+flow+" succeeds", pattern))
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

// upstreamNames are the state machine names of flow, a flow that
// //flow:trigger_on_finish names: in this flow's project and branch, if it
// has one, and bare.
func (c *compiler) upstreamNames(flow string) []string {
	bare := PrefixedName(c.opts.NamePrefix, machineName(flow, "", ""))
	project, branch := projectBranch(c.f)
	if project == "" {
		return []string{bare}
	}
	return []string{PrefixedName(c.opts.NamePrefix, machineName(flow, project, branch)), bare}
}

func (c *compiler) rule(name, desc string, pattern map[string]any) Rule {
	p, _ := json.Marshal(pattern)
	return Rule{
		Name: shorten(name, maxScheduleName), Description: "flowc: " + desc, EventPattern: string(p), State: "ENABLED",
		Target: RuleTarget{ID: "flowc", Arn: c.machineARN(), RoleArn: or(c.opts.EventsRole, c.opts.Role), Input: "{}"},
	}
}

// transformer maps event fields (paths below the event's detail) to
// parameters; EventBridge quotes a string value where the template has a
// bare placeholder.
func transformer(params map[string]string) *InputTransformer {
	names := make([]string, 0, len(params))
	for p := range params {
		names = append(names, p)
	}
	sort.Strings(names)
	paths := map[string]string{}
	var tmpl []string
	for i, p := range names {
		v := fmt.Sprintf("p%d", i)
		paths[v] = "$.detail." + params[p]
		key, _ := json.Marshal(p)
		tmpl = append(tmpl, fmt.Sprintf("%s: <%s>", key, v))
	}
	return &InputTransformer{InputPathsMap: paths, InputTemplate: "{" + strings.Join(tmpl, ", ") + "}"}
}
