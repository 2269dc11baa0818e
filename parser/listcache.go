package parser

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"

	"github.com/flowc-dev/flowc/internal/atomicfile"
)

// go list costs a process, module loading and a look at the build cache:
// about 230 ms of CPU, several times what the rest of `flowc check` takes.
// Its answer only changes when what it read changes, so it is kept on disk
// with what it depends on, and reused while all of that is unchanged:
//
//   - the key: the go command (path, size, modification time), the
//     environment that selects packages (GOOS, GOFLAGS, ...), the module
//     root and the imports asked for;
//   - the inputs, checked on every use by size and modification time:
//     go.mod, go.sum and go.work of the module, and the directory and
//     files of every package that is neither in the standard library nor
//     a module version from the module cache (the module's own packages,
//     and modules replaced by a directory), whose sources may change;
//   - every export file, which must still exist (go clean -cache).
//
// An answer with an error, other than package flow not being found (the
// scratch-directory case), is never kept: the user may be about to fix it.

// listCacheVersion changes when the entries' format or meaning does.
const listCacheVersion = "flowc-golist v1"

// listEntry is one cached go list answer.
type listEntry struct {
	Exports map[string]string
	Errs    map[string]string
	Inputs  []fileStamp
}

// fileStamp is what a file or directory looked like.
type fileStamp struct {
	Path  string
	Size  int64
	MTime int64
	Dir   bool
}

// listPackage is what list reads of each package go list prints.
type listPackage struct {
	ImportPath, Export, Dir string
	Standard                bool
	GoFiles, CgoFiles       []string
	EmbedFiles              []string
	Module                  *struct {
		Main    bool
		Replace *struct{ Version string }
	}
	Error *struct{ Err string }
}

// mutable reports whether p's sources may change under the same go.mod.
func (p *listPackage) mutable() bool {
	if p.Standard || p.Dir == "" {
		return false
	}
	return p.Module == nil || p.Module.Main || p.Module.Replace != nil && p.Module.Replace.Version == ""
}

// listCacheFile returns the cache file for a go list run, "" when there is
// no cache directory or no go command.
func listCacheFile(dir string, paths []string) string {
	base, err := os.UserCacheDir()
	if err != nil || os.Getenv("FLOWC_NO_LIST_CACHE") != "" {
		return ""
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return ""
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", listCacheVersion)
	if st, err := os.Stat(goCmd); err == nil {
		fmt.Fprintf(h, "go %s %d %d\n", goCmd, st.Size(), st.ModTime().UnixNano())
	}
	for _, k := range []string{"GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS", "GOEXPERIMENT", "GOROOT", "GOPATH",
		"GOMODCACHE", "GOWORK", "GO111MODULE", "GOTOOLCHAIN", "GOAMD64", "GOARM64", "GOARM", "GO386"} {
		fmt.Fprintf(h, "%s=%s\n", k, os.Getenv(k))
	}
	fmt.Fprintf(h, "root %s\ndir %s\n%q\n", moduleRoot(dir), dir, paths)
	sum := hex.EncodeToString(h.Sum(nil))
	return filepath.Join(base, "flowc", "golist", sum[:2], sum+".json")
}

// loadList returns a cached answer that is still valid.
func loadList(file string) (*listEntry, bool) {
	if file == "" {
		return nil, false
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, false
	}
	var e listEntry
	if json.Unmarshal(data, &e) != nil {
		return nil, false
	}
	if !e.unchanged() {
		return nil, false
	}
	for _, f := range e.Exports {
		if _, err := os.Stat(f); err != nil {
			return nil, false
		}
	}
	return &e, true
}

// stampInputs fills e.Inputs with what the answer depends on, and reports
// whether it may be kept at all.
func stampInputs(dir string, e *listEntry, pkgs []listPackage) bool {
	for p := range e.Errs {
		if p != FlowImportPath {
			return false
		}
	}
	root := moduleRoot(dir)
	inputs := []string{filepath.Join(root, "go.mod"), filepath.Join(root, "go.sum")}
	// go looks for a go.work in the module root and every directory above.
	for d := root; ; d = filepath.Dir(d) {
		inputs = append(inputs, filepath.Join(d, "go.work"))
		if filepath.Dir(d) == d {
			break
		}
	}
	if w := os.Getenv("GOWORK"); w != "" && w != "off" {
		inputs = append(inputs, w)
	}
	for _, p := range pkgs {
		if !p.mutable() {
			continue
		}
		inputs = append(inputs, p.Dir)
		for _, list := range [][]string{p.GoFiles, p.CgoFiles, p.EmbedFiles} {
			for _, f := range list {
				inputs = append(inputs, filepath.Join(p.Dir, f))
			}
		}
	}
	sort.Strings(inputs)
	for i, in := range inputs {
		if i > 0 && in == inputs[i-1] {
			continue
		}
		e.Inputs = append(e.Inputs, stamp(in))
	}
	return true
}

// saveList keeps an answer. Errors are ignored: the cache only saves time.
func saveList(file string, e *listEntry) {
	if file == "" {
		return
	}
	data, err := json.Marshal(e)
	if err != nil || os.MkdirAll(filepath.Dir(file), 0o755) != nil {
		return
	}
	_ = atomicfile.Write(file, data)
}

// unchanged reports whether every input is as it was.
func (e *listEntry) unchanged() bool {
	if e == nil {
		return false
	}
	for _, in := range e.Inputs {
		if stamp(in.Path) != in {
			return false
		}
	}
	return true
}

// stamp describes path now; a missing file has size -1, so that creating
// it (a go.work, say) invalidates the entry.
func stamp(path string) fileStamp {
	st, err := os.Stat(path)
	if err != nil {
		return fileStamp{Path: path, Size: -1}
	}
	s := fileStamp{Path: path, Size: st.Size(), MTime: st.ModTime().UnixNano(), Dir: st.IsDir()}
	if s.Dir {
		s.Size = 0 // a directory's size says nothing portable
	}
	return s
}
