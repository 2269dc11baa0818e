package stepfunctions_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowc-dev/flowc/internal/s3test"
)

// TestExamplesExecuteOnS3 is TestExamplesExecute with the datastore on a
// real S3-compatible server in its own process (s3rver, started once): each
// example is compiled for the root s3://flowc/sfn/<run>, its Batch jobs
// run the example's task runner with that root unchanged and the server's
// endpoint and credentials in their environment, its getObject states
// fetch foreach.json from the server over HTTP, and the run read back
// through the client from S3 has every task and artifact of flowc run of
// the same flow.
func TestExamplesExecuteOnS3(t *testing.T) {
	node := needNode(t)
	srv := s3test.Start(t)
	srv.Setenv(t)
	ents, err := os.ReadDir(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ent := range ents {
		name := ent.Name()
		t.Run(name, func(t *testing.T) {
			sameOnBothEnginesOn(t, node, filepath.Join("..", "..", "examples", name), "sfn-s3-"+name, e2eCases[name], timed[name], srv)
		})
	}
}

// TestGetObjectExecuteOnS3 executes a machine of one s3:getObject state in
// both of run.mjs's modes, on a key that exists and on one that does not:
// served from s3rver, the state returns the object's text as Body, and a
// missing key or bucket fails it with the same error as from the local
// directory, which the state's Catch sees (the execution's own error is
// aws-local-stepfunctions' ExecutionError either way).
func TestGetObjectExecuteOnS3(t *testing.T) {
	node := needNode(t)
	srv := s3test.Start(t)
	srv.Setenv(t)
	const machine = `# ---- get.asl.json ----
{"StartAt": "Get", "States": {"Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
  "Parameters": {"Bucket.$": "$.bucket", "Key.$": "$.key"},
  "ResultSelector": {"doc.$": "States.StringToJson($.Body)"}, "End": true,
  "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}]},
  "Caught": {"Type": "Pass", "End": true}}}
`
	bundle := filepath.Join(t.TempDir(), "get.step-functions")
	if err := os.WriteFile(bundle, []byte(machine), 0o644); err != nil {
		t.Fatal(err)
	}
	const doc = `[{"index":0,"task":"0"},{"index":1,"task":"1"}]`
	// The local mode serves e2eRoot, s3://flowc-e2e/datastore, from dir.
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "F", "r"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "F", "r", "items.json"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	// s3rver takes an unsigned PUT, as it serves unsigned GETs.
	req, err := http.NewRequest(http.MethodPut, srv.Endpoint+"/"+srv.Bucket+"/datastore/F/r/items.json", bytes.NewReader([]byte(doc)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT to s3rver: %s", resp.Status)
	}

	modes := []struct {
		name   string
		st     e2eStore
		bucket string
	}{{"local", e2eStore{dir: dir}, "flowc-e2e"}, {"s3", e2eStore{s3: srv}, srv.Bucket}}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			ex := executeOn(t, node, bundle, "/nonexistent/runner", m.st, "get", map[string]any{"bucket": m.bucket, "key": "datastore/F/r/items.json"})
			var out struct{ Doc json.RawMessage }
			if ex.Status != "SUCCEEDED" || json.Unmarshal(ex.Output, &out) != nil || string(out.Doc) != doc {
				t.Errorf("present key: %s %s %s, output %s, want doc %s", ex.Status, ex.Error, ex.Cause, ex.Output, doc)
			}
			for _, c := range []struct{ bucket, key, want string }{
				{m.bucket, "datastore/F/r/missing.json", "S3.NoSuchKeyException"},
				{"no-such-bucket", "datastore/F/r/items.json", "S3.NoSuchBucketException"},
			} {
				ex := executeOn(t, node, bundle, "/nonexistent/runner", m.st, "get", map[string]any{"bucket": c.bucket, "key": c.key})
				var out struct{ Error struct{ Error, Cause string } }
				if ex.Status != "SUCCEEDED" || json.Unmarshal(ex.Output, &out) != nil || out.Error.Error != c.want {
					t.Errorf("%s/%s: %s %s %s, output %s, want %s caught", c.bucket, c.key, ex.Status, ex.Error, ex.Cause, ex.Output, c.want)
				}
			}
		})
	}
}
