package hello

import "github.com/flowc-dev/flowc/flow"

// Hello greets someone by name.
type Hello struct {
	// Name is whom to greet, --name on the command line.
	Name string `flow:"param" default:"world" help:"whom to greet"`

	// Greeting is the message Hello composes; as an exported field that is
	// not a parameter, it is an artifact, saved after the step that sets it.
	Greeting string
}

// Start is where every flow begins. It has nothing to prepare here.
func (f *Hello) Start(c *flow.Context) flow.Next {
	c.Logger().Info("starting", "run", c.RunID())
	return flow.Goto(f.Hello)
}

// Hello composes the greeting and saves it as an artifact.
func (f *Hello) Hello(c *flow.Context) flow.Next {
	f.Greeting = "Hello, " + f.Name + "!"
	return flow.Goto(f.End)
}

// End prints the greeting Hello saved: End sees every artifact of the step
// before it.
func (f *Hello) End(c *flow.Context) {
	c.Logger().Info(f.Greeting)
}
