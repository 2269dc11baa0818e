package parser

import (
	"go/ast"
	"go/token"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// method is a method declaration of the package with the file it is in.
type method struct {
	decl *ast.FuncDecl
	file *file
}

// flowBuilder turns one flow struct into an ir.Flow.
type flowBuilder struct {
	l       *loader
	file    *file // the file declaring the struct
	spec    *ast.TypeSpec
	st      *ast.StructType
	doc     *ast.CommentGroup
	flow    *ir.Flow
	fields  map[string]*field // exported fields by name
	methods map[string]method // every method of the type by name
	steps   map[string]*step
	configs map[string]*ir.Config // by config name
	// failed holds the configs that could not be loaded, already reported:
	// references to them are not reported again.
	failed map[string]bool
}

// flows finds every flow struct of the package, in source order.
func (l *loader) flows(importPath string) []*ir.Flow {
	methods := map[string]map[string]method{}
	for _, f := range l.files {
		for _, d := range f.ast.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
				continue
			}
			recv := receiverType(fd.Recv.List[0].Type)
			if recv == "" {
				continue
			}
			if methods[recv] == nil {
				methods[recv] = map[string]method{}
			}
			methods[recv][fd.Name.Name] = method{fd, f}
		}
	}
	var out []*ir.Flow
	for _, f := range l.files {
		for _, d := range f.ast.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				ts := s.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				if !l.isFlow(f, methods[ts.Name.Name], doc) {
					continue
				}
				if ts.TypeParams != nil {
					l.diags.Add(l.pos(ts.Name.Pos()), diag.GenericFlow,
						"flow %s has type parameters %s; a flow is one concrete type, which flowc builds a runner for: declare it without them (its fields may use generic types instantiated, such as Box[int])",
						ts.Name.Name, typeParamList(ts.TypeParams))
					continue
				}
				b := &flowBuilder{l: l, file: f, spec: ts, st: st, doc: doc,
					methods: methods[ts.Name.Name], fields: map[string]*field{},
					steps: map[string]*step{}, configs: map[string]*ir.Config{}}
				out = append(out, b.build(importPath))
			}
		}
	}
	return out
}

// isFlow reports whether a struct type is a flow: it has a method that takes
// a *flow.Context, or //flow: directives above it.
func (l *loader) isFlow(f *file, methods map[string]method, doc *ast.CommentGroup) bool {
	if len(directiveLines(doc)) > 0 {
		return true
	}
	for _, m := range methods {
		if l.takesContext(m.decl) {
			return true
		}
	}
	return false
}

// receiverType returns the base type name of a receiver, T or *T, also
// of a generic type's receiver, T[P] or *T[P].
func receiverType(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	switch x := e.(type) {
	case *ast.IndexExpr:
		e = x.X
	case *ast.IndexListExpr:
		e = x.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// build assembles the flow.
func (b *flowBuilder) build(importPath string) *ir.Flow {
	b.flow = &ir.Flow{
		Name:    b.spec.Name.Name,
		Package: importPath,
		Doc:     strings.TrimSpace(b.doc.Text()),
		Pos:     b.l.irPos(b.spec.Name.Pos()),
	}
	b.fieldsOf()
	b.stepsOf()
	b.flowDirectives()
	for _, s := range b.flow.Steps {
		b.stepDirectives(b.steps[s.Name])
	}
	b.withDirectives()
	b.checkStepNames()
	return b.flow
}

// checkStepNames reports steps whose names differ only by case: they would
// share a directory of the datastore and a name on every orchestrator.
func (b *flowBuilder) checkStepNames() {
	seen := map[string]string{}
	for _, s := range b.flow.Steps {
		low := strings.ToLower(s.Name)
		if other, ok := seen[low]; ok {
			b.l.diags.Add(b.l.pos(b.steps[s.Name].decl.Name.Pos()), diag.StepName,
				"step %s differs from step %s only by case; step names must differ in lower case", s.Name, other)
			continue
		}
		seen[low] = s.Name
	}
}

// sortedKeys returns m's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// typeParamList prints a type parameter list as written: [K comparable, V any].
func typeParamList(fl *ast.FieldList) string {
	var parts []string
	for _, f := range fl.List {
		var names []string
		for _, n := range f.Names {
			names = append(names, n.Name)
		}
		parts = append(parts, strings.Join(names, ", ")+" "+exprString(f.Type))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
