package main

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/internal/s3test"
)

// TestPackage packages the hello example for two platforms into
// go-containerregistry's in-process registry, pulls the image back,
// extracts each runner and runs the one this machine can run; packaging
// again uploads nothing and prints the same digest; compile --package
// pushes first.
func TestPackage(t *testing.T) {
	var uploads atomic.Int64
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/blobs/uploads/") {
			uploads.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no credentials from the host
	repo := strings.TrimPrefix(srv.URL, "http://") + "/flows/hello:v1"
	pkg := filepath.Join("..", "..", "examples", "hello")

	var stdout, stderr bytes.Buffer
	if code := run([]string{"package", pkg, "--image", repo, "--platform", "linux/amd64,linux/arm64"}, &stdout, &stderr); code != 0 {
		t.Fatalf("flowc package: exit %d\n%s", code, stderr.String())
	}
	ref := strings.TrimSpace(stdout.String())
	if !strings.HasPrefix(ref, strings.TrimSuffix(repo, ":v1")+"@sha256:") {
		t.Fatalf("flowc package printed %q, want the image by digest", ref)
	}
	if n := uploads.Load(); n != 4 {
		t.Errorf("first package uploaded %d blobs, want 4 (a layer and a config per platform)", n)
	}

	for _, arch := range []string{"amd64", "arm64"} {
		bin := pullRunner(t, ref, arch)
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatalf("%s runner: %v", arch, err)
		}
		want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[arch]
		if f.Machine != want || f.Type != elf.ET_EXEC {
			t.Errorf("%s runner is %v %v, want a static %v executable", arch, f.Machine, f.Type, want)
		}
		if f.Section(".interp") != nil {
			t.Errorf("%s runner has an interpreter: not static (CGO_ENABLED=0)", arch)
		}
		f.Close()
		if arch != "amd64" || os.Getenv("GOARCH") != "" || !hostIsAMD64() {
			continue
		}
		out, err := exec.Command(bin).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "RUNNER step STEP") {
			t.Errorf("the packaged runner with no arguments: %v\n%s", err, out)
		}
		t.Run("task-on-s3rver", func(t *testing.T) { runPackagedTask(t, bin) })
	}

	// Nothing changed: nothing uploaded, the same digest.
	stdout.Reset()
	stderr.Reset()
	start := time.Now()
	if code := run([]string{"package", pkg, "--image", repo, "--platform", "linux/arm64,linux/amd64"}, &stdout, &stderr); code != 0 {
		t.Fatalf("flowc package again: exit %d\n%s", code, stderr.String())
	}
	t.Logf("packaging unchanged code took %s", time.Since(start))
	if got := strings.TrimSpace(stdout.String()); got != ref {
		t.Errorf("packaging unchanged code gave %s, first %s", got, ref)
	}
	if n := uploads.Load(); n != 4 || !strings.Contains(stderr.String(), "nothing new to upload") {
		t.Errorf("packaging unchanged code: registry saw %d uploads in all; said %q", n, stderr.String())
	}

	// compile --package packages first (the local target ignores the image).
	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"compile", pkg, "--target", "local", "--package", "--image", repo}, &stdout, &stderr); code != 0 {
		t.Fatalf("flowc compile --package: exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "Pushed "+repo) {
		t.Errorf("compile --package did not package: %q", stderr.String())
	}
	if code := run([]string{"compile", pkg, "--target", "local", "--package"}, &stdout, &stderr); code != 2 {
		t.Errorf("compile --package without --image: exit %d, want 2", code)
	}
}

// runPackagedTask runs the packaged runner as an engine would, with the
// S3 datastore on s3rver: the Start task of a new run, given a parameter
// (it records the run's plan and parameters itself), then the Hello task,
// which finds its input in S3; the client then reads Hello's greeting.
func runPackagedTask(t *testing.T, bin string) {
	srv := s3test.Start(t)
	root := srv.Root("packaged")
	for _, args := range [][]string{
		{"step", "Start", "--run-id", "argo-1", "--task-id", "0", "--datastore-root", root, "--param", "name=packaged"},
		{"step", "Hello", "--run-id", "argo-1", "--task-id", "0", "--datastore-root", root},
	} {
		cmd := exec.Command(bin, args...)
		cmd.Env = os.Environ()
		for k, v := range srv.Env() {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("packaged runner %v on S3: %v\n%s", args, err, out)
		}
	}
	srv.Setenv(t)
	c, err := client.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := c.Namespace(client.Global).Lookup("Hello/argo-1/Hello/0")
	if err != nil {
		t.Fatal(err)
	}
	var greeting string
	if err := obj.(*client.Task).Artifact("Greeting", &greeting); err != nil || greeting != "Hello, packaged!" {
		t.Errorf("the packaged runner's Hello task on S3: Greeting %q, %v", greeting, err)
	}
}

func hostIsAMD64() bool {
	f, err := elf.Open("/proc/self/exe")
	if err != nil {
		return false
	}
	defer f.Close()
	return f.Machine == elf.EM_X86_64
}

// pullRunner pulls the image for linux/arch and writes its /flowc/runner
// to a file.
func pullRunner(t *testing.T, ref, arch string) string {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(r, remote.WithPlatform(v1.Platform{OS: "linux", Architecture: arch}))
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%s image: %d layers, %v; want one over scratch", arch, len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s image has no flowc/runner: %v", arch, err)
		}
		if h.Name != "flowc/runner" {
			continue
		}
		bin := filepath.Join(t.TempDir(), "runner-"+arch)
		f, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, os.FileMode(h.Mode))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(f, tr); err != nil {
			t.Fatal(err)
		}
		f.Close()
		return bin
	}
}
