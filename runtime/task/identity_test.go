package task

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/flowc-dev/flowc/flow"
)

// TestRunTrigger: the engines' events become the run's trigger: an Argo
// Events body (plain or base64), a flowc end event (a run), an EventBridge
// event and a Step Functions status change; nothing is no trigger.
func TestRunTrigger(t *testing.T) {
	for _, tc := range []struct {
		what, env, b64 string
		want           *flow.Trigger
	}{
		{"none", "", "", nil},
		{"empty object", "{}", "", nil},
		{"a user's event", `{"name":"data_ready","payload":{"table":"tx"}}`, "",
			&flow.Trigger{Type: "event", Name: "data_ready", Payload: json.RawMessage(`{"table":"tx"}`)}},
		{"an end event, base64", "", `{"name":"flowc.fraud.prod.Training.end","payload":{"flow":"Training","run_id":"argo-1","pathspec":"Training/argo-1"}}`,
			&flow.Trigger{Type: "run", Name: "flowc.fraud.prod.Training.end", Pathspec: "Training/argo-1",
				Payload: json.RawMessage(`{"flow":"Training","run_id":"argo-1","pathspec":"Training/argo-1"}`)}},
		{"an EventBridge event", `{"source":"flowc","detail-type":"data_ready","detail":{"table":"tx"}}`, "",
			&flow.Trigger{Type: "event", Name: "data_ready", Payload: json.RawMessage(`{"table":"tx"}`)}},
		{"a state machine's end", `{"source":"aws.states","detail-type":"Step Functions Execution Status Change","detail":{"stateMachineArn":"arn:aws:states:eu-west-1:1:stateMachine:Training","name":"run-7","status":"SUCCEEDED"}}`, "",
			&flow.Trigger{Type: "run", Name: "Step Functions Execution Status Change", Pathspec: "arn:aws:states:eu-west-1:1:stateMachine:Training/run-7",
				Payload: json.RawMessage(`{"stateMachineArn":"arn:aws:states:eu-west-1:1:stateMachine:Training","name":"run-7","status":"SUCCEEDED"}`)}},
	} {
		t.Setenv(TriggerEnv, tc.env)
		enc := ""
		if tc.b64 != "" {
			enc = base64.StdEncoding.EncodeToString([]byte(tc.b64))
		}
		t.Setenv(TriggerEnv+"_B64", enc)
		raw, err := runTrigger()
		if err != nil {
			t.Fatalf("%s: %v", tc.what, err)
		}
		if tc.want == nil {
			if raw != nil {
				t.Errorf("%s: %s, want none", tc.what, raw)
			}
			continue
		}
		want, _ := json.Marshal(tc.want)
		if string(raw) != string(want) {
			t.Errorf("%s:\n got %s\nwant %s", tc.what, raw, want)
		}
	}
	t.Setenv(TriggerEnv, "not json")
	if _, err := runTrigger(); err == nil {
		t.Error("an event that is not JSON is no error")
	}
}
