package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/flowc-dev/flowc/internal/atomicfile"
	"github.com/flowc-dev/flowc/ir"
)

// RunnerPath is where the runner is in the image.
const RunnerPath = ir.RunnerPath

// layerTime is the modification time of every entry: fixed, so the layer
// depends on the binary only.
var layerTime = time.Unix(0, 0).UTC()

// layerFormat versions the cached layer files: a change to what a layer
// holds or how it is compressed must change it.
const layerFormat = "flowc-layer v1"

// runnerLayer is a layer stored as a gzip file with its digests known.
type runnerLayer struct {
	path string
	meta layerMeta
}

type layerMeta struct {
	Format string `json:"format"`
	Digest string `json:"digest"`
	DiffID string `json:"diff_id"`
	Size   int64  `json:"size"`
	// Binary is the SHA-256 of the runner binary the layer holds.
	Binary string `json:"binary"`
}

func (l *runnerLayer) Digest() (v1.Hash, error) { return v1.NewHash(l.meta.Digest) }
func (l *runnerLayer) DiffID() (v1.Hash, error) { return v1.NewHash(l.meta.DiffID) }
func (l *runnerLayer) Size() (int64, error)     { return l.meta.Size, nil }
func (l *runnerLayer) MediaType() (types.MediaType, error) {
	return types.OCILayer, nil
}
func (l *runnerLayer) Compressed() (io.ReadCloser, error) { return os.Open(l.path) }
func (l *runnerLayer) Uncompressed() (io.ReadCloser, error) {
	f, err := os.Open(l.path)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return readCloser{zr, f}, nil
}

type readCloser struct {
	io.Reader
	f *os.File
}

func (r readCloser) Close() error { return r.f.Close() }

// runnerLayerFor returns the layer holding the binary at bin, from the
// cache files beside it (bin + ".layer.tar.gz" and ".layer.json") when
// they were made from the same bytes, else building and caching it.
func runnerLayerFor(bin string) (*runnerLayer, error) {
	data, err := os.ReadFile(bin)
	if err != nil {
		return nil, fmt.Errorf("package runner: %w", err)
	}
	sum := sha256.Sum256(data)
	binSHA := hex.EncodeToString(sum[:])
	gzPath, metaPath := bin+".layer.tar.gz", bin+".layer.json"
	if m, err := readMeta(metaPath); err == nil && m.Format == layerFormat && m.Binary == binSHA {
		if st, err := os.Stat(gzPath); err == nil && st.Size() == m.Size {
			return &runnerLayer{path: gzPath, meta: m}, nil
		}
	}
	tarball, err := layerTar(data)
	if err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(tarball); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	diff, dig := sha256.Sum256(tarball), sha256.Sum256(gz.Bytes())
	m := layerMeta{
		Format: layerFormat, Digest: "sha256:" + hex.EncodeToString(dig[:]), DiffID: "sha256:" + hex.EncodeToString(diff[:]),
		Size: int64(gz.Len()), Binary: binSHA,
	}
	mj, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if err := atomicfile.Write(gzPath, gz.Bytes()); err != nil {
		return nil, fmt.Errorf("package runner: cache layer: %w", err)
	}
	if err := atomicfile.Write(metaPath, mj); err != nil {
		return nil, fmt.Errorf("package runner: cache layer: %w", err)
	}
	return &runnerLayer{path: gzPath, meta: m}, nil
}

func readMeta(path string) (layerMeta, error) {
	var m layerMeta
	data, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, err
	}
	if m.Digest == "" || m.DiffID == "" {
		return m, errors.New("incomplete layer metadata")
	}
	return m, nil
}

// layerTar returns the layer's tar stream: /flowc, /flowc/runner and
// /tmp, in that order, owned by root, at layerTime.
func layerTar(runner []byte) ([]byte, error) {
	dir := filepath.Dir(RunnerPath)[1:] // "flowc"
	entries := []struct {
		hdr  tar.Header
		data []byte
	}{
		{tar.Header{Typeflag: tar.TypeDir, Name: dir + "/", Mode: 0o755}, nil},
		{tar.Header{Typeflag: tar.TypeReg, Name: RunnerPath[1:], Mode: 0o755, Size: int64(len(runner))}, runner},
		{tar.Header{Typeflag: tar.TypeDir, Name: "tmp/", Mode: 0o1777}, nil},
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := e.hdr
		h.ModTime, h.Format = layerTime, tar.FormatPAX
		h.Uname, h.Gname = "root", "root"
		if err := tw.WriteHeader(&h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
