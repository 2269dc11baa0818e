// Package facts is a test flow whose steps record what flow.Context says
// of the run: its user, project, origin and trigger.
package facts

import (
	"fmt"

	"github.com/flowc-dev/flowc/flow"
)

// Facts records the run's facts in Start and again in End.
//
//flow:project name=fraud
type Facts struct {
	AtStart, AtEnd string
}

func facts(c *flow.Context) string {
	trigger := "none"
	if t := c.Trigger(); t != nil {
		trigger = fmt.Sprintf("%s %s %s %s", t.Type, t.Name, t.Pathspec, t.Payload)
	}
	return fmt.Sprintf("user=%s ns=%s project=%s branch=%s production=%v origin=%s trigger=%s",
		c.Username(), c.Namespace(), c.ProjectName(), c.BranchName(), c.IsProduction(), c.OriginRunID(), trigger)
}

// Start records the facts.
func (f *Facts) Start(c *flow.Context) flow.Next {
	f.AtStart = facts(c)
	return flow.Goto(f.End)
}

// End records them again: the trigger is read from the run's record.
func (f *Facts) End(c *flow.Context) error {
	f.AtEnd = facts(c)
	return nil
}
