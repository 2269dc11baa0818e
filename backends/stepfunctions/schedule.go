package stepfunctions

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/diag"
)

// Schedule is an EventBridge Scheduler schedule, in the shape of its
// CreateSchedule request. Unlike an EventBridge rule it honours a time
// zone, daylight saving time included.
type Schedule struct {
	Name                       string             `json:"Name"`
	GroupName                  string             `json:"GroupName"`
	Description                string             `json:"Description"`
	ScheduleExpression         string             `json:"ScheduleExpression"`
	ScheduleExpressionTimezone string             `json:"ScheduleExpressionTimezone,omitempty"`
	FlexibleTimeWindow         FlexibleTimeWindow `json:"FlexibleTimeWindow"`
	State                      string             `json:"State"`
	Target                     ScheduleTarget     `json:"Target"`
}

// FlexibleTimeWindow is off: runs start at the scheduled minute.
type FlexibleTimeWindow struct {
	Mode string `json:"Mode"`
}

// ScheduleTarget is what a schedule or rule starts: the state machine, as the
// role, with the input (the run's parameters: none, so the defaults).
type ScheduleTarget struct {
	Arn     string `json:"Arn"`
	RoleArn string `json:"RoleArn"`
	Input   string `json:"Input"`
}

// machineARN is the state machine's ARN when --job-queue's ARN gives the
// region and account; else a placeholder that flowc deploy replaces by
// the ARN it created.
func (c *compiler) machineARN() string {
	if c.region == "" || c.account == "" {
		return MachineARNPlaceholder
	}
	return fmt.Sprintf("arn:%s:states:%s:%s:stateMachine:%s", c.partition, c.region, c.account, c.names.machine)
}

// MachineARNPlaceholder stands for the state machine's ARN in a schedule
// or rule target when compile cannot know it; flowc deploy fills it in.
const MachineARNPlaceholder = "${StateMachineArn}"

// ScheduleName is the name of the schedule of the state machine machine.
func ScheduleName(machine string) string { return shorten(machine, maxScheduleName) }

// schedule returns the flow's schedule, or nil.
func (c *compiler) schedule() *Schedule {
	s := c.f.Decorators.Schedule
	if s == nil {
		return nil
	}
	for _, p := range c.f.Params {
		if p.Required && p.Default == nil {
			c.diags.Add(c.pos(s.Pos), diag.TargetUnsupported, "step-functions: the flow is scheduled, but parameter %s is required and has no default: a schedule cannot give it a value", p.Name)
		}
	}
	expr, err := eventBridgeCron(s.Cron)
	if err != nil {
		c.diags.Add(c.pos(s.Pos), diag.TargetUnsupported, "step-functions: schedule %q: %v", s.Cron, err)
		return nil
	}
	return &Schedule{
		Name:                       ScheduleName(c.names.machine),
		GroupName:                  "default",
		Description:                "flowc: runs " + c.f.Name + " on cron " + s.Cron,
		ScheduleExpression:         expr,
		ScheduleExpressionTimezone: s.Timezone,
		FlexibleTimeWindow:         FlexibleTimeWindow{Mode: "OFF"},
		State:                      "ENABLED",
		Target:                     ScheduleTarget{Arn: c.machineARN(), RoleArn: or(c.opts.EventsRole, c.opts.Role), Input: "{}"},
	}
}

// eventBridgeCron turns a five-field cron (minute hour day-of-month month
// day-of-week, Sunday 0 or 7) into EventBridge's six-field cron(...) (a
// year field, Sunday 1, and ? in one of the two day fields, which
// EventBridge wants).
func eventBridgeCron(cron string) (string, error) {
	f := strings.Fields(cron)
	if len(f) != 5 {
		return "", fmt.Errorf("want five fields")
	}
	dom, dow := f[2], f[4]
	switch {
	case dow == "*":
		dow = "?"
	case dom == "*":
		dom = "?"
		var err error
		if dow, err = shiftWeekdays(dow); err != nil {
			return "", err
		}
	default:
		return "", fmt.Errorf("EventBridge cannot restrict both the day of the month and the day of the week")
	}
	return fmt.Sprintf("cron(%s %s %s %s %s *)", f[0], f[1], dom, f[3], dow), nil
}

// shiftWeekdays renumbers the day-of-week field from cron's 0-6 (Sunday 0
// or 7) to EventBridge's 1-7 (Sunday 1). Names (MON) stay as they are.
func shiftWeekdays(field string) (string, error) {
	var out []string
	for _, part := range strings.Split(field, ",") {
		base, step, hasStep := strings.Cut(part, "/")
		var ends []string
		for _, e := range strings.Split(base, "-") {
			n, err := strconv.Atoi(e)
			switch {
			case e == "*":
			case err == nil && n >= 0 && n <= 7:
				e = strconv.Itoa(n%7 + 1)
			case err == nil:
				return "", fmt.Errorf("day of week %d is out of range", n)
			}
			ends = append(ends, e)
		}
		if len(ends) == 2 && ends[1] < ends[0] && len(ends[0]) == 1 && len(ends[1]) == 1 {
			// 5-7 (Friday to Sunday) becomes 6-1, which EventBridge
			// reads as a range that wraps: spell it out instead.
			return "", fmt.Errorf("the day-of-week range %s wraps past Sunday; write it as a list", base)
		}
		p := strings.Join(ends, "-")
		if hasStep {
			p += "/" + step
		}
		out = append(out, p)
	}
	return strings.Join(out, ","), nil
}
