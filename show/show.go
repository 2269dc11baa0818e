// Package show renders an analysed flow for people: as text (what flowc
// show prints) and as a Graphviz graph (flowc show --dot). It reads the IR
// and writes text; it changes nothing.
package show

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// Text writes the flow as text: its parameters, configs, directives and its
// steps in topological order, each with its kind, directives and where it
// goes next.
func Text(w io.Writer, f *ir.Flow) error {
	p := &printer{w: w}
	p.line("Flow %s", f.Name)
	if f.Doc != "" {
		p.doc("    ", f.Doc)
	}
	for _, d := range flowDirectives(f.Decorators) {
		p.line("    //flow:%s", d)
	}
	if len(f.Params) > 0 {
		p.line("")
		p.line("Parameters:")
		for _, prm := range f.Params {
			def := ""
			switch {
			case prm.Default != nil:
				def = ", default " + string(prm.Default)
			case prm.Required:
				def = ", required"
			}
			help := ""
			if prm.Help != "" {
				help = ": " + prm.Help
			}
			p.line("    --%s %s%s%s", prm.Name, prm.Type, def, help)
		}
	}
	if len(f.Configs) > 0 {
		p.line("")
		p.line("Configs:")
		for _, c := range f.Configs {
			p.line("    %s (%s) from %s", c.Name, c.GoType, orNone(c.File))
		}
	}
	order := f.Graph.Order
	if len(order) == 0 {
		for _, s := range f.Steps {
			order = append(order, s.Name)
		}
	}
	for _, name := range order {
		s := f.Step(name)
		p.line("")
		p.line("Step %s (%s)", s.Name, s.Kind)
		if s.Doc != "" {
			p.doc("    ", s.Doc)
		}
		for _, d := range stepDirectives(s.Decorators) {
			p.line("    //flow:%s", d)
		}
		switch s.Kind {
		case ir.KindEnd:
		case ir.KindForeach:
			p.line("    => %s for each of %s", strings.Join(s.Next, ", "), s.ForeachVar)
		case ir.KindConditional:
			p.line("    => one of %s", strings.Join(s.Next, ", "))
		default:
			p.line("    => %s", strings.Join(s.Next, ", "))
		}
	}
	return p.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

func (p *printer) doc(indent, doc string) {
	for _, l := range strings.Split(doc, "\n") {
		p.line("%s%s", indent, strings.TrimRight("? "+l, " "))
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// stepDirectives prints a step's resolved directives, one string each.
func stepDirectives(d ir.StepDecorators) []string {
	var out []string
	if r := d.Retry; r != nil {
		out = append(out, fmt.Sprintf("retry times=%d minutes_between_retries=%d", r.Times, r.MinutesBetweenRetries))
	}
	if c := d.Catch; c != nil {
		out = append(out, fmt.Sprintf("catch var=%s print_exception=%t", orNone(c.Var), c.PrintException))
	}
	if t := d.Timeout; t != nil {
		out = append(out, fmt.Sprintf("timeout seconds=%d", t.Seconds))
	}
	if r := d.Resources; r != nil {
		out = append(out, fmt.Sprintf("resources cpu=%s gpu=%d memory=%d disk=%d", num(r.CPU), r.GPU, r.Memory, r.Disk))
	}
	if e := d.Environment; e != nil {
		out = append(out, "environment vars="+kv(e.Vars))
	}
	if s := d.Secrets; s != nil {
		out = append(out, "secrets sources=["+strings.Join(s.Sources, ",")+"]")
	}
	for _, c := range d.Cards {
		out = append(out, fmt.Sprintf("card type=%s id=%s timeout=%d", c.Type, orNone(c.ID), c.Timeout))
	}
	if k := d.Kubernetes; k != nil {
		out = append(out, fmt.Sprintf("kubernetes cpu=%s memory=%d disk=%d gpu=%d", num(k.CPU), k.Memory, k.Disk, k.GPU))
	}
	if b := d.Batch; b != nil {
		out = append(out, fmt.Sprintf("batch cpu=%s memory=%d gpu=%d", num(b.CPU), b.Memory, b.GPU))
	}
	if d.Cache != nil {
		out = append(out, "cache")
	}
	return out
}

// flowDirectives prints the flow's resolved directives.
func flowDirectives(d ir.FlowDecorators) []string {
	var out []string
	if s := d.Schedule; s != nil {
		tz := ""
		if s.Timezone != "" {
			tz = " timezone=" + s.Timezone
		}
		out = append(out, fmt.Sprintf("schedule cron=%q%s", s.Cron, tz))
	}
	if p := d.Project; p != nil {
		out = append(out, "project name="+p.Name)
	}
	if t := d.Trigger; t != nil {
		var names []string
		for _, e := range t.Events {
			names = append(names, e.Name)
		}
		out = append(out, "trigger events=["+strings.Join(names, ",")+"]")
	}
	if t := d.TriggerOnFinish; t != nil {
		out = append(out, "trigger_on_finish flows=["+strings.Join(t.Flows, ",")+"]")
	}
	return out
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func kv(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Quote(m[k])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// Dot writes the flow as a Graphviz digraph: a box per step (Start and End
// rounded, splits and joins shaded), solid edges for transitions, dashed for
// a conditional's choices, bold for a foreach fan-out.
func Dot(w io.Writer, f *ir.Flow) error {
	p := &printer{w: w}
	p.line("digraph %s {", strconv.Quote(f.Name))
	p.line("  rankdir=TB;")
	p.line("  node [shape=box, fontname=\"Helvetica\"];")
	for _, s := range f.Steps {
		attrs := []string{"label=" + strconv.Quote(s.Name+"\n"+string(s.Kind))}
		switch s.Kind {
		case ir.KindStart, ir.KindEnd:
			attrs = append(attrs, "style=rounded")
		case ir.KindBranch, ir.KindForeach, ir.KindJoin:
			attrs = append(attrs, "style=filled", "fillcolor=\"#e8eef7\"")
		case ir.KindConditional:
			attrs = append(attrs, "shape=diamond")
		}
		p.line("  %s [%s];", strconv.Quote(s.Name), strings.Join(attrs, ", "))
	}
	for _, s := range f.Steps {
		for _, n := range s.Next {
			attr := ""
			switch s.Kind {
			case ir.KindConditional:
				attr = " [style=dashed]"
			case ir.KindForeach:
				attr = fmt.Sprintf(" [style=bold, label=%s]", strconv.Quote("foreach "+s.ForeachVar))
			}
			p.line("  %s -> %s%s;", strconv.Quote(s.Name), strconv.Quote(n), attr)
		}
	}
	p.line("}")
	return p.err
}
