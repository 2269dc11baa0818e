package client

import (
	"slices"
	"testing"
)

func TestCompareTaskIDs(t *testing.T) {
	ids := []string{"x", "10", "2-0", "0.10", "1-1", "0.2", "1-0", "2", "10-0", "b", "0"}
	slices.SortFunc(ids, compareTaskIDs)
	want := []string{"0", "0.2", "0.10", "1-0", "1-1", "2", "2-0", "10", "10-0", "b", "x"}
	if !slices.Equal(ids, want) {
		t.Errorf("sorted %v, want %v", ids, want)
	}
}
