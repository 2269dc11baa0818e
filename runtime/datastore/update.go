package datastore

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Updater is an optional interface of a Backend that can rewrite an object
// from its current content without losing a concurrent writer's change: a
// run document that many `flowc tag add` rewrite at once, and the executor
// at the run's end. [Local] has it (a lock on the object's directory); the
// S3 backend has it (conditional writes, If-Match on the ETag read).
type Updater interface {
	// Update calls change with the object's bytes (nil when it does not
	// exist) and stores what it returns, as one step: no other Update of
	// the key comes between the read and the write. change may be called
	// more than once (an object store retries on a conflict). An error
	// from change is returned as is, and nothing is written.
	Update(ctx context.Context, key string, change func(old []byte) ([]byte, error)) error
}

// UpdateRun rewrites the run document of flow's run runID with change, on
// a fresh read, and without losing a concurrent update where the backend
// is an [Updater]. On a backend that is not, the update is a read and a
// write, and a concurrent one may be lost.
func (s *Store) UpdateRun(ctx context.Context, flow, runID string, change func(r *Run) error) error {
	if err := checkName("flow", flow); err != nil {
		return err
	}
	if err := checkName("run", runID); err != nil {
		return err
	}
	key := runKey(flow, runID)
	u, ok := s.backend.(Updater)
	if !ok {
		r, err := s.ReadRun(ctx, flow, runID)
		if err != nil {
			return err
		}
		if err := change(&r); err != nil {
			return err
		}
		return s.WriteRun(ctx, r)
	}
	return u.Update(ctx, key, func(old []byte) ([]byte, error) {
		if old == nil {
			return nil, notFound("update", key)
		}
		var r Run
		if err := decodeDoc(key, RunSchema, old, &r); err != nil {
			return nil, err
		}
		if err := change(&r); err != nil {
			return nil, err
		}
		if r.Flow != flow || r.RunID != runID {
			return nil, errors.New("datastore: update run: the change renamed the run")
		}
		r.Schema = RunSchema
		r.Start, r.End, r.EndHandled = r.Start.UTC(), r.End.UTC(), r.EndHandled.UTC()
		data, err := encodeDoc(key, r)
		if err != nil {
			return nil, fmt.Errorf("datastore: update %s: %w", key, err)
		}
		return data, nil
	})
}

// errAlreadyEnded stops FinishRun's update without a write.
var errAlreadyEnded = errors.New("run already ended")

// FinishRun records flow's run runID ended with status, through UpdateRun,
// unless the run has already ended; it reports whether it changed the
// record. A run never recorded is ErrNotFound.
func (s *Store) FinishRun(ctx context.Context, flow, runID string, status RunStatus) (bool, error) {
	err := s.UpdateRun(ctx, flow, runID, func(r *Run) error {
		if r.Status != RunRunning {
			return errAlreadyEnded
		}
		r.End, r.Status = time.Now(), status
		return nil
	})
	if errors.Is(err, errAlreadyEnded) {
		return false, nil
	}
	return err == nil, err
}
