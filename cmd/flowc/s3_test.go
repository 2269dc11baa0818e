package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/internal/s3test"
)

// TestRunOnS3rver runs an example with the S3 datastore on s3rver, in its
// own process, then reads every task's artifacts back through the client
// API and compares them with the same flow run into a local datastore:
// the same steps, tasks, artifacts and values (the same blobs). The
// inspection commands read the S3 run too, chosen by FLOWC_DATASTORE_ROOT.
func TestRunOnS3rver(t *testing.T) {
	srv := s3test.Start(t)
	srv.Setenv(t)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // no user config file
	pkg := filepath.Join("..", "..", "examples", "foreach")
	s3root := srv.Root("e2e")
	localRoot := filepath.Join(t.TempDir(), ".flowc")

	s3run := flowcRun(t, "run", pkg, "--datastore", "s3", "--datastore-root", s3root)
	localRun := flowcRun(t, "run", pkg, "--datastore-root", localRoot)

	sc, err := client.Open(s3root)
	if err != nil {
		t.Fatal(err)
	}
	lc, err := client.Open(localRoot)
	if err != nil {
		t.Fatal(err)
	}
	compareRuns(t, sc.Namespace(client.Global), lc.Namespace(client.Global), "WordCount", s3run, localRun)

	// Resume on S3 from Join: Start and Process are cloned, Join and End
	// run again, and the result is the same.
	resumed := flowcRun(t, "resume", pkg, "Join", "--datastore-root", s3root)
	rr, err := sc.Namespace(client.Global).Flow("WordCount").Run(resumed)
	if err != nil {
		t.Fatal(err)
	}
	if rr.OriginRunID() != s3run {
		t.Fatalf("resumed run %s: origin %q, want %s", resumed, rr.OriginRunID(), s3run)
	}
	compareRuns(t, sc.Namespace(client.Global), lc.Namespace(client.Global), "WordCount", resumed, localRun)

	// The inspection commands: tag with the root as a flag (tag's is a
	// persistent flag of its subcommands), the others from the environment.
	flowcOK(t, "tag", "add", "--datastore-root", s3root, "WordCount/"+s3run, "on-s3")
	t.Setenv("FLOWC_DATASTORE_ROOT", s3root)
	out := flowcOK(t, "runs", "WordCount")
	if !strings.Contains(out, "WordCount/"+s3run) {
		t.Errorf("flowc runs on S3 does not list the run:\n%s", out)
	}
	out = flowcOK(t, "dump", "WordCount/"+s3run+"/Join")
	if !strings.Contains(out, "Total") {
		t.Errorf("flowc dump on S3 shows no Total:\n%s", out)
	}
	flowcOK(t, "logs", "WordCount/"+s3run+"/Start")
	r, err := sc.Namespace(client.Global).Flow("WordCount").Run(s3run)
	if err != nil || !reflect.DeepEqual(r.Tags(), []string{"on-s3"}) {
		t.Errorf("after flowc tag add: tags %v, %v", r.Tags(), err)
	}
}

// flowcRun runs flowc with --run-id-file and returns the run id.
func flowcRun(t *testing.T, args ...string) string {
	t.Helper()
	idFile := filepath.Join(t.TempDir(), "run-id")
	flowcOK(t, append(args, "--run-id-file", idFile)...)
	id, err := os.ReadFile(idFile)
	if err != nil {
		t.Fatal(err)
	}
	return string(id)
}

func flowcOK(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("flowc %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// compareRuns checks that two runs of one flow have the same steps, tasks
// and artifacts, with equal values stored in equal blobs.
func compareRuns(t *testing.T, a, b *client.Client, flow, idA, idB string) {
	t.Helper()
	ra, err := a.Flow(flow).Run(idA)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.Flow(flow).Run(idB)
	if err != nil {
		t.Fatal(err)
	}
	if !ra.Successful() || !rb.Successful() {
		t.Fatalf("runs %s and %s: status %s and %s", idA, idB, ra.Status(), rb.Status())
	}
	steps, err := ra.Steps()
	if err != nil {
		t.Fatal(err)
	}
	stepsB, _ := rb.Steps()
	if len(steps) != len(stepsB) || len(steps) < 3 {
		t.Fatalf("%d steps on S3, %d locally", len(steps), len(stepsB))
	}
	tasks := 0
	for _, st := range steps {
		ta, err := st.Tasks()
		if err != nil {
			t.Fatal(err)
		}
		tb, err := rb.Step(st.Name()).Tasks()
		if err != nil {
			t.Fatal(err)
		}
		if len(ta) != len(tb) {
			t.Fatalf("step %s: %d tasks on S3, %d locally", st.Name(), len(ta), len(tb))
		}
		for i := range ta {
			tasks++
			if ta[i].ID() != tb[i].ID() || !reflect.DeepEqual(ta[i].Artifacts(), tb[i].Artifacts()) {
				t.Fatalf("task %s: artifacts %v; locally %s: %v", ta[i].Pathspec(), ta[i].Artifacts(), tb[i].Pathspec(), tb[i].Artifacts())
			}
			for _, name := range ta[i].Artifacts() {
				ia, _ := ta[i].ArtifactInfo(name)
				ib, _ := tb[i].ArtifactInfo(name)
				va, err := ta[i].ArtifactAny(name)
				if err != nil {
					t.Fatal(err)
				}
				vb, err := tb[i].ArtifactAny(name)
				if err != nil {
					t.Fatal(err)
				}
				if ia.SHA != ib.SHA || !reflect.DeepEqual(va, vb) {
					t.Errorf("%s.%s: %v (blob %.8s) on S3, %v (blob %.8s) locally", ta[i].Pathspec(), name, va, ia.SHA, vb, ib.SHA)
				}
			}
		}
	}
	if tasks < 5 {
		t.Fatalf("compared only %d tasks", tasks)
	}
}
