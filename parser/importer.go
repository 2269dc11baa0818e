package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/flowc-dev/flowc"
)

// The front end type-checks a flow's package with go/types, reading its
// imports from the compiler's export data: one `go list -export -deps`
// over the package's imports gives every dependency's export file (building
// what the build cache does not hold yet), and the gc importer reads them.
// This is what go/packages does, without the dependency, and is much faster
// than type-checking every dependency from source.
//
// When package flow cannot be found that way (the directory is in no
// module, or a module that does not require flowc), it is type-checked from
// the copy flowc was built with, flowc.FlowSource; its own imports are all
// in the standard library, which go list finds anywhere.
//
// Importers are kept for the life of the process, one per module root and
// set of imports: a test suite or fuzz target that loads many flows runs go
// list once per kind of flow, not once per flow.

// goListRuns counts go list processes, for tests.
var goListRuns atomic.Int64

// importers caches one importer per go list invocation.
var importers struct {
	sync.Mutex
	m map[string]*exportImporter
}

// exportImporter imports packages from export data found by go list. It is
// safe for concurrent use.
type exportImporter struct {
	mu      sync.Mutex
	fset    *token.FileSet
	exports map[string]string // import path to export file
	errs    map[string]string // import path to go list's error
	gc      types.ImporterFrom
	flow    *types.Package // the fallback flow package, once checked
	// entry is go list's answer with what it depends on; nil when the
	// answer may not be kept (listcache.go).
	entry *listEntry
}

// importerFor returns the importer for a package in dir that imports
// imports. dir need not exist (LoadFiles); go list then runs in the
// working directory.
func importerFor(dir string, imports []string) *exportImporter {
	runDir := dir
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		runDir = ""
	}
	want := append(append([]string(nil), imports...), flowImports()...)
	sort.Strings(want)
	want = compactStrings(want)
	key := moduleRoot(runDir) + "\x00" + strings.Join(want, "\x00")
	importers.Lock()
	defer importers.Unlock()
	if imp, ok := importers.m[key]; ok && imp.entry.unchanged() {
		return imp
	}
	imp := &exportImporter{fset: token.NewFileSet(), exports: map[string]string{}, errs: map[string]string{}}
	imp.list(runDir, want)
	imp.gc = importer.ForCompiler(imp.fset, "gc", imp.lookup).(types.ImporterFrom)
	if importers.m == nil {
		importers.m = map[string]*exportImporter{}
	}
	if imp.entry != nil {
		importers.m[key] = imp
	} else {
		delete(importers.m, key)
	}
	return imp
}

// list runs go list and records what it finds. A failure of go list
// itself (no go command) leaves every import unresolved, with its error.
func (imp *exportImporter) list(dir string, paths []string) {
	var real []string
	for _, p := range paths {
		if p != "C" && p != "unsafe" {
			real = append(real, p)
		}
	}
	if len(real) == 0 {
		return
	}
	cache := listCacheFile(dir, real)
	if e, ok := loadList(cache); ok {
		imp.exports, imp.errs, imp.entry = e.Exports, e.Errs, e
		return
	}

	args := append([]string{"list", "-e", "-export", "-deps",
		"-json=ImportPath,Export,Error,Dir,Standard,GoFiles,CgoFiles,EmbedFiles,Module", "--"}, real...)
	goListRuns.Add(1)
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		for _, p := range real {
			imp.errs[p] = "go list: " + msg
		}
		return
	}
	var pkgs []listPackage
	dec := json.NewDecoder(&stdout)
	for {
		var p listPackage
		if err := dec.Decode(&p); err != nil {
			if !errors.Is(err, io.EOF) {
				imp.errs["go list"] = err.Error()
			}
			break
		}
		pkgs = append(pkgs, p)
		switch {
		case p.Export != "":
			imp.exports[p.ImportPath] = p.Export
		case p.Error != nil:
			imp.errs[p.ImportPath] = p.Error.Err
		}
	}
	e := &listEntry{Exports: imp.exports, Errs: imp.errs}
	if stampInputs(dir, e, pkgs) {
		imp.entry = e
		saveList(cache, e)
	}
}

// lookup opens a package's export data for the gc importer.
func (imp *exportImporter) lookup(p string) (io.ReadCloser, error) {
	f, ok := imp.exports[p]
	if !ok {
		if e, ok := imp.errs[p]; ok {
			return nil, errors.New(e)
		}
		return nil, fmt.Errorf("package %s was not found by go list", p)
	}
	return os.Open(f)
}

// Import implements types.Importer.
func (imp *exportImporter) Import(p string) (*types.Package, error) {
	imp.mu.Lock()
	defer imp.mu.Unlock()
	return imp.importLocked(p)
}

func (imp *exportImporter) importLocked(p string) (*types.Package, error) {
	if p == FlowImportPath {
		if _, ok := imp.exports[p]; !ok {
			return imp.embeddedFlow()
		}
	}
	return imp.gc.ImportFrom(p, "", 0)
}

// embeddedFlow type-checks flowc's own copy of package flow.
func (imp *exportImporter) embeddedFlow() (*types.Package, error) {
	if imp.flow != nil {
		return imp.flow, nil
	}
	files, err := parseFlowSource(imp.fset)
	if err != nil {
		return nil, err
	}
	conf := types.Config{Importer: importerFunc(imp.importLocked), IgnoreFuncBodies: true}
	pkg, err := conf.Check(FlowImportPath, imp.fset, files, nil)
	if err != nil {
		return nil, fmt.Errorf("type-check flowc's copy of package flow: %w", err)
	}
	imp.flow = pkg
	return pkg, nil
}

type importerFunc func(string) (*types.Package, error)

func (f importerFunc) Import(p string) (*types.Package, error) { return f(p) }

// parseFlowSource parses flowc.FlowSource, tests excluded.
func parseFlowSource(fset *token.FileSet) ([]*ast.File, error) {
	names, err := fs.Glob(flowc.FlowSource, "flow/*.go")
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		src, err := flowc.FlowSource.ReadFile(n)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, path.Join("flowc", n), src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// flowImports lists the imports of flowc's copy of package flow, which the
// fallback needs; computed once.
var flowImports = sync.OnceValue(func() []string {
	files, err := parseFlowSource(token.NewFileSet())
	if err != nil {
		return nil
	}
	var out []string
	for _, f := range files {
		for _, i := range f.Imports {
			out = append(out, strings.Trim(i.Path.Value, `"`))
		}
	}
	return out
})

// moduleRoot returns the directory of the go.mod above dir ("" for the
// working directory), or dir itself when there is none.
func moduleRoot(dir string) string {
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return ""
		}
		dir = wd
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
