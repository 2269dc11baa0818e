package bad

import "github.com/flowc-dev/flowc/flow"

// Attrs misspells attributes.
//
//flow:project nmae=fraud // want "FLOW061 .*project has no attribute nmae \\(did you mean name\\?\\)"
type Attrs struct{}

func (f *Attrs) Start(c *flow.Context) flow.Next { return flow.Goto(f.Fit) }

//flow:retry tims=2 minutes_between_retries=1 // want "FLOW061 .*retry has no attribute tims \\(did you mean times\\?\\)"
//flow:resources cpu=2 memroy=4096 colour=red // want "FLOW061 .*memroy \\(did you mean memory\\?\\)" "FLOW061 .*resources has no attribute colour$"
//flow:kubernetes tolerations=[{key=gpu, efect=NoSchedule}] // want "FLOW061 .*toleration field \"efect\" .*did you mean effect"
func (f *Attrs) Fit(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Attrs) End(c *flow.Context) {}
