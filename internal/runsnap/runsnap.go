// Package runsnap describes a finished run as lines of text, so that tests
// can compare the same flow run by two engines (flowc's executor, an Argo
// simulation, aws-local-stepfunctions): the run's status and parameters,
// then every task with its attempt, status and artifacts by content hash.
package runsnap

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/flowc-dev/flowc/client"
)

// Of describes run runID of flow in the datastore at root (a directory or
// an s3:// root). Artifacts named in skip (values that hold wall-clock
// times, which no two runs share) are listed by name only.
func Of(root, flow, runID string, skip []string) ([]string, error) {
	c, err := client.Open(root)
	if err != nil {
		return nil, err
	}
	run, err := c.Namespace(client.Global).Flow(flow).Run(runID)
	if err != nil {
		return nil, err
	}
	params, err := run.Parameters()
	if err != nil {
		return nil, err
	}
	pj, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	out := []string{fmt.Sprintf("run %s %s", run.Status(), pj)}
	steps, err := run.Steps()
	if err != nil {
		return nil, err
	}
	for _, st := range steps {
		tasks, err := st.Tasks()
		if err != nil {
			return nil, err
		}
		for _, tk := range tasks {
			var arts []string
			for _, name := range tk.Artifacts() {
				if slices.Contains(skip, name) {
					arts = append(arts, name)
					continue
				}
				a, ok := tk.ArtifactInfo(name)
				if !ok {
					return nil, fmt.Errorf("%s: artifact %s listed but not found", tk.Pathspec(), name)
				}
				arts = append(arts, name+"="+a.SHA[:12])
			}
			out = append(out, fmt.Sprintf("%s attempt %d %s %v", tk.Pathspec(), tk.Attempt(), tk.Status(), arts))
		}
	}
	return out, nil
}
