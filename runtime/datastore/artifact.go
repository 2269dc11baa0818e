package datastore

import (
	"context"
	"fmt"
	"reflect"

	"github.com/flowc-dev/flowc/runtime/codec"
)

// PutArtifact encodes v with package codec and stores it as a blob,
// returning its entry for an artifact index. A []byte or numeric slice goes
// from v's memory to the file without an intermediate copy.
func (s *Store) PutArtifact(ctx context.Context, v any) (Artifact, error) {
	return s.putArtifact(ctx, v, "")
}

// PutArtifactOver is PutArtifact for a value that was read from artifact
// prev (and may have changed since): when v still encodes to prev's blob,
// prev is returned and the store is not touched. The caller must have read
// prev's blob intact (GetArtifact verifies what it reads): a task saving an
// artifact it inherited unchanged then costs an encoding and a hash, not a
// read of the stored blob to check it.
func (s *Store) PutArtifactOver(ctx context.Context, v any, prev Artifact) (Artifact, error) {
	known := ""
	if prev.Encoding == codec.Name {
		known = prev.SHA
	}
	a, err := s.putArtifact(ctx, v, known)
	if err == nil && known != "" && a.SHA == known {
		return prev, nil
	}
	return a, err
}

func (s *Store) putArtifact(ctx context.Context, v any, known string) (Artifact, error) {
	parts, err := codec.EncodeParts(v)
	if err != nil {
		return Artifact{}, err
	}
	ref, err := s.putBlob(ctx, known, parts)
	if err != nil {
		return Artifact{}, err
	}
	return Artifact{SHA: ref.SHA, Size: ref.Size, Encoding: codec.Name, GoType: goType(v)}, nil
}

// GetArtifact reads artifact a into v, a non-nil pointer to a value of the
// type it was stored from (or a compatible one, as codec.Decode allows).
//
// A []byte or numeric slice artifact is not copied out of the blob: v gets
// the memory GetBlob returned, which for a large blob on a Local backend is
// a private copy-on-write mapping of the blob's file that lasts as long as
// the process (see [Store.SetMapping]). v may be modified like any slice;
// the stored blob never changes.
func (s *Store) GetArtifact(ctx context.Context, a Artifact, v any) error {
	data, _, err := s.artifactData(ctx, a)
	if err != nil {
		return err
	}
	// data is memory nobody else holds: v may keep it. It is therefore
	// never released, even when v turns out not to use it (a custom
	// unmarshaler might keep a slice of it).
	if err := codec.DecodeNoCopy(data, v); err != nil {
		return fmt.Errorf("datastore: artifact %s: %w", a.SHA, err)
	}
	return nil
}

// GetArtifactAny reads artifact a without its Go type, as codec.DecodeAny
// does: for flowc dump, a UI, or the client.
func (s *Store) GetArtifactAny(ctx context.Context, a Artifact) (any, error) {
	data, release, err := s.artifactData(ctx, a)
	if err != nil {
		return nil, err
	}
	// DecodeAny copies what it keeps, so a mapping can go at once.
	defer release()
	v, err := codec.DecodeAny(data)
	if err != nil {
		return nil, fmt.Errorf("datastore: artifact %s: %w", a.SHA, err)
	}
	return v, nil
}

// artifactData returns artifact a's blob and the function releasing it, as
// getBlob does.
func (s *Store) artifactData(ctx context.Context, a Artifact) ([]byte, func() error, error) {
	if a.Encoding != codec.Name {
		return nil, nil, fmt.Errorf("datastore: artifact %s: encoding %q, this flowc reads %q", a.SHA, a.Encoding, codec.Name)
	}
	return s.getBlob(ctx, a.SHA)
}

// goType names v's Go type as %T does.
func goType(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}
