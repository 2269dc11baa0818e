package task

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// errFlow has an error artifact, which the front end refuses (FLOW071).
type errFlow struct {
	Name string
	Err  error
}

// TestSaveRefusesAnErrorField: a runner built without the front end's
// check still refuses to save an error, at the step that set it and with
// the reason, instead of saving an empty map the next step cannot decode.
func TestSaveRefusesAnErrorField(t *testing.T) {
	st, err := datastore.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := &runner[errFlow]{
		fl: Flow[errFlow]{Fields: []Field[errFlow]{
			{Name: "Name", Kind: Artifact, Ptr: func(f *errFlow) any { return &f.Name }},
			{Name: "Err", Kind: Artifact, Ptr: func(f *errFlow) any { return &f.Err }},
		}},
		store: &store{s: st, flow: "F", run: "1"},
	}
	if _, err := r.save(context.Background(), &errFlow{Name: "ok"}); err != nil {
		t.Fatalf("a nil error field is not saved, so it cannot fail: %v", err)
	}
	_, err = r.save(context.Background(), &errFlow{Name: "x", Err: errors.New("boom")})
	if err == nil || !strings.Contains(err.Error(), "artifact Err") || !strings.Contains(err.Error(), "interface with methods") {
		t.Errorf("save of an error field: %v", err)
	}
}
