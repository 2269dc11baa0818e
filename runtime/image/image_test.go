package image_test

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/flowc-dev/flowc/runtime/image"
)

// startRegistry runs go-containerregistry's in-process registry and counts
// the blob uploads it receives.
func startRegistry(t *testing.T) (host string, uploads *atomic.Int64) {
	uploads = new(atomic.Int64)
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/blobs/uploads/") {
			uploads.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), uploads
}

func fakeRunner(t *testing.T, content string) string {
	p := filepath.Join(t.TempDir(), "runner")
	if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParsePlatforms(t *testing.T) {
	ps, err := image.ParsePlatforms("linux/arm64, linux/amd64,linux/arm64")
	if err != nil || len(ps) != 2 || ps[0].String() != "linux/amd64" || ps[1].String() != "linux/arm64" {
		t.Fatalf("ParsePlatforms = %v, %v", ps, err)
	}
	for _, bad := range []string{"", "linux", "darwin/arm64", "linux/sparc", "linux/amd64/v3", "/amd64"} {
		if _, err := image.ParsePlatforms(bad); err == nil {
			t.Errorf("ParsePlatforms(%q) accepted", bad)
		}
	}
}

// TestPushTwicePushesNothingNew packages the same binaries twice: the
// second push uploads no blob and gives the same digest; a changed binary
// uploads its layer (and config) only.
func TestPushTwicePushesNothingNew(t *testing.T) {
	host, uploads := startRegistry(t)
	ctx := context.Background()
	runners := []image.Runner{
		{Platform: image.Platform{OS: "linux", Arch: "amd64"}, Path: fakeRunner(t, "amd64 runner")},
		{Platform: image.Platform{OS: "linux", Arch: "arm64"}, Path: fakeRunner(t, "arm64 runner")},
	}
	opts := image.Options{Repo: host + "/flows/hello:v1", Keychain: authn.NewMultiKeychain()}
	first, err := image.Push(ctx, runners, opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.BlobsUploaded != 4 || uploads.Load() != 4 { // two layers, two configs
		t.Errorf("first push: %d uploads counted, %d seen by the registry; want 4", first.BlobsUploaded, uploads.Load())
	}
	if !strings.HasPrefix(first.Ref, host+"/flows/hello@sha256:") {
		t.Errorf("Ref = %s, want the repository by digest", first.Ref)
	}
	// Built again from scratch: the layer cache files removed.
	for _, r := range runners {
		os.Remove(r.Path + ".layer.tar.gz")
		os.Remove(r.Path + ".layer.json")
	}
	second, err := image.Push(ctx, runners, opts)
	if err != nil {
		t.Fatal(err)
	}
	if second.BlobsUploaded != 0 || uploads.Load() != 4 {
		t.Errorf("unchanged push uploaded %d blobs (registry saw %d in all)", second.BlobsUploaded, uploads.Load())
	}
	if second.Ref != first.Ref {
		t.Errorf("unchanged push gave %s, first %s: layers are not reproducible", second.Ref, first.Ref)
	}
	// One binary changed: its layer and its config are new.
	if err := os.WriteFile(runners[1].Path, []byte("arm64 runner, v2"), 0o755); err != nil {
		t.Fatal(err)
	}
	third, err := image.Push(ctx, runners, opts)
	if err != nil {
		t.Fatal(err)
	}
	if third.BlobsUploaded != 2 || third.Ref == first.Ref {
		t.Errorf("after changing one runner: %d blobs uploaded, ref %s", third.BlobsUploaded, third.Ref)
	}

	// The pulled index has both platforms, each with the runner at
	// /flowc/runner, executable, and /tmp.
	idx, err := remote.Index(mustRef(t, third.Ref))
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil || len(im.Manifests) != 2 {
		t.Fatalf("index: %v, %v", im, err)
	}
	for _, want := range []struct{ arch, content string }{{"amd64", "amd64 runner"}, {"arm64", "arm64 runner, v2"}} {
		img, err := remote.Image(mustRef(t, third.Ref), remote.WithPlatform(v1.Platform{OS: "linux", Architecture: want.arch}))
		if err != nil {
			t.Fatal(err)
		}
		files := layerFiles(t, img)
		if got := files["flowc/runner"]; got.content != want.content || got.mode != 0o755 {
			t.Errorf("%s: /flowc/runner = %q mode %o", want.arch, got.content, got.mode)
		}
		if _, ok := files["tmp/"]; !ok {
			t.Errorf("%s: no /tmp in the image", want.arch)
		}
		cf, _ := img.ConfigFile()
		if cf.Architecture != want.arch || cf.OS != "linux" || len(cf.Config.Cmd) != 1 || cf.Config.Cmd[0] != "/flowc/runner" {
			t.Errorf("%s: config %s/%s cmd %v", want.arch, cf.OS, cf.Architecture, cf.Config.Cmd)
		}
	}
}

// TestPushOverBase puts the runner layer over a base image from the
// registry: the base's layers come first, unchanged, and are not uploaded
// again.
func TestPushOverBase(t *testing.T) {
	host, uploads := startRegistry(t)
	base, err := random.Image(1024, 2)
	if err != nil {
		t.Fatal(err)
	}
	baseRef := host + "/base:1"
	if err := remote.Write(mustRef(t, baseRef), base); err != nil {
		t.Fatal(err)
	}
	before := uploads.Load()
	res, err := image.Push(context.Background(), []image.Runner{
		{Platform: image.Platform{OS: "linux", Arch: "amd64"}, Path: fakeRunner(t, "runner")},
	}, image.Options{Repo: host + "/flow", Base: baseRef, Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	if got := uploads.Load() - before; got != 2 {
		t.Errorf("over a base in the same registry: %d uploads, want 2 (the runner layer and the config)", got)
	}
	img, err := remote.Image(mustRef(t, res.Ref))
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := img.Layers()
	baseLayers, _ := base.Layers()
	if len(layers) != 3 {
		t.Fatalf("%d layers, want the base's 2 and the runner's", len(layers))
	}
	for i, bl := range baseLayers {
		d1, _ := bl.Digest()
		d2, _ := layers[i].Digest()
		if d1 != d2 {
			t.Errorf("layer %d is %s, the base's is %s", i, d2, d1)
		}
	}
	if res.Tag != host+"/flow:latest" {
		t.Errorf("Tag = %s", res.Tag)
	}
}

func TestPushErrors(t *testing.T) {
	ctx := context.Background()
	r := []image.Runner{{Platform: image.Platform{OS: "linux", Arch: "amd64"}, Path: fakeRunner(t, "x")}}
	if _, err := image.Push(ctx, r, image.Options{Repo: "UPPER/case"}); err == nil || !strings.Contains(err.Error(), `"UPPER/case"`) {
		t.Errorf("bad repository: %v", err)
	}
	host, _ := startRegistry(t)
	_, err := image.Push(ctx, r, image.Options{Repo: host + "/x", Base: host + "/no/such:base", Keychain: authn.NewMultiKeychain()})
	if err == nil || !strings.Contains(err.Error(), "no/such:base") {
		t.Errorf("missing base: %v", err)
	}
	missing := []image.Runner{{Platform: r[0].Platform, Path: filepath.Join(t.TempDir(), "none")}}
	if _, err := image.Push(ctx, missing, image.Options{Repo: host + "/x"}); err == nil {
		t.Error("a missing runner binary was packaged")
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type file struct {
	content string
	mode    int64
}

// layerFiles reads the image's last layer.
func layerFiles(t *testing.T, img v1.Image) map[string]file {
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	rc, err := layers[len(layers)-1].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	out := map[string]file{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		io.Copy(&b, tr)
		out[h.Name] = file{b.String(), h.Mode}
	}
}
