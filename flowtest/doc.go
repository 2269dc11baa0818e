// Package flowtest runs a whole flow from a Go test: Run[F] checks the
// flow's package as flowc check does, builds its task runner, runs every
// task against a temporary datastore, and returns the artifacts of each
// task as values of the flow's own type F.
//
//	func TestWordCount(t *testing.T) {
//		res := flowtest.Run[WordCount](t, flowtest.Options{})
//		if end := res.Task("End"); end.Total != 24 {
//			t.Errorf("Total = %d", end.Total)
//		}
//	}
//
// It needs the go command (which go test has), not flowc: the runner is
// the one flowc run builds, generated and compiled by flowc's runtime
// (runtime/build) from the module's own copy of flowc, and cached by a hash
// of its sources, so a second test run starts at once. The tasks are
// processes of that runner, exactly as under flowc run: what passes here
// is what flowc run does, with the same codec, datastore, retries, catch
// and timeouts. It is meant for tests only: it imports the front end and
// the local executor, which a flow's own package never does.
package flowtest
