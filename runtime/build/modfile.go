package build

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/internal/atomicfile"
)

// FlowcModule is the module path of flowc, whose runtime/task every runner
// links.
const FlowcModule = "github.com/flowc-dev/flowc"

// The runner imports packages (runtime/task and what it links) that the
// user's own code does not, so the user's go.mod and go.sum need not list
// their modules or checksums: `go build` would fail with "missing go.sum
// entry", and the fixes it suggests edit the user's files. Instead the
// runner is built with a private module file in the runner's cache
// directory (go build -modfile): a copy of the user's go.mod and go.sum,
// with flowc's own go.sum added (it holds every checksum flowc's packages
// need), and -mod=mod so that the go command may complete the private copy.
// The user's go.mod and go.sum are never written, whatever GOFLAGS says
// (-mod=readonly included), and a build whose modules are in the module
// cache needs no network.

// modFlags returns the go build flags that select the runner's private
// module file in dir, writing it first; none when the user's own files
// serve as they are (flowc's own module) or cannot be replaced (a
// workspace, where the go command refuses -modfile).
func modFlags(ctx context.Context, goCmd, modRoot, pkgDir, dir string, env []string) ([]string, error) {
	if inWorkspace(pkgDir) {
		return nil, nil
	}
	mod, err := os.ReadFile(filepath.Join(modRoot, "go.mod"))
	if err != nil {
		return nil, err
	}
	info, err := editJSON(ctx, goCmd, modRoot, env)
	if err != nil {
		return nil, err
	}
	if info.Module.Path == FlowcModule {
		return nil, nil
	}
	sum, err := os.ReadFile(filepath.Join(modRoot, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	if flowcSum := flowcGoSum(ctx, goCmd, modRoot, info, env); flowcSum != nil {
		sum = mergeSums(sum, flowcSum)
	}
	modFile := filepath.Join(dir, "go.mod")
	if err := atomicfile.Write(modFile, mod); err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(dir, "go.sum"), sum); err != nil {
		return nil, err
	}
	return []string{"-modfile", modFile, "-mod=mod"}, nil
}

// inWorkspace reports whether the go command would build pkgDir in
// workspace mode: GOWORK names a file, or a go.work lies above pkgDir.
func inWorkspace(pkgDir string) bool {
	switch w := os.Getenv("GOWORK"); w {
	case "off":
		return false
	case "":
	default:
		return true
	}
	for d := pkgDir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return true
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}

// goModInfo is the part of `go mod edit -json` the build reads.
type goModInfo struct {
	Module  struct{ Path string }
	Require []struct{ Path, Version string }
	Replace []struct {
		Old struct{ Path, Version string }
		New struct{ Path, Version string }
	}
}

// editJSON parses the module's go.mod with the go command's own parser.
func editJSON(ctx context.Context, goCmd, modRoot string, env []string) (*goModInfo, error) {
	cmd := exec.CommandContext(ctx, goCmd, "mod", "edit", "-json")
	cmd.Dir = modRoot
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("read %s: %s", filepath.Join(modRoot, "go.mod"), strings.TrimSpace(stderr.String()))
	}
	var info goModInfo
	if err := json.Unmarshal(out, &info); err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(modRoot, "go.mod"), err)
	}
	return &info, nil
}

// flowcGoSum returns the go.sum of the flowc module the user's module
// requires: from the directory a replace points to, or from the module
// cache. It returns nil when there is none to be had (the build then
// completes the checksums itself, from the network if it must).
func flowcGoSum(ctx context.Context, goCmd, modRoot string, info *goModInfo, env []string) []byte {
	version := ""
	for _, r := range info.Require {
		if r.Path == FlowcModule {
			version = r.Version
		}
	}
	for _, r := range info.Replace {
		if r.Old.Path != FlowcModule || r.Old.Version != "" && r.Old.Version != version {
			continue
		}
		if r.New.Version == "" { // a directory
			dir := r.New.Path
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(modRoot, dir)
			}
			sum, _ := os.ReadFile(filepath.Join(dir, "go.sum"))
			return sum
		}
		return cachedGoSum(ctx, goCmd, modRoot, r.New.Path+"@"+r.New.Version, env)
	}
	if version == "" {
		return nil
	}
	return cachedGoSum(ctx, goCmd, modRoot, FlowcModule+"@"+version, env)
}

// cachedGoSum reads the go.sum of module@version from the module cache,
// downloading the module if the go command may.
func cachedGoSum(ctx context.Context, goCmd, modRoot, modVersion string, env []string) []byte {
	cmd := exec.CommandContext(ctx, goCmd, "mod", "download", "-json", modVersion)
	cmd.Dir = modRoot
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	var dl struct{ Dir string }
	if json.Unmarshal(out, &dl) != nil || dl.Dir == "" {
		return nil
	}
	sum, _ := os.ReadFile(filepath.Join(dl.Dir, "go.sum"))
	return sum
}

// mergeSums returns the lines of a and b, each once, sorted as the go
// command writes go.sum.
func mergeSums(a, b []byte) []byte {
	seen := map[string]bool{}
	var lines []string
	for _, data := range [][]byte{a, b} {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			l := strings.TrimSpace(sc.Text())
			if l == "" || seen[l] {
				continue
			}
			seen[l] = true
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	if len(lines) == 0 {
		return nil
	}
	return []byte(strings.Join(lines, "\n") + "\n")
}
