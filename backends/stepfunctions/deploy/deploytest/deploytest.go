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
	Tags      map[string]any // by ARN: what CreateStateMachine and PutRule (on creation) and TagResource were given
	// Executions are the executions StartExecution made, by ARN: name,
	// executionArn, stateMachineArn, status, input, startDate (and what a
	// test sets: stopDate, error, cause).
	Executions map[string]map[string]any
	// History is GetExecutionHistory's events, by execution ARN.
	History map[string][]map[string]any
	// BatchJobs are what DescribeJobs returns, by job id.
	BatchJobs map[string]json.RawMessage
	// LogStreams are CloudWatch Logs messages, by "GROUP STREAM".
	LogStreams map[string][]string
	// OnDescribe, when set, may change an execution before
	// DescribeExecution returns it (a test moves it on).
	OnDescribe func(e map[string]any)
	now        float64
}

func New() *AWS {
	return &AWS{Bodies: map[string][]json.RawMessage{}, Jobs: map[string]json.RawMessage{}, Machines: map[string]map[string]any{},
		Schedules: map[string]json.RawMessage{}, Rules: map[string]json.RawMessage{}, Targets: map[string]json.RawMessage{}, Tags: map[string]any{},
		Executions: map[string]map[string]any{}, History: map[string][]map[string]any{}, BatchJobs: map[string]json.RawMessage{},
		LogStreams: map[string][]string{}, now: 1.7e9}
}

// The ARNs of what the endpoint holds.
const (
	// MachinePrefix begins a state machine's ARN: MachinePrefix + NAME.
	MachinePrefix = "arn:aws:states:eu-west-1:123456789012:stateMachine:"
	// RulePrefix begins a rule's ARN: RulePrefix + NAME.
	RulePrefix = "arn:aws:events:eu-west-1:123456789012:rule/"
	// ExecutionPrefix begins the ARN of an execution: ExecutionPrefix +
	// MACHINE + ":" + NAME.
	ExecutionPrefix = "arn:aws:states:eu-west-1:123456789012:execution:"
)

func (f *AWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	var op string
	switch t := r.Header.Get("X-Amz-Target"); {
	case strings.HasPrefix(t, "AWSStepFunctions."):
		op = "sfn." + strings.TrimPrefix(t, "AWSStepFunctions.")
	case strings.HasPrefix(t, "Logs_20140328."):
		op = "logs." + strings.TrimPrefix(t, "Logs_20140328.")
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
		if name := str("jobDefinitionName"); name != "" {
			if jd, ok := f.Jobs[name]; ok {
				out = append(out, jd)
			}
		} else {
			for _, name := range slices.Sorted(keysOf(f.Jobs)) {
				out = append(out, f.Jobs[name])
			}
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
				"type": "STANDARD", "status": "ACTIVE", "creationDate": 1.7e9, "loggingConfiguration": m["loggingConfiguration"]})
		case "sfn.UpdateStateMachine":
			for k, v := range in {
				m[k] = v
			}
			reply(map[string]any{"updateDate": 1.7e9})
		default:
			exec := str("name")
			if exec == "" {
				exec = fmt.Sprintf("generated-%04d", len(f.Executions)+1)
			}
			arn := ExecutionPrefix + name + ":" + exec
			if _, ok := f.Executions[arn]; ok {
				fail(400, "ExecutionAlreadyExists")
				return
			}
			f.now++
			f.Executions[arn] = map[string]any{"name": exec, "executionArn": arn, "stateMachineArn": MachinePrefix + name,
				"status": "RUNNING", "input": str("input"), "startDate": f.now}
			reply(map[string]any{"executionArn": arn, "startDate": f.now})
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
	case "sfn.TagResource", "events.TagResource":
		key, arnKey, tagsKey := "key", "resourceArn", "tags"
		if op == "events.TagResource" {
			key, arnKey, tagsKey = "Key", "ResourceARN", "Tags"
		}
		have, _ := f.Tags[str(arnKey)].([]any)
		add, _ := in[tagsKey].([]any)
		for _, a := range add {
			k := a.(map[string]any)[key]
			have = slices.DeleteFunc(have, func(t any) bool { return t.(map[string]any)[key] == k })
			have = append(have, a)
		}
		f.Tags[str(arnKey)] = have
		reply(map[string]any{})
	case "sfn.ListExecutions":
		var out []map[string]any
		for _, e := range f.Executions {
			if e["stateMachineArn"] == str("stateMachineArn") && (str("statusFilter") == "" || e["status"] == str("statusFilter")) {
				out = append(out, e)
			}
		}
		// Newest first, as Step Functions lists them.
		slices.SortFunc(out, func(a, b map[string]any) int { return int(b["startDate"].(float64) - a["startDate"].(float64)) })
		if n, ok := in["maxResults"].(float64); ok && n > 0 && int(n) < len(out) {
			out = out[:int(n)]
		}
		reply(map[string]any{"executions": out})
	case "sfn.DescribeExecution", "sfn.StopExecution", "sfn.GetExecutionHistory":
		e, ok := f.Executions[str("executionArn")]
		if !ok {
			fail(400, "ExecutionDoesNotExist")
			return
		}
		switch op {
		case "sfn.DescribeExecution":
			if f.OnDescribe != nil {
				f.OnDescribe(e)
			}
			reply(e)
		case "sfn.StopExecution":
			if e["status"] != "RUNNING" {
				fail(400, "ExecutionDoesNotExist")
				return
			}
			f.now++
			e["status"], e["stopDate"], e["error"], e["cause"] = "ABORTED", f.now, str("error"), str("cause")
			reply(map[string]any{"stopDate": f.now})
		default:
			reply(map[string]any{"events": f.History[str("executionArn")]})
		}
	case "sfn.DeleteStateMachine":
		name := strings.TrimPrefix(str("stateMachineArn"), MachinePrefix)
		delete(f.Machines, name)
		delete(f.Tags, MachinePrefix+name)
		reply(map[string]any{})
	case "batch.describejobs":
		var out []json.RawMessage
		ids, _ := in["jobs"].([]any)
		for _, id := range ids {
			if j, ok := f.BatchJobs[id.(string)]; ok {
				out = append(out, j)
			}
		}
		reply(map[string]any{"jobs": out})
	case "batch.deregisterjobdefinition":
		arn := str("jobDefinition")
		for name, jd := range f.Jobs {
			var m map[string]any
			json.Unmarshal(jd, &m)
			if m["jobDefinitionArn"] == arn {
				delete(f.Jobs, name)
			}
		}
		reply(map[string]any{})
	case "logs.GetLogEvents":
		var evs []map[string]any
		for i, m := range f.LogStreams[str("logGroupName")+" "+str("logStreamName")] {
			evs = append(evs, map[string]any{"timestamp": 1700000000000 + i, "message": m, "ingestionTime": 1700000000000 + i})
		}
		if _, ok := f.LogStreams[str("logGroupName")+" "+str("logStreamName")]; !ok {
			fail(400, "ResourceNotFoundException")
			return
		}
		// One page, then an empty one with the same token, as CloudWatch
		// Logs ends a stream.
		if str("nextToken") != "" {
			evs = nil
		}
		reply(map[string]any{"events": evs, "nextForwardToken": "f/end", "nextBackwardToken": "b/start"})
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
