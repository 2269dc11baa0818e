package datastore

import (
	"context"
	"errors"
	"os"
	"sync/atomic"
	"testing"

	"github.com/flowc-dev/flowc/runtime/codec"
)

// MapAbove is the stored size from which a blob is mapped.
const MapAbove = mapAbove

// HookMap counts the files Local maps until the test ends. With fail,
// mapping fails instead, as where mmap is not available, so that blobs
// take the fallback path (Open and read).
func HookMap(t testing.TB, fail bool) *atomic.Int64 {
	old := mapFile
	n := new(atomic.Int64)
	mapFile = func(f *os.File, size int) ([]byte, func() error, error) {
		if fail {
			return nil, nil, errors.ErrUnsupported
		}
		n.Add(1)
		return old(f, size)
	}
	t.Cleanup(func() { mapFile = old })
	return n
}

// GetArtifactRelease is GetArtifact that also returns the function that
// releases the blob's memory when it is a mapping, for a benchmark that
// must not keep mappings. v must not be used after it.
func (s *Store) GetArtifactRelease(ctx context.Context, a Artifact, v any) (func() error, error) {
	data, release, err := s.artifactData(ctx, a)
	if err != nil {
		return nil, err
	}
	return release, codec.DecodeNoCopy(data, v)
}
