// Package codec encodes artifact values for flowc's datastore.
//
// An artifact is any Go value a step leaves in an exported field of its flow.
// The task runner encodes it with [Encode], stores the bytes as a
// content-addressed blob (package datastore) and records [Name] as the
// artifact's encoding. A later task decodes it into the field's own type with
// [Decode]; tools that do not have the flow's Go types (flowc dump, a UI)
// decode it with [DecodeAny] into maps, slices, strings and numbers, and
// render it with [Preview].
//
// The format is CBOR (RFC 8949) in Core Deterministic form: the same value
// always gives the same bytes, so the same content hash, which is what
// merging artifacts compares. Two shapes are written without going through
// the generic encoder, because they dominate large artifacts:
//
//   - a top-level []byte is a single CBOR byte string (a header and the raw
//     bytes);
//   - a top-level slice of fixed-size numbers ([]float64, []float32, []int64,
//     []int32, []int16, []int8, []uint64, []uint32, []uint16, []int, []uint)
//     is an RFC 8746 typed array: a tag naming the element type, enclosing
//     a byte string of the little-endian elements. []int and []uint are
//     stored as 64-bit elements.
//
// Both still are standard CBOR that any CBOR tool can read. Slices nested in
// other values use the generic encoding (one CBOR item per element).
//
// Rules a caller can rely on:
//
//   - nil and empty differ: a nil slice, map or pointer encodes as CBOR null
//     and decodes back to nil; an empty slice or map encodes as an empty
//     array, map or byte string and decodes back to an empty, non-nil value.
//     So nil and empty artifacts have different hashes.
//   - NaN and ±Inf round-trip; a NaN inside a generic value is stored as the
//     canonical quiet NaN (its payload bits are not kept), a NaN in a
//     top-level numeric slice keeps its exact bits.
//   - time.Time is stored as an RFC 3339 string with nanoseconds under tag 0;
//     it decodes to an equal instant (time.Time.Equal) with the same zone
//     offset (UTC stays UTC; the zone's name and the monotonic clock reading
//     are not kept). The zero time.Time encodes as null. time.Duration is
//     its int64 nanoseconds.
//   - strings are stored byte for byte, even when they are not valid UTF-8.
//   - channels, functions, complex numbers and unsafe pointers cannot be
//     encoded; neither can values nested deeper than [MaxDepth] levels, which
//     is how a cyclic value (a pointer that leads back to itself) is
//     reported instead of overflowing the stack.
//   - unexported struct fields are not stored; struct fields follow the
//     `cbor` or, failing that, the `json` struct tag (name, omitempty, "-").
//   - a type with MarshalCBOR, MarshalBinary or MarshalText (on the value or
//     its pointer; the first of these it has) is stored by that method and
//     read back by the matching Unmarshal method; MarshalJSON is ignored.
//     [MethodPairs], [SpecialTypes] and [RefusedKind] state these rules for
//     flowc's front end, which applies them to a flow's fields before
//     anything runs.
//
// This package does no I/O and knows nothing of keys or hashes: that is
// package datastore's job.
package codec
