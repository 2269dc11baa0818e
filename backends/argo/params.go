package argo

import (
	"strconv"
)

// arguments makes the flow's parameters workflow arguments. An argument's
// value is the text the runner parses as the parameter's type, exactly like
// flowc run --NAME VALUE: a string as itself (not JSON-quoted), a list
// joined by its separator, a JSON parameter as JSON text (not a string of
// JSON). A required parameter has no value, so Argo refuses a submission
// without one. An optional parameter without a default has the value "",
// which means unset: the start task is then not given it at all
// (paramArgs), so it never becomes the text "null" or a parse error.
func (c *compiler) arguments() *Arguments {
	if len(c.f.Params) == 0 && c.triggerEvents() == 0 {
		return nil
	}
	a := &Arguments{}
	for _, p := range c.f.Params {
		arg := Parameter{Name: p.Name, Description: p.Help}
		switch {
		case p.Default != nil:
			arg.Value = ptr(p.DefaultText())
		case !p.Required:
			arg.Value = ptr("")
		}
		a.Parameters = append(a.Parameters, arg)
	}
	// What started the run, set by the Sensor; "" for a run started by
	// hand or by the schedule.
	for i := range c.triggerEvents() {
		a.Parameters = append(a.Parameters, Parameter{Name: triggerParam(i), Value: ptr("")})
	}
	return a
}

// triggerEvents is how many events the flow's Sensor waits for (any one
// starts a run): //flow:trigger's events and //flow:trigger_on_finish's
// flows.
func (c *compiler) triggerEvents() int {
	n := 0
	if t := c.f.Decorators.Trigger; t != nil {
		n += len(t.Events)
	}
	if t := c.f.Decorators.TriggerOnFinish; t != nil {
		n += len(t.Flows)
	}
	return n
}

// triggerParam is the workflow parameter into which the Sensor copies the
// body of event i ({"name", "payload"}) when that event starts the run.
// Flow parameters never hold "--" (plain names of Go fields).
func triggerParam(i int) string { return "flowc--trigger-" + itoa(i) }

// triggerEnv is the start task's FLOWC_TRIGGER_B64: the body of the event
// that started the run (the first trigger parameter that is not ""),
// base64-encoded by an Argo expression so that no substitution pass reads
// the event's text; the runner records it as the run's trigger.
func (c *compiler) triggerEnv() (EnvVar, bool) {
	n := c.triggerEvents()
	if n == 0 {
		return EnvVar{}, false
	}
	var expr string
	for i := n - 1; i >= 0; i-- {
		ref := "workflow.parameters['" + triggerParam(i) + "']"
		if i == n-1 {
			expr = ref
		} else {
			expr = ref + " != '' ? " + ref + " : (" + expr + ")"
		}
	}
	return EnvVar{Name: "FLOWC_TRIGGER_B64", Value: "{{=toBase64(" + expr + ")}}"}, true
}

func itoa(i int) string { return strconv.Itoa(i) }
