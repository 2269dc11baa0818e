package parser_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/parser"
)

// directiveSeeds are directive lines of every form: each directive with its
// attributes, lists, maps, quoted strings with escapes, ${cfg.a.b}
// references, trailing comments, and malformed lines.
var directiveSeeds = []string{
	"//flow:retry",
	"//flow:retry times=3 minutes_between_retries=2",
	"//flow:catch var=Failure print_exception=false",
	"//flow:timeout seconds=600",
	"//flow:timeout hours=1 minutes=30 seconds=5",
	"//flow:resources cpu=2 gpu=1 memory=4096 disk=10240 shared_memory=64",
	"//flow:resources cpu=0.5",
	`//flow:environment vars={FOO=bar, GREETING="hello, world", EMPTY=""}`,
	"//flow:secrets sources=[db-password, api-key] role=reader allow_override=true",
	`//flow:card type=blank id=summary options={title="Run \"summary\""} timeout=60`,
	`//flow:kubernetes cpu=4 memory=8192 image="python:3.12" node_selector={"kubernetes.io/arch"=amd64} tolerations=[{key=gpu, operator=Exists, effect=NoSchedule}]`,
	"//flow:batch cpu=2 queue=default efs_volumes=[fs-1, fs-2] log_options=[a, b]",
	`//flow:schedule cron="0 2 * * *" timezone=Europe/Amsterdam`,
	"//flow:schedule daily=true",
	"//flow:project name=fraud branch=test",
	"//flow:trigger event=data_ready",
	"//flow:trigger events=[a, {name=b, parameters={alpha=Alpha}}] options={x=y}",
	"//flow:trigger_on_finish flows=[Upstream, Other]",
	"//flow:resources cpu=${cfg.resources.cpu} memory=${cfg.resources.memory}",
	`//flow:schedule cron="${cfg.schedule.cron}" timezone=${cfg.schedule.timezone}`,
	"//flow:environment vars={PATH=${cfg.env.path}/bin, X=${ cfg.a }}",
	"//flow:retry times=3 // three tries, then fail",
	"//flow:retry times=3 //",
	"//flow:retry // nothing else",
	`//flow:card options={"quoted key"="quoted value", k=[1, [2, [3]]], m={n={o=p}}}`,
	`//flow:environment vars={A="tab\there", B="nl\n", C="quote\"", D="\u00e9\x41\101"}`,
	"//flow:retry\ttimes=3\tminutes_between_retries=0\r",
	"//flow:kubernetes image=registry.example.com:5000/team/img:v1.2-3_4 port=8080",
	"//flow:secrets sources=[]",
	"//flow:card options={}",
	"//flow:x a=[[[[[[[[[[1]]]]]]]]]]",
	"//flow:x a={b={c={d={e={f={g={h={i={j=1}}}}}}}}}",
	// Malformed.
	"//flow:",
	"//flow: retry",
	"//flow:retry times",
	"//flow:retry times=",
	"//flow:retry =3",
	"//flow:retry times==3",
	"//flow:retry times=3,minutes=2",
	"//flow:retry times=3minutes=2",
	`//flow:retry times="3`,
	`//flow:retry times="\q"`,
	`//flow:retry times="\`,
	"//flow:secrets sources=[a, b",
	"//flow:secrets sources=[a b]",
	"//flow:secrets sources=[a,,b]",
	"//flow:environment vars={A=1",
	"//flow:environment vars={A}",
	"//flow:environment vars={=1}",
	"//flow:resources cpu=${cfg.a",
	"//flow:resources cpu=${",
	"//flow:retry times=]",
	"//flow:retry times=}",
	`//flow:retry "times"=3`,
	`//flow:retry ""=3`,
	"flow:retry times=3",
	"// flow:retry times=3",
	"//flow:retry times=3 extra",
	"//flow:retry times=\x00",
	"//flow:retry times=\xff\xfe",
	"//flow:retry times=3\n//flow:catch",
}

// FuzzParseDirective checks that ParseDirective never panics, that every
// offset it returns lies within the line, and that a parsed directive,
// printed back, parses to the same directive.
func FuzzParseDirective(f *testing.F) {
	for _, s := range directiveSeeds {
		f.Add(s)
	}
	for _, s := range exampleDirectives(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		d, err := parser.ParseDirective(line)
		if err != nil {
			if d != nil {
				t.Fatalf("ParseDirective(%q) returned a directive and an error", line)
			}
			var de *parser.DirectiveError
			if !errors.As(err, &de) {
				t.Fatalf("ParseDirective(%q): error %T, want *DirectiveError", line, err)
			}
			if de.Off < 0 || de.Off > len(line) {
				t.Fatalf("ParseDirective(%q): error offset %d outside the line (length %d)", line, de.Off, len(line))
			}
			if de.Msg == "" {
				t.Fatalf("ParseDirective(%q): error without a message", line)
			}
			return
		}
		checkOffsets(t, line, d)
		again, err := parser.ParseDirective(line)
		if err != nil || !reflect.DeepEqual(d, again) {
			t.Fatalf("ParseDirective(%q) is not deterministic: %+v then %+v, %v", line, d, again, err)
		}
		printed := formatDirective(d)
		re, err := parser.ParseDirective(printed)
		if err != nil {
			t.Fatalf("ParseDirective(%q) = %+v, printed as %q, which does not parse: %v", line, d, printed, err)
		}
		if a, b := stripOffsets(d), stripOffsets(re); !reflect.DeepEqual(a, b) {
			t.Fatalf("ParseDirective(%q) = %+v\nprinted as %q parses to %+v", line, a, printed, b)
		}
	})
}

// exampleDirectives returns every //flow: line of the repository's examples.
func exampleDirectives(f *testing.F) []string {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("..", "examples", "*", "*.go"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no example sources: %v", err)
	}
	var out []string
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range strings.Split(string(src), "\n") {
			if line = strings.TrimSpace(line); strings.HasPrefix(line, parser.DirectivePrefix) {
				out = append(out, line)
			}
		}
	}
	return out
}

// checkOffsets checks that every offset of d points into line at what it
// names.
func checkOffsets(t *testing.T, line string, d *parser.Directive) {
	t.Helper()
	if d.NameOff < 0 || !strings.HasPrefix(line[d.NameOff:], d.Name) {
		t.Fatalf("ParseDirective(%q): name %q not at offset %d", line, d.Name, d.NameOff)
	}
	var attr func(a parser.Attr)
	var value func(v parser.Value)
	attr = func(a parser.Attr) {
		if a.KeyOff < 0 || a.KeyOff >= len(line) {
			t.Fatalf("ParseDirective(%q): key %q at offset %d, outside the line", line, a.Key, a.KeyOff)
		}
		if line[a.KeyOff] != '"' && !strings.HasPrefix(line[a.KeyOff:], a.Key) {
			t.Fatalf("ParseDirective(%q): key %q not at offset %d", line, a.Key, a.KeyOff)
		}
		value(a.Value)
	}
	value = func(v parser.Value) {
		if v.Off < 0 || v.Off >= len(line) {
			t.Fatalf("ParseDirective(%q): value %+v at offset %d, outside the line", line, v, v.Off)
		}
		want := map[parser.ValueKind]byte{parser.Quoted: '"', parser.List: '[', parser.Map: '{'}[v.Kind]
		switch {
		case v.Kind == parser.Bare && !strings.HasPrefix(line[v.Off:], v.Text):
			t.Fatalf("ParseDirective(%q): bare value %q not at offset %d", line, v.Text, v.Off)
		case v.Kind != parser.Bare && line[v.Off] != want:
			t.Fatalf("ParseDirective(%q): value of kind %d at offset %d starts with %q", line, v.Kind, v.Off, line[v.Off])
		}
		for _, e := range v.List {
			value(e)
		}
		for _, a := range v.Map {
			attr(a)
		}
	}
	for _, a := range d.Attrs {
		attr(a)
	}
}

// formatDirective prints d back as a directive line, in the canonical form:
// one space between attributes, ", " in lists and maps, strings quoted by
// strconv.Quote.
func formatDirective(d *parser.Directive) string {
	var b strings.Builder
	b.WriteString(parser.DirectivePrefix + d.Name)
	for _, a := range d.Attrs {
		b.WriteByte(' ')
		formatAttr(&b, a)
	}
	return b.String()
}

func formatAttr(b *strings.Builder, a parser.Attr) {
	if isWord(a.Key) {
		b.WriteString(a.Key)
	} else {
		b.WriteString(strconv.Quote(a.Key))
	}
	b.WriteByte('=')
	formatValue(b, a.Value)
}

func formatValue(b *strings.Builder, v parser.Value) {
	switch v.Kind {
	case parser.Quoted:
		b.WriteString(strconv.Quote(v.Text))
	case parser.List:
		b.WriteByte('[')
		for i, e := range v.List {
			if i > 0 {
				b.WriteString(", ")
			}
			formatValue(b, e)
		}
		b.WriteByte(']')
	case parser.Map:
		b.WriteByte('{')
		for i, a := range v.Map {
			if i > 0 {
				b.WriteString(", ")
			}
			formatAttr(b, a)
		}
		b.WriteByte('}')
	default:
		b.WriteString(v.Text)
	}
}

// isWord reports whether s can be written as a bare key.
func isWord(s string) bool {
	for _, c := range []byte(s) {
		if !(c == '_' || c == '-' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// stripOffsets returns a copy of d without offsets, for comparing the
// structure of two parses.
func stripOffsets(d *parser.Directive) *parser.Directive {
	out := &parser.Directive{Name: d.Name}
	for _, a := range d.Attrs {
		out.Attrs = append(out.Attrs, stripAttr(a))
	}
	return out
}

func stripAttr(a parser.Attr) parser.Attr {
	return parser.Attr{Key: a.Key, Value: stripValue(a.Value)}
}

func stripValue(v parser.Value) parser.Value {
	out := parser.Value{Kind: v.Kind, Text: v.Text}
	if v.List != nil {
		out.List = []parser.Value{}
		for _, e := range v.List {
			out.List = append(out.List, stripValue(e))
		}
	}
	if v.Map != nil {
		out.Map = []parser.Attr{}
		for _, a := range v.Map {
			out.Map = append(out.Map, stripAttr(a))
		}
	}
	return out
}
