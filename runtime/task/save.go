package task

import (
	"context"
	"fmt"
	"reflect"

	"github.com/flowc-dev/flowc/runtime/codec"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// save stores the task's artifacts: a field keeps its inherited blob when
// its value is unchanged, is absent when it was never set, and is stored
// (content addressed, so an equal value is stored once) otherwise.
func (r *runner[F]) save(ctx context.Context, f *F) (map[string]datastore.Artifact, error) {
	out := map[string]datastore.Artifact{}
	for _, fd := range r.fl.Fields {
		if fd.Kind != Artifact {
			continue
		}
		ptr := fd.Ptr(f)
		prev, inherited := r.inherited[fd.Name]
		if !inherited && !isSet(ptr) {
			continue
		}
		// The front end refuses such a field (an error, an io.Reader):
		// fail here, with the reason, rather than in the next step's decode.
		if err := codec.CheckType(reflect.TypeOf(ptr).Elem()); err != nil {
			return nil, fmt.Errorf("artifact %s: %w", fd.Name, err)
		}
		v := reflect.ValueOf(ptr).Elem().Interface()
		var a datastore.Artifact
		var err error
		if inherited {
			// This task read prev's blob and verified it (load.go): an
			// unchanged value keeps it without another look at the store.
			a, err = r.store.s.PutArtifactOver(ctx, v, prev)
		} else {
			a, err = r.store.s.PutArtifact(ctx, v)
		}
		if err != nil {
			return nil, fmt.Errorf("artifact %s: %w", fd.Name, err)
		}
		out[fd.Name] = a
	}
	return out, nil
}
