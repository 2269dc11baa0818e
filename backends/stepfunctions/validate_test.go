package stepfunctions_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenMachinesValidate runs asl-validator (with path and ARN checks,
// and our BackoffRate >= 1 check) on the state machine of every golden
// file of the step-functions target.
func TestGoldenMachinesValidate(t *testing.T) {
	node := needNode(t)
	files, err := filepath.Glob(filepath.Join("..", "..", "golden", "testdata", "examples", "*.step-functions"))
	if err != nil || len(files) < 8 {
		t.Fatalf("found %d golden files (%v), want every example's", len(files), err)
	}
	args := append([]string{filepath.Join(toolsDir, "validate.mjs")}, files...)
	out, err := exec.Command(node, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("asl-validator rejects a golden state machine: %v\n%s", err, out)
	}
	if want := "valid, 0 invalid"; !strings.Contains(string(out), want) {
		t.Fatalf("validate.mjs output lacks %q:\n%s", want, out)
	}
}

// TestValidatorRejects makes sure the gate can fail: machines with a
// dangling Next, and with a BackoffRate below 1, are rejected.
func TestValidatorRejects(t *testing.T) {
	node := needNode(t)
	for _, tc := range []struct{ file, want string }{
		{"broken.asl.json", "MISSING_TRANSITION_TARGET"},
		{"backoff.asl.json", "BackoffRate 0.5 is below 1"},
	} {
		out, err := exec.Command(node, filepath.Join(toolsDir, "validate.mjs"), filepath.Join("testdata", tc.file)).CombinedOutput()
		if err == nil {
			t.Errorf("%s: validate.mjs accepts it:\n%s", tc.file, out)
			continue
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("%s: output lacks %q:\n%s", tc.file, tc.want, out)
		}
	}
}

// TestGoldenMachinesFailSafe wants, in every golden state machine and its
// bodies, a Default on every Choice (no States.NoChoiceMatched, which no
// Catch sees) and a Retry on every datastore read.
func TestGoldenMachinesFailSafe(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "golden", "testdata", "examples", "*.step-functions"))
	if err != nil || len(files) < 8 {
		t.Fatalf("found %d golden files (%v), want every example's", len(files), err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(string(data), "# ---- ")
		for _, p := range parts {
			name, body, _ := strings.Cut(p, " ----\n")
			if !strings.HasSuffix(name, ".asl.json") {
				continue
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(body), &m); err != nil {
				t.Fatal(err)
			}
			walkStates(m, func(state string, st map[string]any) {
				if st["Type"] == "Choice" && st["Default"] == nil {
					t.Errorf("%s: Choice %s has no Default", name, state)
				}
				if r, _ := st["Resource"].(string); strings.HasSuffix(r, ":s3:getObject") && st["Retry"] == nil {
					t.Errorf("%s: datastore read %s has no Retry", name, state)
				}
			})
		}
	}
}

// walkStates calls fn with every state, in branches and Map bodies too.
func walkStates(m map[string]any, fn func(name string, st map[string]any)) {
	states, _ := m["States"].(map[string]any)
	for name, v := range states {
		st := v.(map[string]any)
		fn(name, st)
		if bs, ok := st["Branches"].([]any); ok {
			for _, b := range bs {
				walkStates(b.(map[string]any), fn)
			}
		}
		if ip, ok := st["ItemProcessor"].(map[string]any); ok {
			walkStates(ip, fn)
		}
	}
}
