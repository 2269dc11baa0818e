package datastore_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

var (
	t0   = time.Date(2025, 3, 4, 5, 6, 7, 890000000, time.UTC)
	task = datastore.TaskPath{Flow: "Training", Run: "1700000000000000", Step: "Fit", Task: "3"}
)

func TestRunDocument(t *testing.T) {
	ctx := context.Background()
	s, l := newStore(t)
	run := datastore.Run{
		Flow: "Training", RunID: "1700000000000000", User: "ana", Tags: []string{"exp"},
		SystemTags: []string{"user:ana", "runtime:local"},
		Start:      t0.In(time.FixedZone("CET", 3600)), Status: datastore.RunRunning,
		Parameters: map[string]json.RawMessage{"seed": json.RawMessage("42"), "model-type": json.RawMessage(`"forest"`)},
	}
	if err := s.WriteRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(l.Root(), "Training", "1700000000000000", "_run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["schema"] != datastore.RunSchema || doc["status"] != "running" || doc["start"] != "2025-03-04T05:06:07.89Z" {
		t.Errorf("run document: %s", raw)
	}
	if _, ok := doc["end"]; ok {
		t.Errorf("a running run has an end time: %s", raw)
	}
	got, err := s.ReadRun(ctx, "Training", "1700000000000000")
	if err != nil {
		t.Fatal(err)
	}
	run.Schema, run.Start = datastore.RunSchema, t0
	if diff := cmp.Diff(run, got); diff != "" {
		t.Errorf("run round trip (-want +got):\n%s", diff)
	}
	run.Status, run.End = datastore.RunSucceeded, t0.Add(time.Minute)
	s.WriteRun(ctx, run)
	if got, _ := s.ReadRun(ctx, "Training", "1700000000000000"); got.Status != datastore.RunSucceeded || !got.End.Equal(run.End) {
		t.Errorf("rewritten run: %+v", got)
	}
	if _, err := s.ReadRun(ctx, "Training", "999"); !errors.Is(err, datastore.ErrNotFound) {
		t.Errorf("missing run: %v", err)
	}
}

func TestSchemaChecked(t *testing.T) {
	ctx := context.Background()
	s, l := newStore(t)
	l.Put(ctx, "F/1/_run.json", []byte(`{"schema": "flowc.run/v9", "flow": "F"}`))
	if _, err := s.ReadRun(ctx, "F", "1"); err == nil || !strings.Contains(err.Error(), "flowc.run/v9") {
		t.Errorf("unknown schema: %v", err)
	}
	l.Put(ctx, "F/2/_run.json", []byte(`{"schema": "flowc.run/v1", "flow": "F", "run_id": "2", "added_later": [1]}`))
	if r, err := s.ReadRun(ctx, "F", "2"); err != nil || r.RunID != "2" {
		t.Errorf("unknown fields must be ignored: %+v, %v", r, err)
	}
	l.Put(ctx, "F/3/_run.json", []byte(`{"schema": `))
	if _, err := s.ReadRun(ctx, "F", "3"); err == nil || !strings.Contains(err.Error(), "F/3/_run.json") {
		t.Errorf("broken JSON: %v", err)
	}
}

func TestListRunsNewestFirst(t *testing.T) {
	ctx := context.Background()
	s, l := newStore(t)
	for i, id := range []string{"100", "20", "resume-x", "3"} {
		s.WriteRun(ctx, datastore.Run{Flow: "F", RunID: id, Start: t0.Add(time.Duration([]int{1, 3, 2, 3}[i]) * time.Hour)})
	}
	l.Put(ctx, "F/42/start/1/0.attempt.json", []byte("{}")) // a run without a run document
	runs, err := s.ListRuns(ctx, "F")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.RunID)
	}
	// Newest start first; equal starts by id, numeric ids by value.
	if want := []string{"20", "3", "resume-x", "100"}; !slices.Equal(ids, want) {
		t.Errorf("ListRuns = %v, want %v", ids, want)
	}
	if runs, err := s.ListRuns(ctx, "NoSuchFlow"); err != nil || len(runs) != 0 {
		t.Errorf("ListRuns of an unknown flow: %v, %v", runs, err)
	}
}

func TestLatestRunAndFlows(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	if _, err := s.LatestRun(ctx, "F"); !errors.Is(err, datastore.ErrNotFound) {
		t.Errorf("LatestRun before any: %v", err)
	}
	s.SetLatestRun(ctx, "F", "123")
	s.SetLatestRun(ctx, "F", "456")
	if id, err := s.LatestRun(ctx, "F"); err != nil || id != "456" {
		t.Errorf("LatestRun = %q, %v", id, err)
	}
	s.SetLatestRun(ctx, "G", "1")
	s.PutBlob(ctx, []byte("a blob"))
	if flows, err := s.ListFlows(ctx); err != nil || !slices.Equal(flows, []string{"F", "G"}) {
		t.Errorf("ListFlows = %v, %v", flows, err)
	}
}

func TestStepsTasksAttempts(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	for _, id := range []string{"10", "2", "1", "x"} {
		tp := task
		tp.Task = id
		if err := s.WriteAttempt(ctx, tp, datastore.Attempt{Start: t0, Status: datastore.AttemptRunning}); err != nil {
			t.Fatal(err)
		}
	}
	other := task
	other.Step = "Start"
	s.WriteAttempt(ctx, other, datastore.Attempt{})
	s.WriteRun(ctx, datastore.Run{Flow: task.Flow, RunID: task.Run})
	if steps, err := s.ListSteps(ctx, task.Flow, task.Run); err != nil || !slices.Equal(steps, []string{"Fit", "Start"}) {
		t.Errorf("ListSteps = %v, %v", steps, err)
	}
	if tasks, err := s.ListTasks(ctx, task.Flow, task.Run, "Fit"); err != nil || !slices.Equal(tasks, []string{"1", "2", "10", "x"}) {
		t.Errorf("ListTasks = %v, %v", tasks, err)
	}
	code := 1
	for n := range 12 {
		a := datastore.Attempt{Attempt: n, Start: t0, End: t0.Add(time.Second), Status: datastore.AttemptFailed, Error: "boom", ExitCode: &code}
		if err := s.WriteAttempt(ctx, task, a); err != nil {
			t.Fatal(err)
		}
	}
	if ns, err := s.ListAttempts(ctx, task); err != nil || len(ns) != 12 || ns[11] != 11 || !slices.IsSorted(ns) {
		t.Errorf("ListAttempts = %v, %v", ns, err)
	}
	full := datastore.Attempt{
		Attempt: 2, Start: t0, End: t0.Add(time.Second), Status: datastore.AttemptCaught, Error: "panic: x", ExitCode: &code,
		ForeachStack: []datastore.ForeachFrame{{Step: "Fit", Var: "Shards", Index: 1, Splits: 3}},
		Transition:   &datastore.Transition{Next: []string{"Score"}, Foreach: &datastore.ForeachSplit{Var: "Items", Splits: 0}},
		InputPaths:   []string{"Training/1700000000000000/Merge/2"},
		Origin:       "Training/1600000000000000/Fit/7",
	}
	if err := s.WriteAttempt(ctx, task, full); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadAttempt(ctx, task, 2)
	if err != nil {
		t.Fatal(err)
	}
	full.Schema = datastore.AttemptSchema
	if diff := cmp.Diff(full, got); diff != "" {
		t.Errorf("attempt round trip (-want +got):\n%s", diff)
	}
	if _, err := s.ReadAttempt(ctx, task, 99); !errors.Is(err, datastore.ErrNotFound) {
		t.Errorf("missing attempt: %v", err)
	}
	if err := s.WriteAttempt(ctx, task, datastore.Attempt{Attempt: -1}); err == nil {
		t.Error("negative attempt accepted")
	}
}

func TestArtifactIndex(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	a, err := s.PutArtifact(ctx, []float64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	arts := map[string]datastore.Artifact{"Weights": a, "Name": {SHA: shaHex([]byte("x")), Size: 1, Encoding: "cbor", GoType: "string"}}
	if err := s.WriteArtifacts(ctx, task, 0, arts); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadArtifacts(ctx, task, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(arts, got); diff != "" {
		t.Errorf("artifact index (-want +got):\n%s", diff)
	}
	var w []float64
	if err := s.GetArtifact(ctx, got["Weights"], &w); err != nil || !slices.Equal(w, []float64{1, 2}) {
		t.Errorf("artifact from index: %v, %v", w, err)
	}
	if err := s.WriteArtifacts(ctx, task, 1, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ReadArtifacts(ctx, task, 1); err != nil || got == nil || len(got) != 0 {
		t.Errorf("empty index: %v, %v", got, err)
	}
	bad := map[string]datastore.Artifact{"X": {SHA: "nope"}}
	if err := s.WriteArtifacts(ctx, task, 2, bad); err == nil {
		t.Error("invalid sha accepted")
	}
}

func TestLogs(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	if err := s.WriteLog(ctx, task, 0, datastore.Stdout, strings.NewReader("line 1\nline 2\n")); err != nil {
		t.Fatal(err)
	}
	rc, err := s.OpenLog(ctx, task, 0, datastore.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != "line 1\nline 2\n" {
		t.Errorf("log %q", got)
	}
	if _, err := s.OpenLog(ctx, task, 0, datastore.Stderr); !errors.Is(err, datastore.ErrNotFound) {
		t.Errorf("missing log: %v", err)
	}
	if err := s.WriteLog(ctx, task, 0, "stdin", strings.NewReader("")); err == nil {
		t.Error("bad stream accepted")
	}
	// A log can come straight from the file the scheduler captured it in.
	f, _ := os.CreateTemp(t.TempDir(), "log")
	f.WriteString(strings.Repeat("captured\n", 10000))
	f.Seek(0, 0)
	if err := s.WriteLog(ctx, task, 1, datastore.Stderr, f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	rc, _ = s.OpenLog(ctx, task, 1, datastore.Stderr)
	got, _ = io.ReadAll(rc)
	rc.Close()
	if len(got) != 90000 {
		t.Errorf("log from a file: %d bytes", len(got))
	}
}

func TestDoneMarker(t *testing.T) {
	ctx := context.Background()
	s, l := newStore(t)
	if _, err := s.ReadDone(ctx, task); !errors.Is(err, datastore.ErrNotFound) {
		t.Errorf("unfinished task: %v", err)
	}
	d := datastore.Done{Attempt: 1, Status: datastore.AttemptOK, Time: t0}
	if err := s.MarkDone(ctx, task, d); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadDone(ctx, task)
	d.Schema = datastore.DoneSchema
	if err != nil || got != d {
		t.Errorf("ReadDone = %+v, %v", got, err)
	}
	if ok, _ := l.Exists(ctx, task.String()+"/DONE.json"); !ok {
		t.Error("DONE.json not at its key")
	}
}

func TestNames(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	bad := []datastore.TaskPath{
		{Flow: "data", Run: "1", Step: "s", Task: "1"},
		{Flow: "F", Run: "a/b", Step: "s", Task: "1"},
		{Flow: "F", Run: "1", Step: "", Task: "1"},
		{Flow: "F", Run: "1", Step: "s", Task: ".."},
		{Flow: "F", Run: "1", Step: ".hidden", Task: "1"},
	}
	for _, tp := range bad {
		if err := s.WriteAttempt(ctx, tp, datastore.Attempt{}); err == nil {
			t.Errorf("WriteAttempt(%q) accepted", tp)
		}
		if _, err := s.ReadDone(ctx, tp); err == nil || errors.Is(err, datastore.ErrNotFound) {
			t.Errorf("ReadDone(%q): %v, want a name error", tp, err)
		}
	}
	if err := s.WriteRun(ctx, datastore.Run{Flow: "data", RunID: "1"}); err == nil {
		t.Error("flow named data accepted")
	}
	tp, err := datastore.ParseTaskPath("Training/1700000000000000/Fit/3")
	if err != nil || tp != task || tp.String() != "Training/1700000000000000/Fit/3" {
		t.Errorf("ParseTaskPath = %+v, %v", tp, err)
	}
	for _, p := range []string{"Training/1/Fit", "a/b/c/d/e", "F//s/1"} {
		if _, err := datastore.ParseTaskPath(p); err == nil {
			t.Errorf("ParseTaskPath(%q) accepted", p)
		}
	}
}

func TestNewRunID(t *testing.T) {
	before := time.Now().UnixMicro()
	prev := int64(0)
	for range 10000 {
		id := datastore.NewRunID()
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			t.Fatalf("run id %q is not decimal", id)
		}
		if n <= prev {
			t.Fatalf("run id %d after %d", n, prev)
		}
		prev = n
	}
	if first := prev - 10000; first < before-1 {
		t.Errorf("run ids are not microsecond timestamps: %d vs %d", prev, before)
	}
}

func TestCompareIDs(t *testing.T) {
	ids := []string{"b", "10", "007", "2", "a", "1", "100000000000000000000000"}
	slices.SortFunc(ids, datastore.CompareIDs)
	if want := []string{"1", "2", "007", "10", "100000000000000000000000", "a", "b"}; !slices.Equal(ids, want) {
		t.Errorf("sorted ids %v, want %v", ids, want)
	}
}
