// Package bad holds a plain struct with plain methods: nothing takes a
// *flow.Context, so there is no flow here.
package bad

// want-file "FLOW002 .*no flow"

import "github.com/flowc-dev/flowc/flow"

// Settings looks like a flow but is not one.
type Settings struct {
	Name string
}

// Start takes no *flow.Context.
func (s *Settings) Start() string { return s.Name }

// End takes no *flow.Context.
func (s *Settings) End() {}

var _ flow.Next
