package task

import (
	"slices"
	"strings"
	"testing"
)

func TestAssignmentRoundTrip(t *testing.T) {
	for _, args := range [][]string{
		{"step", "End", "--run-id", "1", "--task-id", "0", "--input-paths", "S48/0"},
		{"step", "Catch", "--caught", "line one\nline two; $(rm -rf /) 'quoted' \"double\"", "--caught-type", "exit"},
		{"init", "", "--params", "/tmp/a b.json"},
	} {
		data, err := EncodeAssignment(args)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := decodeAssignment(data)
		if err != nil || !ok || !slices.Equal(got, args) {
			t.Errorf("decode(encode(%q)) = %q, %v, %v", args, got, ok, err)
		}
	}
}

func TestAssignmentErrors(t *testing.T) {
	if _, err := EncodeAssignment([]string{"a\x00b"}); err == nil {
		t.Error("an argument holding a NUL byte was encoded")
	}
	if _, ok, err := decodeAssignment(nil); ok || err != nil {
		t.Errorf("empty assignment: ok %v, %v; want nothing to do", ok, err)
	}
	for _, bad := range []string{"step\x00End\x00", AssignmentHeader + "step\x00End", AssignmentHeader} {
		if _, _, err := decodeAssignment([]byte(bad)); err == nil {
			t.Errorf("decodeAssignment(%q): no error", strings.ReplaceAll(bad, "\x00", `\0`))
		}
	}
}
