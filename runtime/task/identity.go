package task

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/project"
)

// TriggerEnv carries, to the start task of a deployed run, what started the
// run: an engine's event as it arrives (see runTrigger), or, as
// TriggerEnv+"_B64", the same base64-encoded. The engine passes it as the
// value of an environment variable, data that no shell or template engine
// reads.
const TriggerEnv = "FLOWC_TRIGGER"

// runUser is the user a task's run belongs to: FLOWC_USER as flowc or the
// deployed workflow sets it, else the process's user.
func runUser() string {
	if u := os.Getenv(project.UserEnv); u != "" {
		return u
	}
	if u := currentUser(); u != "" {
		return u
	}
	return "unknown"
}

// identity fills the run's facts of info: its user, project and origin,
// from the environment flowc (exec) or the deployed workflow gives every
// task, and a loader of the trigger from the run's record.
func (r *runner[F]) identity(ctx context.Context, info *flow.TaskInfo) {
	info.Username = runUser()
	info.OriginRunID = os.Getenv(project.OriginEnv)
	if p := project.FromEnv(); p != nil {
		info.Project, info.Branch, info.Production = p.Name, p.Branch, p.Production
	}
	info.LoadTrigger = func() *flow.Trigger {
		rec, err := r.store.s.ReadRun(ctx, r.store.flow, r.store.run)
		if err != nil || len(rec.Trigger) == 0 {
			return nil
		}
		var t flow.Trigger
		if json.Unmarshal(rec.Trigger, &t) != nil {
			return nil
		}
		// The run document is indented: the payload as it came, compact.
		var b bytes.Buffer
		if json.Compact(&b, t.Payload) == nil {
			t.Payload = b.Bytes()
		}
		return &t
	}
}

// runTrigger reads TriggerEnv into the JSON of a flow.Trigger for the run's
// record, nil when the run was not triggered. An Argo Events webhook event
// arrives as {"name": ..., "payload": {...}} (what end-run posts, and what
// a user posts), an EventBridge event as {"source", "detail-type",
// "detail"}; an end event names its run in payload.pathspec.
func runTrigger() (json.RawMessage, error) {
	raw := os.Getenv(TriggerEnv)
	if enc := os.Getenv(TriggerEnv + "_B64"); enc != "" && raw == "" {
		// Argo passes it base64-encoded (backends/argo triggerEnv).
		b, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			return nil, fmt.Errorf("%s_B64 is not standard base64: %v", TriggerEnv, err)
		}
		raw = string(b)
	}
	if raw == "" || raw == "null" || raw == "{}" {
		return nil, nil
	}
	var ev struct {
		Name       string          `json:"name"`
		Payload    json.RawMessage `json:"payload"`
		DetailType string          `json:"detail-type"`
		Detail     json.RawMessage `json:"detail"`
		Type       string          `json:"type"`
	}
	if err := json.Unmarshal([]byte(raw), &ev); err != nil {
		return nil, fmt.Errorf("%s is not a JSON event: %v", TriggerEnv, err)
	}
	t := flow.Trigger{Type: "event", Name: ev.Name, Payload: ev.Payload}
	if ev.DetailType != "" {
		t.Name, t.Payload = ev.DetailType, ev.Detail
	}
	var p struct {
		Pathspec        string `json:"pathspec"`
		StateMachineArn string `json:"stateMachineArn"`
		Name            string `json:"name"`
	}
	_ = json.Unmarshal(t.Payload, &p)
	switch {
	case p.Pathspec != "":
		t.Type, t.Pathspec = "run", p.Pathspec
	case ev.DetailType == "Step Functions Execution Status Change" && p.StateMachineArn != "":
		t.Type, t.Pathspec = "run", p.StateMachineArn+"/"+p.Name
	}
	return json.Marshal(t)
}
