// Package deploytest is an in-process endpoint that speaks the wire
// protocols of the AWS services the deploy package calls, for tests that
// call them through the real AWS SDK.
package deploytest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// AWS is an in-process endpoint that speaks the wire protocols of the
// services flowc deploy step-functions uses, as the SDK sends them: Step
// Functions (JSON 1.0, X-Amz-Target AWSStepFunctions.*), EventBridge (JSON
// 1.1, AWSEvents.*), Batch (REST-JSON, POST /v1/<op>) and EventBridge
// Scheduler (REST-JSON, /schedules/NAME). It keeps what it is sent, so a
// second deploy reads it back, and records every call.
type AWS struct {
	mu        sync.Mutex
	calls     []string
	Bodies    map[string][]json.RawMessage // by call, in order
	Jobs      map[string]json.RawMessage
	Machines  map[string]map[string]any // by name: name, definition, roleArn
	Schedules map[string]json.RawMessage
	Rules     map[string]json.RawMessage
	Targets   map[string]json.RawMessage
	Tags      map[string]any // by ARN: what CreateStateMachine and PutRule (on creation) were given
}

func New() *AWS {
	return &AWS{Bodies: map[string][]json.RawMessage{}, Jobs: map[string]json.RawMessage{}, Machines: map[string]map[string]any{},
		Schedules: map[string]json.RawMessage{}, Rules: map[string]json.RawMessage{}, Targets: map[string]json.RawMessage{}, Tags: map[string]any{}}
}

const (
	MachinePrefix = "arn:aws:states:eu-west-1:123456789012:stateMachine:"
	RulePrefix    = "arn:aws:events:eu-west-1:123456789012:rule/"
)

func (f *AWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	var op string
	switch t := r.Header.Get("X-Amz-Target"); {
	case strings.HasPrefix(t, "AWSStepFunctions."):
		op = "sfn." + strings.TrimPrefix(t, "AWSStepFunctions.")
	case strings.HasPrefix(t, "AWSEvents."):
		op = "events." + strings.TrimPrefix(t, "AWSEvents.")
	case strings.HasPrefix(r.URL.Path, "/v1/"):
		op = "batch." + strings.TrimPrefix(r.URL.Path, "/v1/")
	case strings.HasPrefix(r.URL.Path, "/schedules/"):
		op = "scheduler." + r.Method
	default:
		http.Error(w, "unknown call "+r.Method+" "+r.URL.String(), http.StatusNotImplemented)
		return
	}
	f.calls = append(f.calls, op)
	f.Bodies[op] = append(f.Bodies[op], body)
	var in map[string]any
	json.Unmarshal(body, &in)
	str := func(k string) string { s, _ := in[k].(string); return s }
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	fail := func(status int, code string) {
		w.Header().Set("X-Amzn-ErrorType", code)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type": %q, "message": "fake: %s"}`, code, code)
	}
	switch op {
	case "batch.describejobdefinitions":
		var out []json.RawMessage
		if jd, ok := f.Jobs[str("jobDefinitionName")]; ok {
			out = append(out, jd)
		}
		reply(map[string]any{"jobDefinitions": out})
	case "batch.registerjobdefinition":
		name := str("jobDefinitionName")
		var jd map[string]any
		json.Unmarshal(body, &jd)
		jd["revision"], jd["status"] = 1, "ACTIVE"
		jd["jobDefinitionArn"] = "arn:aws:batch:eu-west-1:123456789012:job-definition/" + name + ":1"
		f.Jobs[name], _ = json.Marshal(jd)
		reply(map[string]any{"jobDefinitionName": name, "jobDefinitionArn": jd["jobDefinitionArn"], "revision": 1})
	case "sfn.ListStateMachines":
		var out []map[string]any
		for _, name := range slices.Sorted(keysOf(f.Machines)) {
			out = append(out, map[string]any{"name": name, "stateMachineArn": MachinePrefix + name, "type": "STANDARD", "creationDate": 1.7e9})
		}
		reply(map[string]any{"stateMachines": out})
	case "sfn.CreateStateMachine":
		if _, ok := f.Machines[str("name")]; ok {
			fail(400, "StateMachineAlreadyExists")
			return
		}
		f.Machines[str("name")] = in
		if in["tags"] != nil {
			f.Tags[MachinePrefix+str("name")] = in["tags"]
		}
		reply(map[string]any{"stateMachineArn": MachinePrefix + str("name"), "creationDate": 1.7e9})
	case "sfn.DescribeStateMachine", "sfn.UpdateStateMachine", "sfn.StartExecution":
		name := strings.TrimPrefix(str("stateMachineArn"), MachinePrefix)
		m, ok := f.Machines[name]
		if !ok {
			fail(400, "StateMachineDoesNotExist")
			return
		}
		switch op {
		case "sfn.DescribeStateMachine":
			reply(map[string]any{"stateMachineArn": MachinePrefix + name, "name": name, "definition": m["definition"], "roleArn": m["roleArn"],
				"type": "STANDARD", "status": "ACTIVE", "creationDate": 1.7e9})
		case "sfn.UpdateStateMachine":
			for k, v := range in {
				m[k] = v
			}
			reply(map[string]any{"updateDate": 1.7e9})
		default:
			exec := str("name")
			if exec == "" {
				exec = "generated-0001"
			}
			reply(map[string]any{"executionArn": "arn:aws:states:eu-west-1:123456789012:execution:" + name + ":" + exec, "startDate": 1.7e9})
		}
	case "scheduler.GET", "scheduler.POST", "scheduler.PUT", "scheduler.DELETE":
		name := strings.TrimPrefix(r.URL.Path, "/schedules/")
		s, ok := f.Schedules[name]
		switch {
		case r.Method == "POST" && ok:
			fail(409, "ConflictException")
		case r.Method != "POST" && !ok:
			fail(404, "ResourceNotFoundException")
		case r.Method == "GET":
			w.Header().Set("Content-Type", "application/json")
			w.Write(s)
		case r.Method == "DELETE":
			delete(f.Schedules, name)
			reply(map[string]any{})
		default:
			in["Name"], in["Arn"] = name, "arn:aws:scheduler:eu-west-1:123456789012:schedule/default/"+name
			if in["GroupName"] == nil {
				in["GroupName"] = "default"
			}
			f.Schedules[name], _ = json.Marshal(in)
			reply(map[string]any{"ScheduleArn": in["Arn"]})
		}
	case "sfn.ListTagsForResource":
		tags, _ := f.Tags[str("resourceArn")].([]any)
		reply(map[string]any{"tags": tags})
	case "events.DescribeRule":
		rule, ok := f.Rules[str("Name")]
		if !ok {
			fail(400, "ResourceNotFoundException")
			return
		}
		var out map[string]any
		json.Unmarshal(rule, &out)
		delete(out, "Tags")
		out["Arn"] = RulePrefix + str("Name")
		reply(out)
	case "events.PutRule":
		if _, ok := f.Rules[str("Name")]; !ok && in["Tags"] != nil {
			f.Tags[RulePrefix+str("Name")] = in["Tags"]
		}
		f.Rules[str("Name")] = body
		reply(map[string]any{"RuleArn": RulePrefix + str("Name")})
	case "events.ListTagsForResource":
		tags, _ := f.Tags[str("ResourceARN")].([]any)
		reply(map[string]any{"Tags": tags})
	case "events.ListRules":
		var out []map[string]any
		for _, name := range slices.Sorted(keysOf(f.Rules)) {
			if strings.HasPrefix(name, str("NamePrefix")) {
				out = append(out, map[string]any{"Name": name, "Arn": RulePrefix + name})
			}
		}
		reply(map[string]any{"Rules": out})
	case "events.RemoveTargets":
		delete(f.Targets, str("Rule"))
		reply(map[string]any{"FailedEntryCount": 0, "FailedEntries": []any{}})
	case "events.DeleteRule":
		delete(f.Rules, str("Name"))
		delete(f.Tags, RulePrefix+str("Name"))
		reply(map[string]any{})
	case "events.ListTargetsByRule":
		t, ok := f.Targets[str("Rule")]
		if !ok {
			t = []byte(`{"Targets": []}`)
		}
		w.Write(t)
	case "events.PutTargets":
		f.Targets[str("Rule")] = body
		reply(map[string]any{"FailedEntryCount": 0, "FailedEntries": []any{}})
	default:
		http.Error(w, "fake: no "+op, http.StatusNotImplemented)
	}
}

func keysOf[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// take returns the calls made since the last take.
func (f *AWS) Take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

// writes keeps the calls that change something.
func Writes(calls []string) []string {
	var out []string
	for _, c := range calls {
		switch {
		case strings.Contains(c, "Describe"), strings.Contains(c, "describe"), strings.Contains(c, "List"), c == "scheduler.GET":
		default:
			out = append(out, c)
		}
	}
	return out
}

// Env sets the environment so that the SDK finds fake credentials and the
// region eu-west-1, and no shared configuration or instance role.
func Env(t testing.TB) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFAKE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fake")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}
