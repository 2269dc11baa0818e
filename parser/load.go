package parser

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// FlowImportPath is the import path of the package users write flows with.
const FlowImportPath = "github.com/flowc-dev/flowc/flow"

// Options change what Load reads.
type Options struct {
	// Configs overrides a config's file: config name to a path (relative to
	// the working directory), as --config NAME=PATH does.
	Configs map[string]string
	// ConfigValues gives a config's value inline, as --config-value NAME
	// JSON does: config name to a JSON object, checked like a config file.
	ConfigValues map[string]string
	// With holds step directives to add to every step that has none of
	// their kind, as --with NAME[:attr=value,...] does (with.go).
	With []string
}

// Package is a loaded package directory and the flows found in it.
type Package struct {
	Dir        string // absolute
	ImportPath string
	Name       string
	Flows      []*ir.Flow

	elemTypes, inputTypes map[*ir.Step]types.Type
	rules                 *storeRules // storable.go
}

// SameElem reports whether the T of step's flow.Input[T] is the element
// type of the slice that foreach splits, by types.Identical: an alias and
// the type it names are the same, and so are any and interface{}. known is
// false when either type is unknown to go/types (a step built by hand, or a
// type the package does not define); callers then compare the types as
// written.
func (p *Package) SameElem(foreach, step *ir.Step) (same, known bool) {
	e, i := p.elemTypes[foreach], p.inputTypes[step]
	if e == nil || i == nil {
		return false, false
	}
	return types.Identical(e, i), true
}

// file is one parsed Go file of the package.
type file struct {
	name    string // base name
	ast     *ast.File
	flowPkg string // the local name of the flow package, "" when not imported
	timePkg string // the local name of package time
	// used marks directive comment groups that were attached to something.
	used map[*ast.CommentGroup]bool
}

// loader holds the state of one Load.
type loader struct {
	fset  *token.FileSet
	dir   string
	opts  Options
	files []*file
	types map[string]*ast.TypeSpec // the package's type declarations by name
	diags diag.List

	// What go/types says of the package (typecheck.go).
	pkg     *types.Package
	info    *types.Info
	flowAPI *types.Package // package flow as the flow's package imports it
	// elemTypes and inputTypes hold the Go types of ForeachElem and
	// InputType, by step, where go/types could tell.
	elemTypes, inputTypes map[*ir.Step]types.Type
	rules                 *storeRules // storable.go
}

// Load parses the Go package in dir and returns its flows. Positions in the
// diagnostics name files by absolute path; positions in the IR are relative
// to dir. A package that does not parse returns its syntax errors only.
func Load(dir string, opts Options) (*Package, diag.List) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, diag.List{{Pos: diag.Pos{File: dir}, Code: diag.NoFlow, Message: err.Error()}}
	}
	names, err := goFiles(abs)
	if err != nil {
		return nil, diag.List{{Pos: diag.Pos{File: abs}, Code: diag.NoFlow, Message: err.Error()}}
	}
	files := map[string][]byte{}
	for _, name := range names {
		src, err := os.ReadFile(filepath.Join(abs, name))
		if err != nil {
			return nil, diag.List{{Pos: diag.Pos{File: filepath.Join(abs, name)}, Code: diag.GoSyntax, Message: err.Error()}}
		}
		files[name] = src
	}
	return LoadFiles(abs, files, opts)
}

// LoadFiles is Load on sources held in memory: files maps a file name to
// its content, as if it stood in dir. Config files are still read from
// disk, relative to dir.
func LoadFiles(dir string, files map[string][]byte, opts Options) (*Package, diag.List) {
	l := &loader{fset: token.NewFileSet(), dir: dir, opts: opts, types: map[string]*ast.TypeSpec{},
		elemTypes: map[*ir.Step]types.Type{}, inputTypes: map[*ir.Step]types.Type{}}
	for _, name := range sortedKeys(files) {
		l.parseFile(name, files[name])
	}
	if len(l.diags) > 0 || len(l.files) == 0 {
		if len(l.files) == 0 && len(l.diags) == 0 {
			l.diags.Add(diag.Pos{File: dir}, diag.NoFlow, "no Go files in %s", dir)
		}
		return nil, l.diags.Sorted()
	}
	pkg := &Package{Dir: dir, Name: l.files[0].ast.Name.Name, ImportPath: importPath(dir)}
	for _, f := range l.files[1:] {
		if f.ast.Name.Name != pkg.Name {
			l.diags.Add(l.pos(f.ast.Name.Pos()), diag.GoSyntax, "package %s; the other files of the directory are package %s", f.ast.Name.Name, pkg.Name)
			return nil, l.diags.Sorted()
		}
	}
	if !l.typecheck(pkg.ImportPath) {
		return nil, l.diags.Sorted()
	}
	pkg.Flows = l.flows(pkg.ImportPath)
	pkg.elemTypes, pkg.inputTypes = l.elemTypes, l.inputTypes
	l.strayDirectives()
	if len(pkg.Flows) == 0 && len(l.diags) == 0 {
		l.diags.Add(diag.Pos{File: dir}, diag.NoFlow,
			"package %s has no flow: a flow is a struct type with Start and End steps, methods taking a *flow.Context", pkg.Name)
	}
	return pkg, l.diags.Sorted()
}

// goFiles lists the package's Go files that build on this platform, tests
// excluded, sorted.
func goFiles(dir string) ([]string, error) {
	ctx := build.Default
	ctx.CgoEnabled = false
	bp, err := ctx.ImportDir(dir, build.ImportComment)
	if err != nil {
		if _, ok := err.(*build.NoGoError); ok {
			return nil, fmt.Errorf("no Go files in %s", dir)
		}
		if bp == nil || len(bp.GoFiles) == 0 {
			return nil, fmt.Errorf("read package %s: %w", dir, err)
		}
	}
	names := append([]string(nil), bp.GoFiles...)
	sort.Strings(names)
	return names, nil
}

// parseFile parses one file and records its imports of flow and time.
func (l *loader) parseFile(name string, src []byte) {
	path := filepath.Join(l.dir, name)
	af, err := parser.ParseFile(l.fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		l.syntaxErrors(path, err)
		return
	}
	f := &file{name: name, ast: af, used: map[*ast.CommentGroup]bool{}}
	for _, imp := range af.Imports {
		p := strings.Trim(imp.Path.Value, `"`)
		local := p[strings.LastIndexByte(p, '/')+1:]
		if imp.Name != nil {
			local = imp.Name.Name
		}
		switch p {
		case FlowImportPath:
			f.flowPkg = local
		case "time":
			f.timePkg = local
		}
	}
	for _, d := range af.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, s := range gd.Specs {
			ts := s.(*ast.TypeSpec)
			l.types[ts.Name.Name] = ts
		}
	}
	l.files = append(l.files, f)
}

// syntaxErrors turns go/parser's error list into diagnostics.
func (l *loader) syntaxErrors(path string, err error) {
	var list scanner.ErrorList
	if !errors.As(err, &list) {
		l.diags.Add(diag.Pos{File: path}, diag.GoSyntax, "%v", err)
		return
	}
	for _, e := range list {
		l.diags.Add(diag.Pos{File: e.Pos.Filename, Line: e.Pos.Line, Col: e.Pos.Column}, diag.GoSyntax, "%s", e.Msg)
	}
}

// importPath derives the package's import path from the nearest go.mod
// above dir; without one it is the directory's base name.
func importPath(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				line = strings.TrimSpace(line)
				if rest, ok := strings.CutPrefix(line, "module"); ok {
					mod := strings.Trim(strings.TrimSpace(rest), `"`)
					rel, _ := filepath.Rel(d, dir)
					if rel == "." {
						return mod
					}
					return mod + "/" + filepath.ToSlash(rel)
				}
			}
		}
		if filepath.Dir(d) == d {
			return filepath.Base(dir)
		}
	}
}

// pos converts a token position to a diagnostic position.
func (l *loader) pos(p token.Pos) diag.Pos {
	tp := l.fset.Position(p)
	return diag.Pos{File: tp.Filename, Line: tp.Line, Col: tp.Column}
}

// irPos converts a token position to an IR position, relative to the
// package directory.
func (l *loader) irPos(p token.Pos) ir.Pos {
	tp := l.fset.Position(p)
	return ir.Pos{File: filepath.Base(tp.Filename), Line: tp.Line, Col: tp.Column}
}
