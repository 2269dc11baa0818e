package datastore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// ErrCorrupt is matched (errors.Is) by the error GetBlob returns when a
// stored blob does not hash to its name or cannot be unpacked.
var ErrCorrupt = errors.New("corrupt blob")

// Ref names a blob: the SHA-256 of its content (the encoded artifact, before
// any compression), in lowercase hex, and the content's size in bytes.
type Ref struct {
	SHA  string `json:"sha"`
	Size int64  `json:"size"`
}

// A stored blob is one format byte followed by the body.
const (
	blobRaw  byte = 0 // the body is the content
	blobZstd byte = 1 // the body is one zstd frame holding the content
)

// Compression is tried only where it can pay, and judged on a sample so
// that a large incompressible blob (random bytes, float weights) costs
// no compression pass.
const (
	minCompress    = 512     // smaller blobs are stored raw
	sampleAbove    = 1 << 20 // larger blobs are judged on a sample
	sampleWindow   = 64 << 10
	maxStoredRatio = 0.9 // compress only when it saves at least 10%
)

var (
	zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest))
		if err != nil {
			panic(err)
		}
		return e
	})
	zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
		if err != nil {
			panic(err)
		}
		return d
	})
)

// BlobKey is the key of the blob named sha, a SHA-256 in lowercase hex as
// in a Ref: data/<sha[:2]>/<sha>.
func BlobKey(sha string) string {
	if len(sha) < 2 {
		return "data/" + sha // not a blob name: callers check names first
	}
	return "data/" + sha[:2] + "/" + sha
}

func checkSHA(sha string) error {
	if len(sha) != sha256.Size*2 {
		return fmt.Errorf("datastore: blob name %q is not a SHA-256 in hex", sha)
	}
	for _, c := range []byte(sha) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("datastore: blob name %q is not a SHA-256 in lowercase hex", sha)
		}
	}
	return nil
}

// PutBlob stores the concatenation of parts as a content-addressed blob and
// returns its Ref. If the blob exists already and looks intact (see
// intact) nothing is written; a damaged one (a crash of the machine can
// leave an empty or short file) is written again. Two processes storing the
// same blob at once both succeed. The parts are only read
// (codec.EncodeParts gives them without copying an artifact).
func (s *Store) PutBlob(ctx context.Context, parts ...[]byte) (Ref, error) {
	return s.putBlob(ctx, "", parts)
}

// putBlob is PutBlob, except that a blob named known is taken to be stored
// and intact, unchecked.
func (s *Store) putBlob(ctx context.Context, known string, parts [][]byte) (Ref, error) {
	h := sha256.New()
	var size int64
	for _, p := range parts {
		h.Write(p)
		size += int64(len(p))
	}
	ref := Ref{SHA: hex.EncodeToString(h.Sum(nil)), Size: size}
	if ref.SHA == known {
		return ref, nil
	}
	key := BlobKey(ref.SHA)
	if ok, err := s.backend.Exists(ctx, key); err != nil || ok && s.intact(ctx, ref) {
		return ref, err
	}
	format, body := pack(parts, size)
	readers := []io.Reader{bytes.NewReader([]byte{format})}
	for _, b := range body {
		readers = append(readers, bytes.NewReader(b))
	}
	if err := s.backend.PutReader(ctx, key, io.MultiReader(readers...)); err != nil {
		return Ref{}, fmt.Errorf("datastore: put blob: %w", err)
	}
	return ref, nil
}

// pack chooses how to store content and returns the format byte and body.
func pack(parts [][]byte, size int64) (byte, [][]byte) {
	if size < minCompress {
		return blobRaw, parts
	}
	if size > sampleAbove {
		sample := sampleOf(parts, size)
		if c := zstdEncoder().EncodeAll(sample, nil); float64(len(c)) > maxStoredRatio*float64(len(sample)) {
			return blobRaw, parts
		}
	}
	content := parts[0]
	if len(parts) > 1 {
		content = bytes.Join(parts, nil)
	}
	c := zstdEncoder().EncodeAll(content, make([]byte, 0, size/2))
	if float64(len(c)) > maxStoredRatio*float64(size) {
		return blobRaw, parts
	}
	return blobZstd, [][]byte{c}
}

// sampleOf copies three windows of the content, from its start, middle and
// end, into one buffer.
func sampleOf(parts [][]byte, size int64) []byte {
	sample := make([]byte, 0, 3*sampleWindow)
	for _, off := range []int64{0, size/2 - sampleWindow/2, size - sampleWindow} {
		sample = appendRange(sample, parts, off, sampleWindow)
	}
	return sample
}

// appendRange appends n bytes of the concatenated parts from offset off.
func appendRange(dst []byte, parts [][]byte, off, n int64) []byte {
	for _, p := range parts {
		if n <= 0 {
			break
		}
		if off >= int64(len(p)) {
			off -= int64(len(p))
			continue
		}
		end := min(int64(len(p)), off+n)
		dst = append(dst, p[off:end]...)
		n -= end - off
		off = 0
	}
	return dst
}

// GetBlob returns the content of the blob named sha, in memory the caller
// owns and may modify. It checks that the content hashes to sha: a
// mismatch, or a body that cannot be unpacked, is an error matching
// ErrCorrupt. A missing blob is an error matching ErrNotFound.
//
// A large blob (1 MiB or more as stored) stored raw on a backend that is a
// [Mapper] is not read but mapped, copy-on-write: the content is the
// mapping, a write to it changes this process's copy of the page written,
// never the stored blob, and the mapping is never unmapped (see
// [Store.SetMapping]).
func (s *Store) GetBlob(ctx context.Context, sha string) ([]byte, error) {
	content, _, err := s.getBlob(ctx, sha)
	return content, err
}

// mapAbove is the stored size from which a blob is mapped rather than read,
// where the backend can (see [Mapper]): below it a read costs little, and
// each mapping is a kernel object (a process may hold about 65,000).
const mapAbove = 1 << 20

// getBlob is GetBlob, also returning a function that releases the content's
// memory when it is a mapping (it does nothing otherwise). A caller that
// keeps no reference to the content may call it; after it the content
// must not be touched.
func (s *Store) getBlob(ctx context.Context, sha string) ([]byte, func() error, error) {
	if err := checkSHA(sha); err != nil {
		return nil, nil, err
	}
	if m, ok := s.backend.(Mapper); ok && !s.noMap.Load() {
		content, release, err := mapBlob(ctx, m, sha)
		if !errors.Is(err, errors.ErrUnsupported) {
			return content, release, err
		}
	}
	rc, err := s.backend.Open(ctx, BlobKey(sha))
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	content, sum, err := readBlob(rc)
	if err != nil {
		if errors.Is(err, ErrCorrupt) {
			return nil, nil, fmt.Errorf("datastore: blob %s: %w", sha, err)
		}
		return nil, nil, fmt.Errorf("datastore: read blob %s: %w", sha, err)
	}
	if err := verify(sha, sum); err != nil {
		return nil, nil, err
	}
	return content, noRelease, nil
}

// mapBlob gets a blob through m. The content is the mapping itself when the
// blob is stored raw; a compressed blob is unpacked into a new buffer and
// its mapping released at once.
func mapBlob(ctx context.Context, m Mapper, sha string) ([]byte, func() error, error) {
	data, release, err := m.Map(ctx, BlobKey(sha), mapAbove)
	if err != nil {
		return nil, nil, err
	}
	content, err := unpack(data)
	if err != nil {
		release()
		return nil, nil, fmt.Errorf("datastore: blob %s: %w: %v", sha, ErrCorrupt, err)
	}
	if data[0] != blobRaw {
		release()
		release = noRelease
	}
	if err := verify(sha, sha256.Sum256(content)); err != nil {
		release()
		return nil, nil, err
	}
	return content, release, nil
}

// verify checks that a blob's content, whose SHA-256 is sum, is the blob
// named sha.
func verify(sha string, sum [sha256.Size]byte) error {
	if hex.EncodeToString(sum[:]) != sha {
		return fmt.Errorf("datastore: blob %s: %w: its content hashes to %x", sha, ErrCorrupt, sum)
	}
	return nil
}

// pipelineAbove is the size from which readBlob hashes a raw blob while
// reading it rather than after.
const pipelineAbove = 4 << 20

// readBlob reads a stored blob and returns its content and the content's
// SHA-256. When r can say its size (an *os.File can) and the blob is large
// and raw, hashing runs on a second goroutine, a chunk behind the reads, so
// a read costs about as long as the slower of reading and hashing instead
// of both.
func readBlob(r io.Reader) ([]byte, [sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	size := int64(-1)
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil {
			size = fi.Size()
		}
	}
	if size < pipelineAbove {
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, sum, err
		}
		content, err := unpack(data)
		if err != nil {
			return nil, sum, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return content, sha256.Sum256(content), nil
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(r, buf[:1]); err != nil {
		return nil, sum, err
	}
	if buf[0] != blobRaw {
		if _, err := io.ReadFull(r, buf[1:]); err != nil {
			return nil, sum, err
		}
		content, err := unpack(buf)
		if err != nil {
			return nil, sum, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return content, sha256.Sum256(content), nil
	}
	sum, err := readHashed(r, buf[1:])
	return buf[1:], sum, err
}

// readHashed fills buf from r and returns its SHA-256, computed by a
// goroutine it starts and waits for, fed with each chunk as it arrives.
func readHashed(r io.Reader, buf []byte) ([sha256.Size]byte, error) {
	const chunk = 4 << 20
	var sum [sha256.Size]byte
	ready := make(chan []byte, len(buf)/chunk+1) // never blocks the reader
	done := make(chan struct{})
	go func() {
		defer close(done)
		h := sha256.New()
		for c := range ready {
			h.Write(c)
		}
		h.Sum(sum[:0])
	}()
	var err error
	for off := 0; off < len(buf) && err == nil; {
		var n int
		n, err = io.ReadFull(r, buf[off:min(off+chunk, len(buf))])
		if n > 0 {
			ready <- buf[off : off+n]
		}
		off += n
	}
	close(ready)
	<-done
	return sum, err
}

// unpack returns the content of a stored blob. Both forms start the content
// one byte into an allocation, so a typed array in it has the same
// alignment either way (codec.DecodeNoCopy can then alias it).
func unpack(data []byte) ([]byte, error) {
	if len(data) == 0 {
		return nil, errors.New("empty object")
	}
	switch data[0] {
	case blobRaw:
		return data[1:], nil
	case blobZstd:
		var h zstd.Header
		if err := h.Decode(data[1:]); err != nil {
			return nil, err
		}
		// The header's content size is a hint, bounded in case it is damaged.
		hint := min(h.FrameContentSize, uint64(len(data))*64+1<<20)
		dst := make([]byte, 1, 1+hint)
		out, err := zstdDecoder().DecodeAll(data[1:], dst)
		if err != nil {
			return nil, err
		}
		return out[1:], nil
	}
	return nil, fmt.Errorf("unknown format byte %#x", data[0])
}

// HasBlob reports whether the blob named sha is stored (without reading or
// checking it).
func (s *Store) HasBlob(ctx context.Context, sha string) (bool, error) {
	if err := checkSHA(sha); err != nil {
		return false, err
	}
	return s.backend.Exists(ctx, BlobKey(sha))
}

// verifyBelow is the stored size under which intact reads and hashes a
// whole existing raw blob; larger ones get the quick check.
const verifyBelow = 1 << 20

// intact checks an existing blob before PutBlob trusts it. A raw blob of
// verifyBelow bytes or more gets a quick check: its format byte, and a size
// exactly one byte more than its content's. That catches what a crash
// leaves (an empty or short file) for the price of one small read, where a
// full check of a 100 MiB blob would cost as much as reading it (figures in
// docs/PERFORMANCE.md); a flipped byte in it is still caught when it is
// read, never used. Smaller blobs, and compressed ones (whose stored size
// says nothing of their content's), are read and verified whole.
func (s *Store) intact(ctx context.Context, ref Ref) bool {
	rc, err := s.backend.Open(ctx, BlobKey(ref.SHA))
	if err != nil {
		return false
	}
	defer rc.Close()
	stored := int64(-1)
	if st, ok := rc.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil {
			stored = fi.Size()
		}
	}
	if stored >= verifyBelow {
		var head [1]byte
		if _, err := io.ReadFull(rc, head[:]); err != nil {
			return false
		}
		if head[0] == blobRaw {
			return stored == 1+ref.Size
		}
		// Compressed: verify it whole, on a fresh reader.
		rc.Close()
		if rc, err = s.backend.Open(ctx, BlobKey(ref.SHA)); err != nil {
			return false
		}
	}
	content, sum, err := readBlob(rc)
	return err == nil && int64(len(content)) == ref.Size && verify(ref.SHA, sum) == nil
}
