package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/internal/atomicfile"
	"github.com/flowc-dev/flowc/ir"
)

// Options change how a runner is built.
type Options struct {
	// CacheDir holds generated sources and binaries; default
	// $XDG_CACHE_HOME/flowc/runners (os.UserCacheDir).
	CacheDir string
	// Go is the go command; default "go" from PATH.
	Go string
	// Version is flowc's version, part of the cache key.
	Version string
	// Progress, when set, hears how a build goes (not called when the
	// runner is found in the cache): when it starts, as packages compile,
	// and when it ends. Calls come from one goroutine at a time.
	Progress func(Progress)
	// Env is extra environment for go build (GOOS, GOARCH, CGO_ENABLED ...),
	// also part of the cache key. A build with Env (CrossEnv's, for an
	// image) is also -trimpath; one without uses go's defaults, sharing the
	// build cache with `go install ./cmd/flowc`.
	Env []string
	// LocalOnly builds a runner that opens local datastore roots only
	// (TagLocal): without the S3 datastore and the AWS SDK it is a quarter
	// of the size and starts tens of milliseconds sooner. Set it for a run
	// whose datastore is local; an image for an engine needs S3.
	LocalOnly bool
}

// Runner is a built task runner.
type Runner struct {
	Path   string // the binary
	Key    string // the content hash it is cached under
	Cached bool   // found in the cache, not built
}

// Build returns the task runner of flow f, whose package is in pkgDir,
// building it unless the cache already holds one for the same sources.
func Build(ctx context.Context, pkgDir string, f *ir.Flow, opts Options) (*Runner, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	pkgDir, err := filepath.Abs(pkgDir)
	if err != nil {
		return nil, err
	}
	modRoot, err := moduleRoot(pkgDir)
	if err != nil {
		return nil, err
	}
	src, err := Generate(f)
	if err != nil {
		return nil, err
	}
	tags := Tags(f, opts)
	key, err := cacheKey(modRoot, pkgDir, src, tags, opts)
	if err != nil {
		return nil, fmt.Errorf("build runner for %s: hash sources: %w", f.Name, err)
	}
	dir := filepath.Join(opts.CacheDir, key[:2], key)
	bin := filepath.Join(dir, "runner")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if st, err := os.Stat(bin); err == nil && st.Mode().IsRegular() {
		return &Runner{Path: bin, Key: key, Cached: true}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := goBuild(ctx, modRoot, pkgDir, dir, bin, src, tags, opts); err != nil {
		return nil, fmt.Errorf("build runner for %s: %w", f.Name, err)
	}
	return &Runner{Path: bin, Key: key}, nil
}

func (o *Options) defaults() error {
	if o.CacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		o.CacheDir = filepath.Join(base, "flowc", "runners")
	}
	if o.Go == "" {
		o.Go = "go"
	}
	path, err := exec.LookPath(o.Go)
	if err != nil {
		return fmt.Errorf("build runner: the go command is needed to build a flow's task runner: %w", err)
	}
	o.Go = path
	return nil
}

// goBuild writes the generated main into the cache and builds it as if it
// stood in a directory beside the flow's package.
func goBuild(ctx context.Context, modRoot, pkgDir, dir, bin string, src []byte, tags []string, opts Options) error {
	// Two flowc processes may build the same runner at once: every file is
	// written whole under a temporary name and renamed, so neither compiler
	// ever reads a file the other is writing.
	mainFile := filepath.Join(dir, "main.go")
	if err := atomicfile.Write(mainFile, src); err != nil {
		return err
	}
	virtual := filepath.Join(pkgDir, "zz_flowc_runner", "main.go")
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {virtual: mainFile}})
	if err != nil {
		return err
	}
	overlayFile := filepath.Join(dir, "overlay.json")
	if err := atomicfile.Write(overlayFile, overlay); err != nil {
		return err
	}
	modArgs, err := modFlags(ctx, opts.Go, modRoot, pkgDir, dir, opts.Env)
	if err != nil {
		return err
	}
	tmp := bin + fmt.Sprintf(".tmp%d", os.Getpid())
	flags := append([]string{"-overlay", overlayFile}, modArgs...)
	if t := tagsFlag(tags, opts.Env); t != "" {
		flags = append(flags, "-tags", t)
	}
	// A runner for this machine is built with go's default flags, as
	// `go install ./cmd/flowc` builds flowc, so that the packages they
	// share (runtime/task and everything under it) are compiled once, into
	// the same build cache entries. A runner for an image is built
	// -trimpath: its bytes do not depend on where the sources are.
	if len(opts.Env) > 0 {
		flags = append(flags, "-trimpath")
	}
	out, err := runBuild(ctx, pkgDir, flags, tmp, opts)
	if err != nil {
		os.Remove(tmp)
		msg := relativize(strings.TrimSpace(out), pkgDir)
		if msg == "" {
			msg = err.Error()
		}
		return errors.New("go build failed:\n" + msg)
	}
	return os.Rename(tmp, bin)
}

// moduleRoot finds the directory of the go.mod above dir.
func moduleRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("build runner: %s is not inside a Go module (no go.mod above it)", dir)
		}
	}
}

// cacheKey hashes what the runner is made of: the generated main, every Go
// source, go.mod and go.sum of the module (which pin every dependency,
// flowc included), flowc's version, the Go toolchain and the build
// environment.
func cacheKey(modRoot, pkgDir string, src []byte, tags []string, opts Options) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "flowc-runner v1\nflowc %s\n", opts.Version)
	if st, err := os.Stat(opts.Go); err == nil {
		fmt.Fprintf(h, "go %s %d %d\n", opts.Go, st.Size(), st.ModTime().UnixNano())
	}
	for _, k := range []string{"GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOARM64"} {
		fmt.Fprintf(h, "%s=%s\n", k, os.Getenv(k))
	}
	env := append([]string(nil), opts.Env...)
	sort.Strings(env)
	fmt.Fprintf(h, "env %q\n", env)
	fmt.Fprintf(h, "tags %q\n", tags)
	fmt.Fprintf(h, "main %d\n", len(src))
	h.Write(src)
	files, err := moduleFiles(modRoot)
	if err != nil {
		return "", err
	}
	// A dependency replaced by a local directory is not pinned by go.sum:
	// its sources count too (a flowc checkout a user builds against, say).
	for _, dir := range localReplacements(modRoot) {
		more, err := moduleFiles(dir)
		if err != nil {
			return "", err
		}
		for _, rel := range more {
			files = append(files, filepath.ToSlash(filepath.Join(dir, rel)))
		}
	}
	// The flow's own package counts even where the walk skips it (a flow
	// under testdata, say).
	own, _ := filepath.Glob(filepath.Join(pkgDir, "*.go"))
	for _, p := range own {
		if rel, err := filepath.Rel(modRoot, p); err == nil && !slices.Contains(files, filepath.ToSlash(rel)) && !strings.HasSuffix(p, "_test.go") {
			files = append(files, filepath.ToSlash(rel))
		}
	}
	for _, rel := range files {
		path := rel
		if !filepath.IsAbs(path) {
			path = filepath.Join(modRoot, rel)
		}
		f, err := os.Open(path)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "\nfile %s\n", rel)
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// moduleFiles lists the module's Go sources and its go.mod and go.sum,
// sorted, skipping test files, testdata, hidden directories and nested
// modules.
func moduleFiles(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path == root {
				return nil
			}
			if name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") ||
			filepath.Dir(path) == root && (name == "go.mod" || name == "go.sum" || name == "go.work") {
			rel, _ := filepath.Rel(root, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// localReplacements returns the directories that go.mod's replace
// directives point to, absolute.
func localReplacements(modRoot string) []string {
	data, err := os.ReadFile(filepath.Join(modRoot, "go.mod"))
	if err != nil {
		return nil
	}
	var out []string
	inBlock := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case line == "replace (":
			inBlock = true
			continue
		case inBlock && line == ")":
			inBlock = false
			continue
		case !inBlock && !strings.HasPrefix(line, "replace "):
			continue
		}
		_, target, ok := strings.Cut(line, "=>")
		if !ok {
			continue
		}
		fields := strings.Fields(target)
		if len(fields) != 1 { // "path version": a module, pinned by go.sum
			continue
		}
		dir := fields[0]
		if !(strings.HasPrefix(dir, "./") || strings.HasPrefix(dir, "../") || filepath.IsAbs(dir)) {
			continue
		}
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(modRoot, dir)
		}
		out = append(out, filepath.Clean(dir))
	}
	sort.Strings(out)
	return out
}

// relativize rewrites the compiler's "./file.go:12:3: ..." lines, relative
// to the package it built in, to paths relative to the working directory,
// where the user can open them.
func relativize(msg, pkgDir string) string {
	cwd, err := os.Getwd()
	if err != nil {
		return msg
	}
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, "./"); ok {
			if rel, err := filepath.Rel(cwd, filepath.Join(pkgDir, rest)); err == nil {
				lines[i] = rel
			}
		}
	}
	return strings.Join(lines, "\n")
}

// CrossEnv returns the Options.Env that builds a runner for goos/goarch: a
// static binary (CGO_ENABLED=0) that runs in any Linux container, scratch
// included, without VCS stamping (-buildvcs=false), so the same sources
// give the same bytes whatever the checkout's state.
func CrossEnv(goos, goarch string) []string {
	flags := strings.TrimSpace(os.Getenv("GOFLAGS") + " -buildvcs=false")
	return []string{"GOOS=" + goos, "GOARCH=" + goarch, "CGO_ENABLED=0", "GOFLAGS=" + flags}
}
