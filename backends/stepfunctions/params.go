package stepfunctions

import (
	"fmt"

	"github.com/flowc-dev/flowc/ir"
)

// The run's input is a flat JSON object of parameter values by CLI name,
// each as the text flowc run takes after --NAME (a number or boolean may
// be given as JSON): {"epochs": "100", "model-type": "forest"}. The first
// states merge it over the defaults and fail the run with a clear error
// when a required parameter is missing; Start gets each value as
// --param NAME=VALUE.

// Names of the states before Start.
const (
	stateParams   = "flowc.params"
	stateInit     = "flowc.init"
	stateRequired = "flowc.required"
	stateMissing  = "flowc.missing."
)

// initStates emits the states that set up the payload and returns the
// first.
func (c *compiler) initStates(top *scope) string {
	start := c.entry(top, c.f.Graph.Start)
	if len(c.f.Params) == 0 {
		top.states[stateInit] = State{Type: "Pass", Parameters: map[string]any{"run.$": "$$.Execution.Name", "task": "0"}, Next: start}
		return stateInit
	}
	defaults := map[string]any{}
	var required []ir.Param
	for _, p := range c.f.Params {
		if p.Default == nil {
			required = append(required, p)
			continue
		}
		defaults[p.Name] = p.DefaultText()
	}
	top.states[stateParams] = State{Type: "Pass", Parameters: map[string]any{"defaults": defaults, "input.$": "$"}, Next: stateInit}
	init := State{Type: "Pass", Parameters: map[string]any{
		"run.$": "$$.Execution.Name", "task": "0", "p.$": "States.JsonMerge($.defaults, $.input, false)",
	}, Next: start}
	if len(required) > 0 {
		init.Next = stateRequired
		check := State{Type: "Choice", Default: start}
		f := false
		for _, p := range required {
			check.Choices = append(check.Choices, Choice{Variable: paramPath(p.Name), IsPresent: &f, Next: stateMissing + p.Name})
			top.states[stateMissing+p.Name] = State{Type: "Fail", Error: "flowc.MissingParameter",
				Cause: fmt.Sprintf("parameter %s is required: start the execution with the input {\"%s\": \"VALUE\"}", p.Name, p.Name)}
		}
		top.states[stateRequired] = check
	}
	top.states[stateInit] = init
	return stateParams
}
