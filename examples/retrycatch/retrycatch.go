package retrycatch

import (
	"errors"
	"fmt"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// Report fetches some numbers from a flaky source, summarises them and
// tries to publish the summary.
type Report struct {
	FailAttempts int           `flow:"param" default:"2" help:"attempts of Fetch that fail before one succeeds"`
	Work         time.Duration `flow:"param" default:"100ms" help:"how long Summarize works"`
	Endpoint     string        `flow:"param" default:"https://reports.example.com/upload" help:"where Publish sends the summary"`

	// Values are what Fetch got, and Attempts how many tries it took.
	Values   []int
	Attempts int
	// Total is the summary.
	Total int
	// Published says whether Publish got through.
	Published bool
	// Failure is set by //flow:catch when Publish's last attempt fails,
	// and nil when it succeeds.
	Failure *flow.CaughtError
}

// errUnavailable is the flaky source's and the endpoint's failure.
var errUnavailable = errors.New("service unavailable")

// Start has nothing to prepare.
func (f *Report) Start(c *flow.Context) flow.Next {
	return flow.Goto(f.Fetch)
}

// Fetch reads the values from a source that is down for the first
// FailAttempts attempts. Returning an error fails the attempt, and retry
// runs the step again, up to three more times.
//
//flow:retry times=3 minutes_between_retries=1
func (f *Report) Fetch(c *flow.Context) (flow.Next, error) {
	if c.RetryCount() < f.FailAttempts {
		return nil, fmt.Errorf("fetch values, attempt %d: %w", c.RetryCount(), errUnavailable)
	}
	f.Values = []int{3, 1, 4, 1, 5, 9, 2, 6}
	f.Attempts = c.RetryCount() + 1
	return flow.Goto(f.Summarize), nil
}

// Summarize adds the values up, taking Work to do so. The timeout cancels
// c.Context() after 30 seconds, and the step stops as soon as it sees it.
//
//flow:timeout seconds=30
func (f *Report) Summarize(c *flow.Context) (flow.Next, error) {
	select {
	case <-time.After(f.Work):
	case <-c.Context().Done():
		return nil, fmt.Errorf("summarize: %w", c.Context().Err())
	}
	for _, v := range f.Values {
		f.Total += v
	}
	return flow.Goto(f.Publish), nil
}

// Publish sends the summary to Endpoint, which is always down in this
// example. Catch turns the failure into the artifact Failure instead of
// failing the run.
//
//flow:catch var=Failure
func (f *Report) Publish(c *flow.Context) (flow.Next, error) {
	if err := upload(f.Endpoint, f.Total); err != nil {
		return nil, fmt.Errorf("publish summary: %w", err)
	}
	f.Published = true
	return flow.Goto(f.End), nil
}

// End reports whether publishing failed.
func (f *Report) End(c *flow.Context) error {
	if f.Failure != nil {
		c.Logger().Warn("summary not published", "step", f.Failure.Step,
			"attempt", f.Failure.Attempt, "error", f.Failure.Message)
		return nil
	}
	c.Logger().Info("summary published", "total", f.Total, "fetch_attempts", f.Attempts)
	return nil
}

// upload stands in for an HTTP POST to an endpoint that is down.
func upload(endpoint string, total int) error {
	return fmt.Errorf("POST %s (total %d): %w", endpoint, total, errUnavailable)
}
