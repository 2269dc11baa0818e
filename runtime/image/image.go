package image

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Platform is an OS and architecture, as GOOS and GOARCH name them.
type Platform struct {
	OS, Arch string
}

// String returns "os/arch".
func (p Platform) String() string { return p.OS + "/" + p.Arch }

// knownArch are the architectures a runner is cross-built for (Go's
// linux ports with a container ecosystem).
var knownArch = []string{"386", "amd64", "arm", "arm64", "ppc64le", "riscv64", "s390x"}

// ParsePlatforms parses "linux/amd64,linux/arm64": distinct linux
// platforms, sorted.
func ParsePlatforms(s string) ([]Platform, error) {
	var out []Platform
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		osName, arch, ok := strings.Cut(part, "/")
		if !ok || osName == "" || arch == "" || strings.Contains(arch, "/") {
			return nil, fmt.Errorf("platform %q: want os/arch, as linux/amd64", part)
		}
		if osName != "linux" {
			return nil, fmt.Errorf("platform %q: only linux images can be built", part)
		}
		if !slices.Contains(knownArch, arch) {
			return nil, fmt.Errorf("platform %q: unknown architecture %q (known: %s)", part, arch, strings.Join(knownArch, ", "))
		}
		p := Platform{osName, arch}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b Platform) int { return strings.Compare(a.String(), b.String()) })
	return out, nil
}

// Runner is a task runner binary built for one platform.
type Runner struct {
	Platform Platform
	Path     string
}

// Options say where the image goes and what it is built on.
type Options struct {
	// Repo is the image's repository, with an optional tag:
	// registry.example.com/team/flow[:tag] (tag "latest" when none).
	Repo string
	// Base is the image the runner layer goes on; "" is scratch, the empty
	// image. A base that is an index gives each platform its own image.
	Base string
	// Keychain finds registry credentials; nil is authn.DefaultKeychain
	// (the Docker config file and its credential helpers).
	Keychain authn.Keychain
	// Transport carries the registry requests; nil is the default.
	Transport http.RoundTripper
}

// Result is what Push did.
type Result struct {
	// Ref is the image by digest, repository@sha256:...: what a
	// deployment should name.
	Ref string
	// Tag is the tag the image was also pushed under.
	Tag string
	// BlobsUploaded counts the blobs (layers and configs) the registry did
	// not have; 0 when packaging unchanged code.
	BlobsUploaded int64
	// Layers are the runner layers' digests, one per platform.
	Layers []string
}

// Push builds the image of the runners, one per platform, and pushes it.
func Push(ctx context.Context, runners []Runner, opts Options) (*Result, error) {
	if len(runners) == 0 {
		return nil, fmt.Errorf("package: no runner to put in an image")
	}
	tag, err := name.NewTag(opts.Repo)
	if err != nil {
		return nil, fmt.Errorf("package: --image %q: %w", opts.Repo, err)
	}
	kc := opts.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	counter := &uploadCounter{next: opts.Transport}
	if counter.next == nil {
		counter.next = remote.DefaultTransport
	}
	ropts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(kc), remote.WithTransport(counter)}
	res := &Result{Tag: tag.Name()}
	var imgs []v1.Image
	for _, r := range runners {
		img, layer, err := platformImage(r, opts.Base, ropts)
		if err != nil {
			return nil, err
		}
		imgs = append(imgs, img)
		res.Layers = append(res.Layers, layer)
	}
	var digest v1.Hash
	if len(imgs) == 1 {
		if err := remote.Write(tag, imgs[0], ropts...); err != nil {
			return nil, fmt.Errorf("package: push %s: %w", tag, err)
		}
		digest, err = imgs[0].Digest()
	} else {
		idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
		for i, img := range imgs {
			p := runners[i].Platform
			idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
				Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: p.OS, Architecture: p.Arch}},
			})
		}
		if err := remote.WriteIndex(tag, idx, ropts...); err != nil {
			return nil, fmt.Errorf("package: push %s: %w", tag, err)
		}
		digest, err = idx.Digest()
	}
	if err != nil {
		return nil, err
	}
	res.Ref = tag.Context().Digest(digest.String()).String()
	res.BlobsUploaded = counter.n.Load()
	return res, nil
}

// platformImage puts the runner's layer on the base for its platform.
func platformImage(r Runner, base string, ropts []remote.Option) (v1.Image, string, error) {
	layer, err := runnerLayerFor(r.Path)
	if err != nil {
		return nil, "", err
	}
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	if base != "" {
		ref, err := name.ParseReference(base)
		if err != nil {
			return nil, "", fmt.Errorf("package: --base %q: %w", base, err)
		}
		plat := v1.Platform{OS: r.Platform.OS, Architecture: r.Platform.Arch}
		if img, err = remote.Image(ref, append(ropts, remote.WithPlatform(plat))...); err != nil {
			return nil, "", fmt.Errorf("package: base image %s for %s: %w", base, r.Platform, err)
		}
	}
	img, err = mutate.AppendLayers(img, layer)
	if err != nil {
		return nil, "", err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, "", err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = r.Platform.OS, r.Platform.Arch
	cf.Created = v1.Time{Time: layerTime}
	// No entrypoint: Kubernetes' command and AWS Batch's command both
	// name the runner themselves; a bare `docker run` shows its usage.
	cf.Config.Entrypoint = nil
	cf.Config.Cmd = []string{RunnerPath}
	cf.History = nil
	if base == "" {
		cf.Config.Env = []string{"PATH=/flowc", "TMPDIR=/tmp"}
	}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, "", err
	}
	return img, layer.meta.Digest, nil
}

// uploadCounter counts blob uploads started (POST .../blobs/uploads/):
// what packaging actually sent, as opposed to found in the registry.
type uploadCounter struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (u *uploadCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && strings.Contains(req.URL.Path, "/blobs/uploads/") {
		u.n.Add(1)
	}
	return u.next.RoundTrip(req)
}
