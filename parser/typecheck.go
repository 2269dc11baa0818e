package parser

import (
	"go/ast"

	"github.com/flowc-dev/flowc/diag"
	"go/types"
	"strings"
)

// typecheck runs go/types over the package's files. It reports false when
// the files import package flow and it could not be loaded: nothing can be
// a step then, and the reason has been reported. Type errors are not
// reported (the Go compiler reports them when the runner is built, and most
// mistakes in a flow have a diagnostic of their own): where the checker
// could not type an expression, the front end has no type for it and says
// nothing about it.
func (l *loader) typecheck(importPath string) bool {
	var imports []string
	var files []*ast.File
	var flowImport *ast.ImportSpec
	for _, f := range l.files {
		files = append(files, f.ast)
		for _, i := range f.ast.Imports {
			p := strings.Trim(i.Path.Value, `"`)
			imports = append(imports, p)
			if p == FlowImportPath && flowImport == nil {
				flowImport = i
			}
		}
	}
	imp := importerFor(l.dir, imports)
	if flowImport != nil {
		// Without package flow nothing is a step: say why, once, rather
		// than that the package has no flow.
		if _, err := imp.Import(FlowImportPath); err != nil {
			l.diags.Add(l.pos(flowImport.Pos()), diag.NoFlow,
				"cannot load package flow to type-check the flow (flowc check needs the go command, which finds the imports): %v", err)
			return false
		}
	}
	l.info = &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{},
		Defs:  map[*ast.Ident]types.Object{},
		Uses:  map[*ast.Ident]types.Object{},
	}
	conf := types.Config{Importer: imp, Error: func(error) {}, FakeImportC: true}
	l.pkg, _ = conf.Check(importPath, l.fset, files, l.info)
	for _, p := range l.pkg.Imports() {
		if p.Path() == FlowImportPath {
			l.flowAPI = p
		}
	}
	return true
}

// flowObj returns the object named name of package flow, or nil when the
// package does not import flow.
func (l *loader) flowObj(name string) types.Object {
	if l.flowAPI == nil {
		return nil
	}
	return l.flowAPI.Scope().Lookup(name)
}

// typeOf returns the type of a type expression or value expression, nil
// when go/types could not tell.
func (l *loader) typeOf(e ast.Expr) types.Type {
	tv, ok := l.info.Types[e]
	if !ok || tv.Type == nil || tv.Type == types.Typ[types.Invalid] {
		return nil
	}
	return tv.Type
}

// isFlowType reports whether the type expression e denotes package flow's
// type name, through any alias; a generic one (Inputs) in any
// instantiation.
func (l *loader) isFlowType(e ast.Expr, name string) bool {
	obj, ok := l.flowObj(name).(*types.TypeName)
	if !ok {
		return false
	}
	return isFlowNamed(l.typeOf(e), obj)
}

func isFlowNamed(t types.Type, obj *types.TypeName) bool {
	if t == nil {
		return false
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Origin().Obj() == obj
}

// isFlowFunc reports whether e (a selector or identifier, possibly with
// type arguments) refers to package flow's function name.
func (l *loader) isFlowFunc(e ast.Expr, name string) bool {
	obj := l.flowObj(name)
	if obj == nil {
		return false
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.IndexExpr:
		return l.isFlowFunc(x.X, name)
	case *ast.IndexListExpr:
		return l.isFlowFunc(x.X, name)
	case *ast.SelectorExpr:
		return l.info.Uses[x.Sel] == obj
	case *ast.Ident:
		return l.info.Uses[x] == obj
	}
	return false
}

// isError reports whether the type expression e denotes the predeclared
// error, through any alias.
func (l *loader) isError(e ast.Expr) bool {
	t := l.typeOf(e)
	return t != nil && types.Identical(t, types.Universe.Lookup("error").Type())
}
