package parser

import (
	"go/ast"
	"go/types"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// fieldKind says what an exported field of a flow is.
type fieldKind int

const (
	artifactField fieldKind = iota
	paramField
	configField
)

// field is an exported field of a flow struct.
type field struct {
	name  string
	kind  fieldKind
	typ   ast.Expr
	ident *ast.Ident
	param *ir.Param
}

// ReservedFlags are the flag names flowc's own commands take; a parameter
// may not use one, since `flowc run --NAME` must mean the parameter.
var ReservedFlags = []string{
	"branch", "config", "config-value", "context", "datastore", "datastore-root", "dry-run", "flow", "help",
	"image", "input-paths", "job-queue", "kubeconfig", "local", "max-log-size", "max-num-splits",
	"max-workers", "namespace", "origin-run-id", "output", "package", "params", "production",
	"quiet", "retry-count", "role", "run-id", "run-id-file", "split-index", "step", "tag",
	"tags", "target", "task-id", "verbose", "version", "with",
	"no-cache", "secrets-provider",
	"wait", // flowc trigger TARGET --wait
	"tasks-per-runner",
}

var paramOptions = []string{"param", "name", "required", "separator"}
var configOptions = []string{"config", "name"}

// fieldsOf sorts the struct's exported fields into parameters, configs and
// artifacts, and loads the configs.
func (b *flowBuilder) fieldsOf() {
	f := b.flow
	f.Params, f.Configs, f.Artifacts = []ir.Param{}, []ir.Config{}, []ir.Artifact{}
	for _, fl := range b.st.Fields.List {
		for _, id := range fl.Names {
			if !id.IsExported() {
				continue
			}
			fd := &field{name: id.Name, typ: fl.Type, ident: id}
			b.fields[id.Name] = fd
			tag := reflect.StructTag("")
			if fl.Tag != nil {
				if s, err := strconv.Unquote(fl.Tag.Value); err == nil {
					tag = reflect.StructTag(s)
				}
			}
			opts, tagged := tag.Lookup("flow")
			kind := strings.TrimSpace(strings.SplitN(opts, ",", 2)[0])
			switch {
			case tagged && kind == "param":
				fd.kind = paramField
				b.param(fd, fl, tag)
			case tagged && kind == "config":
				fd.kind = configField
				b.config(fd, fl, tag)
			case tagged:
				b.l.diags.Add(b.l.pos(fl.Tag.Pos()), diag.BadTag,
					"flow tag %q: the first word must be param or config%s", opts, didYouMean(kind, []string{"param", "config"}))
				fallthrough
			default:
				b.l.checkStorable(fl.Type, id.Name, false)
				f.Artifacts = append(f.Artifacts, ir.Artifact{Field: id.Name, GoType: exprString(fl.Type), Pos: b.l.irPos(id.Pos())})
			}
		}
	}
	b.checkParamNames()
}

// tagOptions splits "param,name=x,required" into a map, reporting unknown
// options with a suggestion.
func (b *flowBuilder) tagOptions(fl *ast.Field, opts string, known []string) map[string]string {
	out := map[string]string{}
	parts := strings.Split(opts, ",")
	for i := 1; i < len(parts); i++ {
		p := strings.TrimSpace(parts[i])
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		// A separator of "," splits the tag itself: "separator=,".
		if k == "separator" && v == "" && i+1 < len(parts) && parts[i+1] == "" {
			v = ","
			i++
		}
		if !contains(known[1:], k) {
			b.l.diags.Add(b.l.pos(fl.Tag.Pos()), diag.BadTag, "flow tag option %q is not one of %s%s",
				k, strings.Join(known[1:], ", "), didYouMean(k, known[1:]))
			continue
		}
		out[k] = v
	}
	return out
}

// param builds a parameter from a tagged field.
func (b *flowBuilder) param(fd *field, fl *ast.Field, tag reflect.StructTag) {
	opts := b.tagOptions(fl, tag.Get("flow"), paramOptions)
	p := ir.Param{
		Name:   kebab(fd.name),
		Field:  fd.name,
		GoType: exprString(fl.Type),
		Help:   tag.Get("help"),
		Pos:    b.l.irPos(fd.ident.Pos()),
	}
	pos := b.l.pos(fd.ident.Pos())
	if n, ok := opts["name"]; ok {
		p.Name = n
		if !validParamName(n) {
			b.l.diags.Add(pos, diag.ParamName, "parameter name %q must be lower case letters, digits and dashes, starting with a letter", n)
		}
	}
	_, p.Required = opts["required"]
	p.Type = b.l.paramType(b.file, fl.Type)
	if sep, ok := opts["separator"]; ok {
		if p.Type != ir.Strings {
			b.l.diags.Add(pos, diag.ParamOption, "separator= applies to []string parameters, not %s", p.GoType)
		} else if sep == "" {
			b.l.diags.Add(pos, diag.ParamOption, "separator= is empty")
		}
		p.Separator = sep
	} else if p.Type == ir.Strings {
		p.Separator = ","
	}
	if p.Type == ir.JSON {
		b.l.checkStorable(fl.Type, fd.name, true)
	}
	if def, ok := tag.Lookup("default"); ok && p.Type == ir.File {
		if p.Required {
			b.l.diags.Add(pos, diag.ParamOption, "parameter %s is required and has a default; drop one of them", p.Name)
		}
		p.Default = b.l.includedDefault(b.l.pos(fl.Tag.Pos()), p.Name, def)
	} else if ok {
		if p.Required {
			b.l.diags.Add(pos, diag.ParamOption, "parameter %s is required and has a default; drop one of them", p.Name)
		}
		v, err := ir.ParseValue(p.Type, p.Separator, def)
		if err != nil {
			b.l.diags.Add(b.l.pos(fl.Tag.Pos()), diag.ParamDefault, "default of parameter %s: %v", p.Name, err)
		} else {
			p.Default = v
		}
	}
	fd.param = &p
	b.flow.Params = append(b.flow.Params, p)
}

// checkParamNames reports parameters whose names collide with each other
// (case-insensitively, as Metaflow does), with a config, or with flowc's own
// flags.
func (b *flowBuilder) checkParamNames() {
	seen := map[string]string{}
	for _, c := range b.flow.Configs {
		seen[strings.ToLower(c.Name)] = "config " + c.Field
	}
	for _, p := range b.flow.Params {
		pos := b.l.pos(b.fields[p.Field].ident.Pos())
		low := strings.ToLower(p.Name)
		if contains(ReservedFlags, low) {
			b.l.diags.Add(pos, diag.ParamReserved, "parameter name %q is a flowc flag (--%s); rename it with flow:\"param,name=...\"", p.Name, low)
		}
		if other, ok := seen[low]; ok {
			b.l.diags.Add(pos, diag.ParamDuplicate, "parameter name %q is already used by %s", p.Name, other)
			continue
		}
		seen[low] = "parameter " + p.Field
	}
}

// paramType classifies a parameter's Go type, through any alias: the
// predeclared string, int, int64, float64 and bool, time.Duration and
// []string have their own command-line syntax; anything else (a defined
// type such as type Mode string included) is JSON.
func (l *loader) paramType(f *file, t ast.Expr) ir.Type {
	tt := l.typeOf(t)
	if tt == nil {
		return l.paramTypeAsWritten(f, t)
	}
	tt = types.Unalias(tt)
	switch tt {
	case types.Typ[types.String]:
		return ir.String
	case types.Typ[types.Int]:
		return ir.Int
	case types.Typ[types.Int64]:
		return ir.Int64
	case types.Typ[types.Float64]:
		return ir.Float64
	case types.Typ[types.Bool]:
		return ir.Bool
	}
	switch x := tt.(type) {
	case *types.Named:
		if o := x.Obj(); o.Pkg() != nil && o.Pkg().Path() == "time" && o.Name() == "Duration" {
			return ir.Duration
		}
		if inc, ok := l.flowObj("IncludedFile").(*types.TypeName); ok && isFlowNamed(x, inc) {
			return ir.File
		}
	case *types.Slice:
		if types.Unalias(x.Elem()) == types.Typ[types.String] {
			return ir.Strings
		}
	}
	return ir.JSON
}

// paramTypeAsWritten is paramType for a type go/types could not tell.
func (l *loader) paramTypeAsWritten(f *file, t ast.Expr) ir.Type {
	switch e := t.(type) {
	case *ast.Ident:
		switch e.Name {
		case "string":
			return ir.String
		case "int":
			return ir.Int
		case "int64":
			return ir.Int64
		case "float64":
			return ir.Float64
		case "bool":
			return ir.Bool
		}
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && f.timePkg != "" && x.Name == f.timePkg && e.Sel.Name == "Duration" {
			return ir.Duration
		}
	case *ast.ArrayType:
		if id, ok := e.Elt.(*ast.Ident); ok && e.Len == nil && id.Name == "string" {
			return ir.Strings
		}
	}
	return ir.JSON
}

// kebab turns a Go field name into a flag name: TestSize → test-size,
// URLPath → url-path.
func kebab(name string) string {
	var b strings.Builder
	rs := []rune(name)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			prevLower := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
			nextLower := i > 0 && i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])
			if prevLower || nextLower {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		} else if r == '_' {
			r = '-'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// validParamName reports whether n can be a flag name.
func validParamName(n string) bool {
	if n == "" || n[0] < 'a' || n[0] > 'z' {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
