package datastore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// TestFinishRun: a running run is recorded ended once; an ended one is left
// as it is; a run never recorded is ErrNotFound.
func TestFinishRun(t *testing.T) {
	ctx := context.Background()
	st, err := datastore.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.FinishRun(ctx, "F", "1", datastore.RunFailed); !errors.Is(err, datastore.ErrNotFound) {
		t.Errorf("a run never recorded: %v, want ErrNotFound", err)
	}
	if err := st.WriteRun(ctx, datastore.Run{Flow: "F", RunID: "1", Status: datastore.RunRunning, Start: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if changed, err := st.FinishRun(ctx, "F", "1", datastore.RunFailed); err != nil || !changed {
		t.Fatalf("running run: changed %v, %v", changed, err)
	}
	if changed, err := st.FinishRun(ctx, "F", "1", datastore.RunSucceeded); err != nil || changed {
		t.Errorf("ended run: changed %v, %v", changed, err)
	}
	r, err := st.ReadRun(ctx, "F", "1")
	if err != nil || r.Status != datastore.RunFailed || r.End.IsZero() {
		t.Errorf("run %+v, %v; want failed with an end", r, err)
	}
}
