package argo

import (
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/project"
)

// cron makes the CronWorkflow of //flow:schedule: it runs the template by
// reference at the schedule, in its time zone. It cannot fill a required
// parameter, so a scheduled flow with one is a diagnostic.
func (c *compiler) cron() *CronWorkflow {
	s := c.f.Decorators.Schedule
	if s == nil {
		return nil
	}
	for _, p := range c.f.Params {
		if p.Required && p.Default == nil {
			c.add(s.Pos, diag.TargetUnsupported, "the flow is scheduled, but parameter %s is required and has no default: a CronWorkflow cannot give it a value", p.Name)
		}
	}
	return &CronWorkflow{
		APIVersion: apiVersion,
		Kind:       "CronWorkflow",
		Metadata:   ObjectMeta{Name: c.base, Namespace: c.opts.Namespace, Labels: c.labels()},
		Spec: CronWorkflowSpec{
			Schedules:                  []string{s.Cron},
			Timezone:                   s.Timezone,
			ConcurrencyPolicy:          c.concurrencyPolicy(),
			SuccessfulJobsHistoryLimit: c.opts.SuccessfulHistoryLimit,
			FailedJobsHistoryLimit:     c.opts.FailedHistoryLimit,
			// A tick missed while the controller was down still
			// starts within the hour.
			StartingDeadlineSeconds: ptr(3540),
			WorkflowMetadata:        &ObjectMeta{Labels: c.labels()},
			WorkflowSpec:            WorkflowSpec{WorkflowTemplateRef: &WorkflowTemplateRef{Name: c.base}},
		},
	}
}

// Sensor options: what //flow:trigger and //flow:trigger_on_finish take in
// options={...} on argo, with their defaults.
var sensorOptions = map[string]string{
	"event_source":    "flowc",   // the Argo Events EventSource the events come from
	"event_name":      "flowc",   // the event of that source (a webhook endpoint)
	"event_bus":       "default", // the EventBus
	"service_account": "",        // the sensor pod's service account
	"namespace":       "",        // the Sensor's namespace (--sensor-namespace wins)
}

// sensor makes the Argo Events Sensor of //flow:trigger and
// //flow:trigger_on_finish: one dependency per event, filtered on the
// event's body.name, any one of which starts a run (the trigger's
// conditions ORs them; without conditions Argo Events would wait for all),
// and a trigger that creates a Workflow from the template, copying the
// mapped payload fields into its parameters (a field of an event that did
// not come falls back to the parameter's default). A finished flow is the
// event "flowc.<Flow>.end", in a project "flowc.<project>.<branch>.<Flow>.end".
func (c *compiler) sensor() *Sensor {
	d := c.f.Decorators
	if d.Trigger == nil && d.TriggerOnFinish == nil {
		return nil
	}
	opts := map[string]string{}
	for k, v := range sensorOptions {
		opts[k] = v
	}
	var events []ir.Event
	var pos ir.Pos
	if t := d.Trigger; t != nil {
		events, pos = append(events, t.Events...), t.Pos
		c.sensorOptions(t.Pos, t.Options, opts)
	}
	if t := d.TriggerOnFinish; t != nil {
		for _, fl := range t.Flows {
			// In a project, the upstream flow of the same project and
			// branch (its end-run posts flowc.PROJECT.BRANCH.FLOW.end), as
			// Metaflow scopes @trigger_on_finish.
			events = append(events, ir.Event{Name: project.OfFlow(c.f).EndEvent(fl)})
		}
		pos = t.Pos
		c.sensorOptions(t.Pos, t.Options, opts)
	}
	wf := &Workflow{
		APIVersion: apiVersion,
		Kind:       "Workflow",
		Metadata:   ObjectMeta{GenerateName: c.base + "-", Namespace: c.opts.Namespace, Labels: c.labels()},
		Spec:       WorkflowSpec{WorkflowTemplateRef: &WorkflowTemplateRef{Name: c.base}},
	}
	spec := SensorSpec{EventBusName: opts["event_bus"]}
	if sa := opts["service_account"]; sa != "" {
		spec.Template = &SensorTemplate{ServiceAccountName: sa}
	}
	var tparams []TriggerParameter
	var deps []string
	mapped := map[string]bool{}
	for i, e := range events {
		// A dependency name is an identifier of the trigger's
		// conditions expression: letters, digits and _.
		dep := fmt.Sprintf("%s_%d", strings.ReplaceAll(squashOr(e.Name, "event"), "-", "_"), i)
		deps = append(deps, dep)
		// The event's body goes to the run as its trigger (triggerEnv);
		// a dependency that did not fire leaves "".
		wf.Spec.Arguments = addArg(wf.Spec.Arguments, triggerParam(i))
		tparams = append(tparams, TriggerParameter{
			Src:  TriggerParameterSource{DependencyName: dep, DataKey: "body", Value: ptr("")},
			Dest: fmt.Sprintf("spec.arguments.parameters.%d.value", len(wf.Spec.Arguments.params())-1),
		})
		spec.Dependencies = append(spec.Dependencies, EventDependency{
			Name: dep, EventSourceName: opts["event_source"], EventName: opts["event_name"],
			Filters: &EventFilters{Data: []DataFilter{{Path: "body.name", Type: "string", Value: []string{e.Name}}}},
		})
		for _, param := range sortedKeys(e.Parameters) {
			p := c.param(param)
			if p == nil {
				c.add(pos, diag.TargetValue, "event %s maps a payload field to parameter %s, which the flow does not have", e.Name, param)
				continue
			}
			if mapped[param] {
				c.add(pos, diag.TargetValue, "parameter %s is set by two events", param)
				continue
			}
			mapped[param] = true
			i := len(wf.Spec.Arguments.params())
			wf.Spec.Arguments = addArg(wf.Spec.Arguments, param)
			src := TriggerParameterSource{DependencyName: dep, DataKey: "body.payload." + e.Parameters[param]}
			if p.Default != nil {
				// An event without the field starts the run with the default.
				src.Value = ptr(p.DefaultText())
			}
			tparams = append(tparams, TriggerParameter{
				Src:  src,
				Dest: fmt.Sprintf("spec.arguments.parameters.%d.value", i),
			})
		}
	}
	for _, p := range c.f.Params {
		if p.Required && p.Default == nil && mapped[p.Name] && len(events) > 1 {
			c.add(pos, diag.TargetUnsupported, "parameter %s is required and has no default, but any one of the flow's %d events starts it, and only one sets it", p.Name, len(events))
		}
		if p.Required && p.Default == nil && !mapped[p.Name] {
			c.add(pos, diag.TargetUnsupported, "the flow is triggered by events, but parameter %s is required, has no default, and no event sets it", p.Name)
		}
	}
	// Any one of the events starts a run, as on step-functions (an
	// EventBridge rule matches any of its patterns); Argo Events would
	// otherwise wait for all of a trigger's dependencies.
	conditions := ""
	if len(deps) > 1 {
		conditions = strings.Join(deps, " || ")
	}
	spec.Triggers = []SensorTrigger{{Template: TriggerTemplate{
		Name: c.base, Conditions: conditions, K8s: &K8sTrigger{Operation: "create", Source: ArtifactLocation{Resource: wf}, Parameters: tparams},
	}}}
	return &Sensor{
		APIVersion: apiVersion,
		Kind:       "Sensor",
		Metadata:   ObjectMeta{Name: c.base, Namespace: c.sensorNamespace(opts["namespace"]), Labels: c.labels()},
		Spec:       spec,
	}
}

// sensorNamespace is the Sensor's namespace: --sensor-namespace, else the
// trigger's namespace option, else the objects'.
func (c *compiler) sensorNamespace(option string) string {
	for _, ns := range []string{c.opts.SensorNamespace, option} {
		if ns != "" {
			return ns
		}
	}
	return c.opts.Namespace
}

// sensorOptions reads a trigger directive's options into opts.
func (c *compiler) sensorOptions(pos ir.Pos, given, opts map[string]string) {
	for _, k := range sortedKeys(given) {
		if _, ok := sensorOptions[k]; !ok {
			c.add(pos, diag.TargetUnsupported, "trigger option %q means nothing on argo; the options are event_source, event_name, event_bus, service_account and namespace", k)
			continue
		}
		if k == "namespace" && !dns1123Label.MatchString(given[k]) {
			c.add(pos, diag.TargetValue, "trigger option namespace=%q is not a Kubernetes namespace name", given[k])
			continue
		}
		if k != "event_name" && !dnsSubdomain.MatchString(given[k]) {
			c.add(pos, diag.TargetValue, "trigger option %s=%q is not a Kubernetes name", k, given[k])
			continue
		}
		opts[k] = given[k]
	}
}

// concurrencyPolicy is --concurrency-policy, Allow by default (a run
// starts at its time even when the last one still runs, as Metaflow's).
func (c *compiler) concurrencyPolicy() string {
	if c.opts.ConcurrencyPolicy == "" {
		return "Allow"
	}
	return c.opts.ConcurrencyPolicy
}

// param returns the flow parameter whose CLI name is name.
func (c *compiler) param(name string) *ir.Param {
	for i := range c.f.Params {
		if c.f.Params[i].Name == name {
			return &c.f.Params[i]
		}
	}
	return nil
}

func (a *Arguments) params() []Parameter {
	if a == nil {
		return nil
	}
	return a.Parameters
}

// addArg adds a parameter to a, whose value the sensor fills in.
func addArg(a *Arguments, name string) *Arguments {
	if a == nil {
		a = &Arguments{}
	}
	a.Parameters = append(a.Parameters, Parameter{Name: name, Value: ptr("")})
	return a
}

func squashOr(s, alt string) string {
	if q := squash(s); q != "" {
		if len(q) > 40 {
			q = strings.TrimRight(q[:40], "-")
		}
		return q
	}
	return alt
}
