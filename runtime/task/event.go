//go:build !flowc_local

package task

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/flowc-dev/flowc/project"
)

// EndEvent is the body end-run posts to an event webhook when a run
// succeeds: the event "flowc.FLOW.end" (in a project,
// "flowc.PROJECT.BRANCH.FLOW.end", project.Info.EndEvent) that
// //flow:trigger_on_finish waits for, in the shape flowc's Sensors filter
// on (body.name) and read parameters from (body.payload). The payload names
// the run (flow, run_id, pathspec) and, in a project, project and
// branch.
type EndEvent struct {
	Name    string            `json:"name"`
	Payload map[string]string `json:"payload"`
}

// postEndEvent posts the end event of a succeeded run to url (an Argo
// Events webhook EventSource, say). A failure is returned, so that the
// engine retries the exit handler.
func postEndEvent(ctx context.Context, url, flow, run string) error {
	p := project.FromEnv()
	payload := map[string]string{"flow": flow, "run_id": run, "pathspec": flow + "/" + run}
	if p != nil {
		payload["project"], payload["branch"] = p.Name, p.Branch
	}
	body, err := json.Marshal(EndEvent{Name: p.EndEvent(flow), Payload: payload})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("--event-url: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("post the end event: %w", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post the end event to %s: %s %s", url, resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}
