package stepfunctions

import (
	"fmt"

	"github.com/flowc-dev/flowc/ir"
)

// The run's input is a flat JSON object of parameter values by CLI name,
// each as the text flowc run takes after --NAME (a number or boolean may
// be given as JSON, and any parameter as a JSON object or array, which is
// passed on as its JSON text): {"epochs": "100", "model-type": "forest"}.
// The first states merge it over the defaults and fail the run with a
// clear error when a required parameter is missing; then one Choice per
// parameter turns its value into Start's argument --param=NAME=VALUE, or a
// no-op argument when an optional parameter without a default was left
// out, so that Start's command (an intrinsic's array, of fixed length)
// never reads a missing path or formats an object.

// Names of the states before Start.
const (
	stateParams   = "flowc.params"
	stateInit     = "flowc.init"
	stateRequired = "flowc.required"
	stateMissing  = "flowc.missing."
	stateParam    = "flowc.param."
)

// Suffixes of a parameter's states.
const (
	sfxParamText = ".text" // a string, number or boolean: formatted as it is
	sfxParamJSON = ".json" // an object, array or null: its JSON text
	sfxParamOmit = ".omit" // left out: a no-op argument
)

// noopArg is the argument that stands for a parameter left out: the
// runner takes --capture-logs any number of times.
const noopArg = "--capture-logs"

// argsPath is where the parameters' arguments are in the payload before
// Start: $.args.pN.v.
func argsPath(i int) string { return fmt.Sprintf("$.args.p%d", i) }

// initStates emits the states that set up the payload and returns the
// first.
func (c *compiler) initStates(top *scope) string {
	start := c.entry(top, c.f.Graph.Start)
	if len(c.f.Params) == 0 {
		top.states[stateInit] = State{Type: "Pass", Parameters: map[string]any{"run.$": "$$.Execution.Name", "task": "0", "trigger.$": "$.trigger"}, Next: start}
		return stateInit
	}
	defaults := map[string]any{}
	var required []ir.Param
	for _, p := range c.f.Params {
		if p.Default == nil {
			if p.Required {
				required = append(required, p)
			}
			continue
		}
		defaults[p.Name] = p.DefaultText()
	}
	top.states[stateParams] = State{Type: "Pass", Parameters: map[string]any{"defaults": defaults, "input.$": "$.input", "trigger.$": "$.trigger"}, Next: stateInit}
	first := c.paramStates(top, start)
	init := State{Type: "Pass", Parameters: map[string]any{
		"run.$": "$$.Execution.Name", "task": "0", "p.$": "States.JsonMerge($.defaults, $.input, false)", "args": map[string]any{},
		"trigger.$": "$.trigger",
	}, Next: first}
	if len(required) > 0 {
		init.Next = stateRequired
		check := State{Type: "Choice", Default: first}
		for _, p := range required {
			check.Choices = append(check.Choices, absent(paramPath(p.Name), stateMissing+p.Name))
			top.states[stateMissing+p.Name] = State{Type: "Fail", Error: "flowc.MissingParameter",
				Cause: fmt.Sprintf("parameter %s is required: start the execution with the input {\"%s\": \"VALUE\"}", p.Name, p.Name)}
		}
		top.states[stateRequired] = check
	}
	top.states[stateInit] = init
	return stateParams
}

// needsChoice says whether a parameter's argument needs a Choice: when
// the input may leave it out (optional, no default), or when its value may
// come as a JSON object or array (a JSON or list parameter), which
// States.Format cannot take. A scalar parameter given as an object fails
// at Start with States.Runtime, as any input of the wrong shape does.
func needsChoice(p ir.Param) bool {
	return p.Default == nil || p.Type == ir.JSON || p.Type == ir.Strings
}

// paramStates emits, for each parameter that needsChoice, a Choice on its
// value's JSON type and the Pass states that put its argument at
// argsPath, ending in next; it returns the first.
func (c *compiler) paramStates(top *scope, next string) string {
	for i := len(c.f.Params) - 1; i >= 0; i-- {
		p := c.f.Params[i]
		if !needsChoice(p) {
			continue
		}
		base := shorten(stateParam+p.Name, maxStateName-len(sfxParamText))
		path := paramPath(p.Name)
		arg := func(v string) State {
			return State{Type: "Pass", Parameters: map[string]any{"v.$": v}, ResultPath: at(argsPath(i)), Next: next}
		}
		top.states[base+sfxParamText] = arg(paramArg(p))
		top.states[base+sfxParamJSON] = arg(fmt.Sprintf("States.Format(%s, States.JsonToString(%s))", format("--param="+p.Name+"=", ""), path))
		t := true
		choice := State{Type: "Choice", Default: base + sfxParamJSON}
		if p.Default == nil {
			top.states[base+sfxParamOmit] = State{Type: "Pass", Result: map[string]any{"v": noopArg}, ResultPath: at(argsPath(i)), Next: next}
			choice.Choices = append(choice.Choices, absent(path, base+sfxParamOmit))
		}
		choice.Choices = append(choice.Choices, Choice{Or: []Choice{
			{Variable: path, IsString: &t}, {Variable: path, IsNumeric: &t}, {Variable: path, IsBoolean: &t},
		}, Next: base + sfxParamText})
		top.states[base] = choice
		next = base
	}
	return next
}

// paramArg is a parameter's argument --param=NAME=VALUE, its value a
// string, number or boolean, as an intrinsic.
func paramArg(p ir.Param) string {
	return fmt.Sprintf("States.Format(%s, %s)", format("--param="+p.Name+"=", ""), paramPath(p.Name))
}

// startParamArgs are the arguments Start's command takes for the
// parameters: each formatted in place, or the path where its Choice put
// it.
func (c *compiler) startParamArgs() []string {
	var out []string
	for i, p := range c.f.Params {
		if needsChoice(p) {
			out = append(out, argsPath(i)+".v")
		} else {
			out = append(out, paramArg(p))
		}
	}
	return out
}

// absent is a Choice rule that goes to next when path is not in the
// payload. It is written Not IsPresent true rather than IsPresent false,
// which means the same to Step Functions, because aws-local-stepfunctions
// 3.0.0 never matches IsPresent false.
func absent(path, next string) Choice {
	t := true
	return Choice{Not: &Choice{Variable: path, IsPresent: &t}, Next: next}
}
