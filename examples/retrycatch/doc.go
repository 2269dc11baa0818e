// Package retrycatch shows how a flow survives failures: retry a step that
// fails now and then, stop a step that runs too long, and catch the failure
// of a step the run can do without.
//
//	Start ─▶ Fetch ─▶ Summarize ─▶ Publish ─▶ End
//
// Three of the steps carry a directive:
//   - Fetch carries //flow:retry times=3: it fails, by returning an error,
//     on its first FailAttempts attempts (c.RetryCount() tells it which
//     attempt it is) and succeeds on the next, so the run goes on.
//   - Summarize carries //flow:timeout seconds=30: c.Context() is cancelled
//     when the time is up, and the step gives up with the context's error.
//   - Publish carries //flow:catch var=Failure and always fails. Its last
//     attempt's error is stored in the artifact Failure, a
//     *flow.CaughtError, and the run goes on to End, which reports it.
//
// These are Metaflow's @retry, @timeout and @catch(var="failure").
package retrycatch
