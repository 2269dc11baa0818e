package bad

import "github.com/flowc-dev/flowc/flow"

// Values gives attributes values of the wrong type or out of range.
//
//flow:project name=Fraud-Team // want "FLOW063 .*project name \"Fraud-Team\" must be lower case"
type Values struct{}

func (f *Values) Start(c *flow.Context) flow.Next { return flow.Goto(f.Fit) }

//flow:retry times=9 // want "FLOW063 .*retry times=9: want a whole number from 0 to 4"
//flow:catch print_exception=maybe // want "FLOW063 .*catch print_exception=maybe: want true or false"
//flow:resources cpu=0 memory=lots gpu=-1 // want "FLOW063 .*cpu=0: want a number above 0" "FLOW063 .*memory=lots" "FLOW063 .*gpu=-1"
func (f *Values) Fit(c *flow.Context) (flow.Next, error) { return flow.Goto(f.Report), nil }

//flow:kubernetes qos=Guarenteed image=[a,b] // want "FLOW063 .*qos=\"Guarenteed\": want one of Burstable, Guaranteed, BestEffort \\(did you mean Guaranteed\\?\\)" "FLOW063 .*image=\\[a,b\\]: want a word or a quoted string"
//flow:environment vars={1BAD=x} // want "FLOW063 .*environment variable name \"1BAD\""
//flow:timeout minutes=ten // want "FLOW063 .*minutes=ten"
func (f *Values) Report(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *Values) End(c *flow.Context) {}
