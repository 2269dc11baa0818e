package parser

import (
	"fmt"
	"go/ast"
	"strconv"
	"strings"
)

// DirectivePrefix starts every directive comment.
const DirectivePrefix = "//flow:"

// Directive is one parsed //flow: line: a name and its attributes.
// Offsets count bytes from the start of the comment, "//flow:".
type Directive struct {
	Name    string
	NameOff int
	Attrs   []Attr
}

// Attr is one key=value attribute of a directive, or one entry of a map.
type Attr struct {
	Key    string
	KeyOff int
	Value  Value
}

// ValueKind is the syntactic kind of an attribute value.
type ValueKind int

// The value kinds.
const (
	Bare   ValueKind = iota + 1 // an unquoted word or number: 3, true, forest, ${cfg.a}
	Quoted                      // a double-quoted Go string
	List                        // [a, b]
	Map                         // {k=v, k2=v2}
)

// Value is an attribute value as written.
type Value struct {
	Kind ValueKind
	Text string  // Bare: the word; Quoted: the unquoted string
	List []Value // List elements
	Map  []Attr  // Map entries
	Off  int
}

// DirectiveError is a syntax error at a byte offset of a directive line.
type DirectiveError struct {
	Off int
	Msg string
}

func (e *DirectiveError) Error() string { return fmt.Sprintf("offset %d: %s", e.Off, e.Msg) }

// ParseDirective parses a comment line "//flow:NAME key=value ...". A
// trailing "// comment" outside quotes is ignored.
func ParseDirective(line string) (*Directive, error) {
	if !strings.HasPrefix(line, DirectivePrefix) {
		return nil, &DirectiveError{0, "a directive starts with //flow:"}
	}
	p := &dirParser{s: line, i: len(DirectivePrefix)}
	d := &Directive{NameOff: p.i}
	d.Name = p.word()
	if d.Name == "" {
		return nil, p.errorf("a directive name follows //flow:, such as //flow:retry")
	}
	for {
		p.space()
		if p.done() {
			return d, nil
		}
		if !isSpace(p.s[p.i-1]) {
			return nil, p.errorf("unexpected %q; separate attributes with spaces", p.s[p.i])
		}
		a, err := p.attrIn(0)
		if err != nil {
			return nil, err
		}
		d.Attrs = append(d.Attrs, a)
	}
}

type dirParser struct {
	s string
	i int
}

func (p *dirParser) errorf(format string, args ...any) error {
	return &DirectiveError{p.i, fmt.Sprintf(format, args...)}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// done reports the end of the line or the start of a trailing comment.
func (p *dirParser) done() bool {
	return p.i >= len(p.s) || strings.HasPrefix(p.s[p.i:], "//")
}

func (p *dirParser) space() {
	for p.i < len(p.s) && (isSpace(p.s[p.i]) || p.s[p.i] == '\r') {
		p.i++
	}
}

// word reads a name: letters, digits, '_', '-' and '.'.
func (p *dirParser) word() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i]
}

// value reads one value; depth bounds nesting.
func (p *dirParser) value(depth int) (Value, error) {
	if depth > 8 {
		return Value{}, p.errorf("values nest too deeply")
	}
	if p.done() { // the end of the line, or a trailing comment
		return Value{}, p.errorf("missing value")
	}
	switch p.s[p.i] {
	case '"':
		return p.quoted()
	case '[':
		return p.list(depth)
	case '{':
		return p.mapValue(depth)
	}
	return p.bare()
}

// quoted reads a Go double-quoted string.
func (p *dirParser) quoted() (Value, error) {
	start := p.i
	p.i++
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case '\\':
			p.i += 2
			continue
		case '"':
			p.i++
			text, err := strconv.Unquote(p.s[start:p.i])
			if err != nil {
				return Value{}, &DirectiveError{start, "invalid quoted string " + p.s[start:p.i]}
			}
			return Value{Kind: Quoted, Text: text, Off: start}, nil
		}
		p.i++
	}
	return Value{}, &DirectiveError{start, "unterminated quoted string"}
}

// bare reads an unquoted word; ${...} references may hold any character but
// a closing brace.
func (p *dirParser) bare() (Value, error) {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if strings.HasPrefix(p.s[p.i:], "${") {
			end := strings.IndexByte(p.s[p.i:], '}')
			if end < 0 {
				return Value{}, p.errorf("unterminated ${...} reference")
			}
			p.i += end + 1
			continue
		}
		if isSpace(c) || c == ',' || c == ']' || c == '}' || c == '[' || c == '{' || c == '"' || c == '=' || c == '\r' {
			break
		}
		p.i++
	}
	if p.i == start {
		return Value{}, p.errorf("unexpected %q where a value belongs", p.s[p.i])
	}
	return Value{Kind: Bare, Text: p.s[start:p.i], Off: start}, nil
}

// list reads [v, v, ...].
func (p *dirParser) list(depth int) (Value, error) {
	v := Value{Kind: List, Off: p.i, List: []Value{}}
	p.i++
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return v, nil
	}
	for {
		p.space()
		e, err := p.value(depth + 1)
		if err != nil {
			return v, err
		}
		v.List = append(v.List, e)
		p.space()
		if p.done() {
			return v, &DirectiveError{v.Off, "unterminated list: missing ]"}
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return v, nil
		default:
			return v, p.errorf("expected , or ] in list, found %q", p.s[p.i])
		}
	}
}

// mapValue reads {k=v, k=v}.
func (p *dirParser) mapValue(depth int) (Value, error) {
	v := Value{Kind: Map, Off: p.i, Map: []Attr{}}
	p.i++
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return v, nil
	}
	for {
		p.space()
		if p.done() {
			return v, &DirectiveError{v.Off, "unterminated map: missing }"}
		}
		a, err := p.attrIn(depth + 1)
		if err != nil {
			return v, err
		}
		v.Map = append(v.Map, a)
		p.space()
		if p.done() {
			return v, &DirectiveError{v.Off, "unterminated map: missing }"}
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return v, nil
		default:
			return v, p.errorf("expected , or } in map, found %q", p.s[p.i])
		}
	}
}

// attrIn reads key=value: a directive's attribute or a map entry, whose
// value may nest.
func (p *dirParser) attrIn(depth int) (Attr, error) {
	a := Attr{KeyOff: p.i}
	if p.i < len(p.s) && p.s[p.i] == '"' {
		k, err := p.quoted()
		if err != nil {
			return a, err
		}
		a.Key = k.Text
	} else {
		a.Key = p.word()
	}
	if a.Key == "" {
		if p.i < len(p.s) {
			return a, p.errorf("expected a name before =, found %q", p.s[p.i])
		}
		return a, p.errorf("expected a name")
	}
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '=' {
		return a, p.errorf("%s needs a value: %s=value", a.Key, a.Key)
	}
	p.i++
	p.space()
	v, err := p.value(depth)
	a.Value = v
	return a, err
}

// directiveLines returns the //flow: comments of a comment group.
func directiveLines(cg *ast.CommentGroup) []*ast.Comment {
	if cg == nil {
		return nil
	}
	var out []*ast.Comment
	for _, c := range cg.List {
		if strings.HasPrefix(c.Text, DirectivePrefix) {
			out = append(out, c)
		}
	}
	return out
}
