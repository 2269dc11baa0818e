package flow

import "fmt"

// CaughtError is what //flow:catch var=Field stores in Field, a field of type
// *flow.CaughtError, when the step's last attempt fails: the run goes on from
// the step's successor, and the error stays an artifact of the task. On a
// successful attempt the field is set to nil.
type CaughtError struct {
	Step    string `json:"step"`    // the step that failed
	Attempt int    `json:"attempt"` // the attempt that failed, from 0
	Type    string `json:"type"`    // the Go type of the error or panic value; "exit" for a process that died, "timeout" for one killed at its timeout
	Message string `json:"message"`
	Stack   string `json:"stack,omitempty"` // the goroutine stack of a panic
}

// Error returns "step S, attempt N: message".
func (e *CaughtError) Error() string {
	return fmt.Sprintf("step %s, attempt %d: %s", e.Step, e.Attempt, e.Message)
}
