package parser

import (
	"fmt"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// WithPrefix starts the position of a diagnostic about a --with flag: its
// file is "--with SPEC", so the message names the flag as the user wrote it.
const WithPrefix = "--with "

// ParseWith reads a --with flag, NAME[:attr=value,...], as the directive
// //flow:NAME attr=value ... . Values are written as in a directive; the
// commas between attributes may not stand inside a quoted string, a list
// or a map, where they belong to the value.
func ParseWith(spec string) (*Directive, error) {
	name, rest, hasAttrs := strings.Cut(spec, ":")
	if name == "" || strings.TrimLeft(name, "abcdefghijklmnopqrstuvwxyz_") != "" {
		return nil, fmt.Errorf("want DIRECTIVE[:attr=value,...], such as retry:times=3")
	}
	line := DirectivePrefix + name
	if hasAttrs {
		attrs, err := splitAttrs(rest)
		if err != nil {
			return nil, err
		}
		line += " " + strings.Join(attrs, " ")
	}
	d, err := ParseDirective(line)
	if err != nil {
		return nil, fmt.Errorf("%s", err.(*DirectiveError).Msg)
	}
	return d, nil
}

// splitAttrs splits attr=value,attr=value at the commas outside quotes,
// brackets and braces.
func splitAttrs(s string) ([]string, error) {
	var out []string
	depth, start, quoted := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	out = append(out, s[start:])
	for _, a := range out {
		if strings.TrimSpace(a) == "" || strings.ContainsAny(a, " \t") && !strings.ContainsAny(a, `"[{`) {
			return nil, fmt.Errorf("want attr=value pairs separated by commas, got %q", s)
		}
	}
	return out, nil
}

// withDirectives adds each --with directive to every step that has no
// directive of its kind, as if written above it (Metaflow's --with: the
// source wins). kubernetes and batch are one kind, the compute platform;
// catch is not added to the foreach and conditional steps it cannot apply
// to. A --with is checked once, whatever the steps it reaches.
func (b *flowBuilder) withDirectives() {
	for _, flag := range b.l.opts.With {
		b.withDirective(flag)
	}
}

func (b *flowBuilder) withDirective(flag string) {
	pos := diag.Pos{File: WithPrefix + flag}
	d, err := ParseWith(flag)
	if err != nil {
		b.l.diags.Add(pos, diag.WithFlag, "%v", err)
		return
	}
	spec, ok := directives[d.Name]
	switch {
	case !ok:
		b.l.diags.Add(pos, diag.UnknownDirective, "unknown directive %s%s", d.Name, didYouMean(d.Name, directiveNames))
		return
	case spec.flow:
		b.l.diags.Add(pos, diag.WithFlag, "%s is a flow directive: --with adds step directives; write it above the flow's type", d.Name)
		return
	}
	resolve := func() *resolver {
		r := &resolver{b: b, dir: d, vals: map[string]Attr{}, dpos: pos, irPos: ir.Pos{File: pos.File}}
		b.readAttrs(r, spec)
		return r
	}
	n := len(b.l.diags)
	r := resolve()
	var scratch ir.StepDecorators
	spec.step(r, &scratch)
	if scratch.Catch != nil {
		b.checkCatchVar(r, scratch.Catch.Var)
	}
	if r.bad || len(b.l.diags) > n {
		return
	}
	for _, st := range b.flow.Steps {
		if hasDirectiveKind(st, d.Name) || d.Name == "catch" && (st.Kind == ir.KindForeach || st.Kind == ir.KindConditional) {
			continue
		}
		r := resolve()
		spec.step(r, &st.Decorators)
		st.Decorators.Directives = append(st.Decorators.Directives, r.written())
	}
}

// hasDirectiveKind reports whether the step has a directive of name's
// kind; kubernetes and batch are one kind.
func hasDirectiveKind(st *ir.Step, name string) bool {
	compute := name == "kubernetes" || name == "batch"
	for _, d := range st.Decorators.Directives {
		if d.Name == name || compute && (d.Name == "kubernetes" || d.Name == "batch") {
			return true
		}
	}
	return false
}
