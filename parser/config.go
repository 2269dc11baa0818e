package parser

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// config builds a config from a tagged field and reads its TOML file.
func (b *flowBuilder) config(fd *field, fl *ast.Field, tag reflect.StructTag) {
	opts := b.tagOptions(fl, tag.Get("flow"), configOptions)
	c := ir.Config{
		Name:   kebab(fd.name),
		Field:  fd.name,
		GoType: exprString(fl.Type),
		Help:   tag.Get("help"),
		Pos:    b.l.irPos(fd.ident.Pos()),
		Value:  map[string]any{},
	}
	pos := b.l.pos(fd.ident.Pos())
	if n, ok := opts["name"]; ok {
		c.Name = n
		if !validParamName(n) && !validEnvName(n) {
			b.l.diags.Add(pos, diag.ParamName, "config name %q must be letters, digits, - and _, starting with a letter", n)
		}
	}
	typ := b.l.underlying(fl.Type)
	switch t := typ.(type) {
	case *ast.StructType:
	case *ast.MapType:
		if id, ok := t.Key.(*ast.Ident); !ok || id.Name != "string" {
			b.l.diags.Add(b.l.pos(fl.Type.Pos()), diag.ConfigType, "config %s: a map config needs string keys, not %s", c.Name, exprString(t.Key))
		}
	default:
		b.l.diags.Add(b.l.pos(fl.Type.Pos()), diag.ConfigType,
			"config %s has type %s; a config is a struct (or map[string]any) filled from TOML", c.Name, exprString(fl.Type))
		typ = nil
	}
	if inline, ok := b.l.opts.ConfigValues[c.Name]; ok {
		b.inlineConfig(&c, inline, fl.Type, typ != nil)
		b.addConfig(fd, c)
		return
	}
	path, fromFlag := b.l.opts.Configs[c.Name]
	if fromFlag {
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
	} else if def, ok := tag.Lookup("default"); ok {
		path = filepath.Join(b.l.dir, def)
	} else {
		b.l.diags.Add(pos, diag.ConfigFile, "config %s has no file: add default:\"%s.toml\" to the field, or pass --config %s=PATH", c.Name, c.Name, c.Name)
		b.configFailed(c.Name)
		b.addConfig(fd, c)
		return
	}
	c.File = path
	if rel, err := filepath.Rel(b.l.dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		c.File = filepath.ToSlash(rel)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		where := b.l.pos(fl.Tag.Pos())
		if fromFlag {
			where = pos
		}
		b.l.diags.Add(where, diag.ConfigFile, "config %s: read %s: %v", c.Name, c.File, errors.Unwrap(err))
		b.configFailed(c.Name)
		b.addConfig(fd, c)
		return
	}
	var v map[string]any
	if _, err := toml.Decode(string(src), &v); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			b.l.diags.Add(diag.Pos{File: path, Line: pe.Position.Line, Col: pe.Position.Col}, diag.ConfigSyntax, "config %s: %s", c.Name, pe.Message)
		} else {
			b.l.diags.Add(diag.Pos{File: path}, diag.ConfigSyntax, "config %s: %v", c.Name, err)
		}
		b.configFailed(c.Name)
		b.addConfig(fd, c)
		return
	}
	c.Value = v
	if typ != nil {
		b.l.configShape(c.Name, string(src), path, fl.Type, v, nil) // named as declared in messages
	}
	b.addConfig(fd, c)
}

// configFailed records that config name could not be loaded.
func (b *flowBuilder) configFailed(name string) {
	if b.failed == nil {
		b.failed = map[string]bool{}
	}
	b.failed[name] = true
}

func (b *flowBuilder) addConfig(fd *field, c ir.Config) {
	b.flow.Configs = append(b.flow.Configs, c)
	b.configs[c.Name] = &b.flow.Configs[len(b.flow.Configs)-1]
	if len(b.flow.Configs) > 1 { // the slice may have moved: rebuild the index
		for i := range b.flow.Configs {
			b.configs[b.flow.Configs[i].Name] = &b.flow.Configs[i]
		}
	}
}

// configShape checks a TOML table against the Go type it fills: every key
// must have a field, and scalar kinds must agree.
func (l *loader) configShape(name, src, path string, t ast.Expr, v map[string]any, keyPath []string) {
	st, ok := l.underlying(t).(*ast.StructType)
	if !ok {
		return // a map, or a type of another package: anything goes
	}
	fields := map[string]ast.Expr{}
	var names []string
	for _, fl := range st.Fields.List {
		for _, id := range fl.Names {
			if !id.IsExported() {
				continue
			}
			key := id.Name
			if fl.Tag != nil {
				if s, err := strconv.Unquote(fl.Tag.Value); err == nil {
					if tk := strings.Split(reflect.StructTag(s).Get("toml"), ",")[0]; tk == "-" {
						continue
					} else if tk != "" {
						key = tk
					}
				}
			}
			fields[strings.ToLower(key)] = fl.Type
			names = append(names, key)
		}
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kp := append(append([]string(nil), keyPath...), k)
		ft, ok := fields[strings.ToLower(k)]
		pos := diag.Pos{File: path, Line: keyLine(src, kp)}
		if !ok {
			l.diags.Add(pos, diag.ConfigShape, "config %s: key %s has no field in %s%s",
				name, strings.Join(kp, "."), exprString(t), didYouMean(k, names))
			continue
		}
		if want, got := l.tomlKind(ft), tomlKindOf(v[k]); want != "" && got != want {
			l.diags.Add(pos, diag.ConfigShape, "config %s: key %s is a TOML %s, but its field has type %s",
				name, strings.Join(kp, "."), got, exprString(ft))
			continue
		}
		if sub, ok := v[k].(map[string]any); ok {
			l.configShape(name, src, path, ft, sub, kp)
		}
	}
}

// tomlKind is the TOML kind a Go field type takes, or "" when it cannot be
// told from the syntax.
func (l *loader) tomlKind(t ast.Expr) string {
	switch e := l.underlying(t).(type) {
	case *ast.Ident:
		switch e.Name {
		case "string":
			return "string"
		case "bool":
			return "boolean"
		case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
			return "integer"
		case "float32", "float64":
			return "number"
		}
	case *ast.StructType, *ast.MapType:
		return "table"
	case *ast.ArrayType:
		return "array"
	}
	return ""
}

func tomlKindOf(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64:
		return "integer"
	case float64:
		return "number"
	case map[string]any:
		return "table"
	case []any, []map[string]any:
		return "array"
	}
	return ""
}

// keyLine finds the line of a dotted key in a TOML source: the line that
// sets its last part under the table that holds it. 0 when not found.
func keyLine(src string, keyPath []string) int {
	table := ""
	want := strings.Join(keyPath[:len(keyPath)-1], ".")
	last := keyPath[len(keyPath)-1]
	for i, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			table = strings.Trim(strings.TrimSpace(strings.Trim(t, "[]")), `"`)
			if table == strings.Join(keyPath, ".") {
				return i + 1
			}
			continue
		}
		k, _, ok := strings.Cut(t, "=")
		if ok && table == want && strings.Trim(strings.TrimSpace(k), `"`) == last {
			return i + 1
		}
	}
	return 0
}

// resolveRefs replaces ${config.a.b} references in a value with the config
// values they name: a value that is one whole reference takes the value's
// own kind (a number stays a number, a table becomes a map); a reference
// inside a longer string is written out as text.
func (b *flowBuilder) resolveRefs(r *resolver, v Value) Value {
	switch v.Kind {
	case List:
		out := v
		out.List = make([]Value, len(v.List))
		for i, e := range v.List {
			out.List[i] = b.resolveRefs(r, e)
		}
		return out
	case Map:
		out := v
		out.Map = make([]Attr, len(v.Map))
		for i, e := range v.Map {
			e.Value = b.resolveRefs(r, e.Value)
			out.Map[i] = e
		}
		return out
	}
	if !strings.Contains(v.Text, "${") {
		return v
	}
	if v.Kind == Bare && strings.HasPrefix(v.Text, "${") && strings.Index(v.Text, "}") == len(v.Text)-1 {
		x, ok := b.lookupRef(r, v, v.Text[2:len(v.Text)-1])
		if !ok {
			r.refFailed = true
			return v
		}
		return toValue(x, v.Off)
	}
	var out strings.Builder
	s := v.Text
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			out.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			r.add(r.offPos(v.Off), diag.DirectiveSyntax, "unterminated ${...} reference")
			r.refFailed = true
			return v
		}
		out.WriteString(s[:i])
		x, ok := b.lookupRef(r, v, s[i+2:i+j])
		if !ok {
			r.refFailed = true
			return v
		}
		if v := toValue(x, 0); v.Kind == Quoted {
			out.WriteString(v.Text)
		} else {
			out.WriteString(show(v))
		}
		s = s[i+j+1:]
	}
	v.Text = out.String()
	return v
}

// lookupRef finds config.a.b in the flow's configs.
func (b *flowBuilder) lookupRef(r *resolver, v Value, ref string) (any, bool) {
	parts := strings.Split(strings.TrimSpace(ref), ".")
	c, ok := b.configs[parts[0]]
	if !ok {
		r.add(r.offPos(v.Off), diag.ConfigRef, "${%s}: the flow has no config %s%s", ref, parts[0], didYouMean(parts[0], sortedKeys(b.configs)))
		return nil, false
	}
	if b.failed[c.Name] {
		return nil, false // the config itself failed to load, already reported
	}
	if len(parts) == 1 {
		return c.Value, true
	}
	var cur any = c.Value
	for i, p := range parts[1:] {
		m, ok := cur.(map[string]any)
		if !ok {
			r.add(r.offPos(v.Off), diag.ConfigRef, "${%s}: %s is not a table", ref, strings.Join(parts[:i+1], "."))
			return nil, false
		}
		cur, ok = m[p]
		if !ok {
			r.add(r.offPos(v.Off), diag.ConfigRef, "${%s}: config %s has no key %s%s", ref, parts[0],
				strings.Join(parts[1:i+2], "."), didYouMeanKey(p, m))
			return nil, false
		}
	}
	return cur, true
}

// toValue turns a TOML value into a directive value.
func toValue(x any, off int) Value {
	switch x := x.(type) {
	case string:
		return Value{Kind: Quoted, Text: x, Off: off}
	case map[string]any:
		v := Value{Kind: Map, Off: off, Map: []Attr{}}
		for _, k := range sortedKeys(x) {
			v.Map = append(v.Map, Attr{Key: k, KeyOff: off, Value: toValue(x[k], off)})
		}
		return v
	case []any:
		v := Value{Kind: List, Off: off, List: []Value{}}
		for _, e := range x {
			v.List = append(v.List, toValue(e, off))
		}
		return v
	case []map[string]any:
		v := Value{Kind: List, Off: off, List: []Value{}}
		for _, e := range x {
			v.List = append(v.List, toValue(e, off))
		}
		return v
	}
	return Value{Kind: Bare, Text: fmt.Sprint(x), Off: off}
}

// ConfigValuePrefix starts the position of a diagnostic about a
// --config-value flag: "--config-value NAME".
const ConfigValuePrefix = "--config-value "

// inlineConfig fills c from --config-value NAME JSON: a JSON object,
// checked against the config's type as a TOML file is. JSON integers
// become TOML integers, other numbers TOML floats.
func (b *flowBuilder) inlineConfig(c *ir.Config, value string, t ast.Expr, shaped bool) {
	flag := ConfigValuePrefix + c.Name
	dec := json.NewDecoder(strings.NewReader(value))
	dec.UseNumber()
	var raw any
	err := dec.Decode(&raw)
	if err == nil && dec.More() {
		err = errors.New("more than one JSON value")
	}
	obj, isObj := raw.(map[string]any)
	switch {
	case err != nil:
		b.l.diags.Add(diag.Pos{File: flag}, diag.ConfigSyntax, "config %s: %s is not valid JSON: %v", c.Name, shorten(value), err)
	case !isObj:
		b.l.diags.Add(diag.Pos{File: flag}, diag.ConfigSyntax, "config %s: want a JSON object such as {\"key\": 1}, got %s", c.Name, shorten(value))
	}
	if err != nil || !isObj {
		b.configFailed(c.Name)
		return
	}
	c.Value = fromJSON(obj).(map[string]any)
	if shaped {
		b.l.configShape(c.Name, "", flag, t, c.Value, nil)
	}
}

// fromJSON turns decoded JSON into the values a TOML decode gives.
func fromJSON(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = fromJSON(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = fromJSON(e)
		}
		return x
	}
	return v
}
