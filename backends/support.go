package backends

import (
	"fmt"
	"slices"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// Rule is what a target does with one directive or one attribute: Yes, No
// or Ignored.
type Rule struct {
	kind ruleKind
	why  string
}

type ruleKind int

const (
	yes     ruleKind = iota + 1 // the target expresses it
	no                          // the target refuses it: FLOW080 at the directive
	ignored                     // the target takes it, and it has no effect there, for the reason given
)

// Yes: the target expresses the directive or attribute. For a directive,
// each of its attributes has a rule of its own.
var Yes = Rule{kind: yes}

// No: the target cannot express it, because why (the diagnostic says so).
// A directive refused covers all its attributes.
func No(why string) Rule { return Rule{no, why} }

// Ignored: the target takes it, and it has no effect there, because why.
// It is a decision, documented with the target, never a default. A
// directive ignored covers all its attributes.
func Ignored(why string) Rule { return Rule{ignored, why} }

// Refused reports a No rule.
func (r Rule) Refused() bool { return r.kind == no }

// IsIgnored reports an Ignored rule.
func (r Rule) IsIgnored() bool { return r.kind == ignored }

// Why is the reason of a No or Ignored rule.
func (r Rule) Why() string { return r.why }

// Support is one target's column of the directive × attribute table: what
// the target does with each directive and attribute the front end knows.
// A key is a directive ("batch"), for the directive itself, or a directive
// and one or more of its attributes ("batch cpu gpu memory"), for each
// attribute named. A directive needs a rule; so does each attribute of a
// directive whose rule is Yes. What the column lacks is refused, so a new
// directive or attribute is never silently ignored, and a test
// (TestSupportComplete) wants every one decided on every target.
//
// Turning an entry around (the target learns to express it) is a one-line
// change: a No line becomes Yes.
type Support map[string]Rule

// Rule returns the rule for directive dir (attr "") or its attribute attr,
// and whether the table has one. A refused or ignored directive decides
// its attributes too.
func (s Support) Rule(dir, attr string) (Rule, bool) {
	var dirRule Rule
	found := false
	for key, r := range s {
		words := strings.Fields(key)
		if len(words) == 0 || words[0] != dir {
			continue
		}
		if len(words) == 1 {
			dirRule, found = r, true
			continue
		}
		if attr != "" && slices.Contains(words[1:], attr) {
			return r, true
		}
	}
	switch {
	case attr == "":
		return dirRule, found
	case found && dirRule.kind != yes:
		return dirRule, true
	}
	return Rule{}, false
}

// Diagnose returns a FLOW080 diagnostic at each directive of f that the
// target refuses (or that its column lacks), one per directive or
// attribute. target names the target in the messages; dir is the flow's
// package directory, which the diagnostics' files are joined to.
func (s Support) Diagnose(target, dir string, f *ir.Flow) diag.List {
	var out diag.List
	check := func(where string, d ir.Directive) {
		pos := d.Pos.In(dir)
		r, ok := s.Rule(d.Name, "")
		switch {
		case !ok:
			out.Add(diag.Pos(pos), diag.TargetUnsupported, "%s: %s//flow:%s is not supported: flowc's %s target does not express it", target, where, d.Name, target)
			return
		case r.kind == no:
			out.Add(diag.Pos(pos), diag.TargetUnsupported, "%s: %s//flow:%s is not supported: %s", target, where, d.Name, r.why)
			return
		case r.kind == ignored:
			return
		}
		for _, a := range d.Attrs {
			r, ok := s.Rule(d.Name, a)
			switch {
			case !ok:
				out.Add(diag.Pos(pos), diag.TargetUnsupported, "%s: %s%s %s= is not supported: flowc's %s target does not express it", target, where, d.Name, a, target)
			case r.kind == no:
				out.Add(diag.Pos(pos), diag.TargetUnsupported, "%s: %s%s %s= is not supported: %s", target, where, d.Name, a, r.why)
			}
		}
	}
	for _, d := range f.Decorators.Directives {
		check("", d)
	}
	for _, st := range f.Steps {
		for _, d := range st.Decorators.Directives {
			check("step "+st.Name+": ", d)
		}
	}
	return out
}

// Missing returns, for the directives and attributes of schema (a
// directive's name to its attributes, as parser.DirectiveAttrs gives
// them), those s has no rule for, and the keys of s that name a directive
// or attribute schema does not have.
func (s Support) Missing(schema map[string][]string) (missing, unknown []string) {
	for dir, attrs := range schema {
		r, ok := s.Rule(dir, "")
		if !ok {
			missing = append(missing, dir)
			continue
		}
		if r.kind != yes {
			continue
		}
		for _, a := range attrs {
			if _, ok := s.Rule(dir, a); !ok {
				missing = append(missing, dir+" "+a)
			}
		}
	}
	seen := map[string]bool{}
	for key := range s {
		words := strings.Fields(key)
		if len(words) == 0 {
			unknown = append(unknown, fmt.Sprintf("%q", key))
			continue
		}
		attrs, ok := schema[words[0]]
		if !ok {
			unknown = append(unknown, words[0])
			continue
		}
		for _, a := range words[1:] {
			if !slices.Contains(attrs, a) {
				unknown = append(unknown, words[0]+" "+a)
			}
			if seen[words[0]+" "+a] {
				unknown = append(unknown, words[0]+" "+a+" (twice)")
			}
			seen[words[0]+" "+a] = true
		}
	}
	slices.Sort(missing)
	slices.Sort(unknown)
	return missing, unknown
}

// Markdown lists what s refuses and what it ignores, one line per
// directive and reason, sorted: the "not supported" part of the target's
// docs, which a test keeps equal to the table.
func (s Support) Markdown() string {
	type group struct {
		dir   string
		rule  Rule
		attrs []string
	}
	var groups []*group
	find := func(dir string, r Rule) *group {
		for _, g := range groups {
			if g.dir == dir && g.rule == r {
				return g
			}
		}
		g := &group{dir: dir, rule: r}
		groups = append(groups, g)
		return g
	}
	for key, r := range s {
		if r.kind == yes {
			continue
		}
		words := strings.Fields(key)
		if len(words) == 0 {
			continue
		}
		g := find(words[0], r)
		g.attrs = append(g.attrs, words[1:]...)
	}
	line := func(g *group) string {
		slices.Sort(g.attrs)
		var b strings.Builder
		fmt.Fprintf(&b, "- `//flow:%s`", g.dir)
		for i, a := range g.attrs {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " `%s=`", a)
		}
		fmt.Fprintf(&b, ": %s\n", g.rule.why)
		return b.String()
	}
	var refused, ignoredLines []string
	for _, g := range groups {
		if g.rule.kind == no {
			refused = append(refused, line(g))
		} else {
			ignoredLines = append(ignoredLines, line(g))
		}
	}
	slices.Sort(refused)
	slices.Sort(ignoredLines)
	var b strings.Builder
	b.WriteString("Refused, each a `FLOW080` at the directive (whatever the value):\n\n")
	if len(refused) == 0 {
		b.WriteString("- nothing\n")
	}
	b.WriteString(strings.Join(refused, ""))
	b.WriteString("\nTaken, with no effect on this target:\n\n")
	if len(ignoredLines) == 0 {
		b.WriteString("- nothing\n")
	}
	b.WriteString(strings.Join(ignoredLines, ""))
	return b.String()
}
