package flowgen

import (
	"bytes"
	"fmt"
	"go/format"
	"go/token"
	"math/rand/v2"
	"strings"
)

// kind is what a generated step does.
type kind int

const (
	linear  kind = iota
	start        // Start: Goto the first step
	end          // End
	branch       // flow.Branch to 2–4 arms
	foreach      // flow.Foreach over a []string artifact
	join         // closes a branch or a foreach; takes flow.Inputs
	cond         // two Goto targets under an if
	loop         // Goto itself under an if, else Goto the next step
	meet         // the ordinary step where a conditional's targets meet
)

// prefixes name the steps of each kind.
var prefixes = [...]string{
	linear: "Step", start: "Start", end: "End", branch: "Split", foreach: "Each",
	join: "Join", cond: "Choose", loop: "Loop", meet: "Meet",
}

// items are the []string artifacts a foreach splits over, each always set
// to the same elements so that joins never see conflicting values.
var items = []struct{ field, elems string }{
	{"Shards", `"a", "b", "c"`},
	{"Regions", `"eu", "us"`},
	{"Models", `"linear", "tree", "forest", "boost"`},
	{"Batches", `"b0", "b1", "b2"`},
}

// node is one step of the flow being generated.
type node struct {
	id    int
	kind  kind
	next  []int // successors, in the order the step names them
	input bool  // reads its foreach element with flow.Input[string]
	items int   // foreach: index into items
	dirs  []string
	err   bool   // returns (flow.Next, error)
	of    int    // join and meet: the step whose paths meet here
	name  string // set once every step exists
}

// gen holds the state of one Generate.
type gen struct {
	r     *rand.Rand
	nodes []*node
}

// Nesting: a piece at depth d has at most maxSize[d] steps; at the last
// depth only linear steps and self-loops are made, so splits nest at most
// len(maxSize)-1 deep.
var maxSize = [...]int{48, 20, 10, 6}

// Generate returns the gofmt'ed source of one valid flow, a struct type
// called name in a package named after it, with steps steps (Start and End
// included; at least 2). The same arguments always give the same source.
// It panics when name is not an exported Go identifier.
func Generate(name string, steps int, seed uint64) []byte {
	if !token.IsIdentifier(name) || !token.IsExported(name) {
		panic(fmt.Sprintf("flowgen: flow name %q is not an exported Go identifier", name))
	}
	g := &gen{r: rand.New(rand.NewPCG(seed, uint64(steps)))}
	st := g.add(start)
	var first, last *node
	if steps > 2 {
		first, last = g.chain(steps-2, 0)
	}
	e := g.add(end)
	if first == nil {
		st.next = []int{e.id}
	} else {
		st.next = []int{first.id}
		last.next = []int{e.id}
	}
	g.decorate()
	g.name()
	src := g.emit(name)
	out, err := format.Source(src)
	if err != nil {
		panic(fmt.Sprintf("flowgen: generated source does not format: %v", err))
	}
	return out
}

func (g *gen) add(k kind) *node {
	n := &node{id: len(g.nodes), kind: k}
	g.nodes = append(g.nodes, n)
	return n
}

// chain makes a sequence of pieces of budget steps in all (budget >= 1)
// and returns its first step and its last, whose successor the caller
// sets. The last step is never conditional, so it may lead into a join.
func (g *gen) chain(budget, depth int) (first, last *node) {
	for budget > 0 {
		size, entry, exit := g.piece(budget, depth)
		budget -= size
		if last == nil {
			first = entry
		} else {
			last.next = []int{entry.id}
		}
		last = exit
	}
	return first, last
}

// piece makes one shape of at most budget steps and returns its size, its
// entry step and its single exit step.
func (g *gen) piece(budget, depth int) (int, *node, *node) {
	hi := min(budget, maxSize[depth])
	nested := depth+1 < len(maxSize)
	type option struct {
		k      kind
		weight int
		min    int
	}
	var opts []option
	total := 0
	for _, o := range []option{
		{linear, 40, 1}, {loop, 5, 2}, {cond, 10, 4}, {branch, 12, 4}, {foreach, 10, 3},
	} {
		if o.min > hi || o.min > 2 && !nested {
			continue
		}
		opts = append(opts, o)
		total += o.weight
	}
	pick := g.r.IntN(total)
	var o option
	for _, o = range opts {
		if pick < o.weight {
			break
		}
		pick -= o.weight
	}
	size := o.min
	if o.k != linear && o.k != loop {
		size += g.r.IntN(hi - o.min + 1)
	}
	switch o.k {
	case loop:
		l := g.add(loop)
		after := g.add(linear)
		l.next = []int{l.id, after.id}
		return size, l, after
	case cond:
		c := g.add(cond)
		a := 1 + g.r.IntN(size-3)
		ea, xa := g.chain(a, depth+1)
		eb, xb := g.chain(size-2-a, depth+1)
		m := g.add(meet)
		m.of = c.id
		c.next = []int{ea.id, eb.id}
		xa.next, xb.next = []int{m.id}, []int{m.id}
		return size, c, m
	case branch:
		s := g.add(branch)
		arms := g.split(size-2, 2+g.r.IntN(3))
		var exits []*node
		for _, a := range arms {
			entry, exit := g.chain(a, depth+1)
			s.next = append(s.next, entry.id)
			exits = append(exits, exit)
		}
		j := g.add(join)
		j.of = s.id
		for _, x := range exits {
			x.next = []int{j.id}
		}
		return size, s, j
	case foreach:
		f := g.add(foreach)
		f.items = g.r.IntN(len(items))
		entry, exit := g.chain(size-2, depth+1)
		entry.input = true
		j := g.add(join)
		j.of = f.id
		f.next = []int{entry.id}
		exit.next = []int{j.id}
		return size, f, j
	}
	n := g.add(linear)
	return 1, n, n
}

// split divides n into at most k random parts of at least 1.
func (g *gen) split(n, k int) []int {
	k = min(k, n)
	parts := make([]int, k)
	for i := range parts {
		parts[i] = 1
	}
	for range n - k {
		parts[g.r.IntN(k)]++
	}
	return parts
}

// decorate gives a few steps directives and some an error result.
func (g *gen) decorate() {
	for _, n := range g.nodes {
		if n.kind == start || n.kind == end {
			continue
		}
		if n.kind == linear && g.r.IntN(5) == 0 || n.kind == join && g.r.IntN(2) == 0 {
			n.err = true
		}
		if g.r.IntN(12) != 0 {
			continue
		}
		switch g.r.IntN(4) {
		case 0:
			n.dirs = append(n.dirs, fmt.Sprintf("retry times=%d minutes_between_retries=%d", 1+g.r.IntN(4), g.r.IntN(3)))
		case 1:
			n.dirs = append(n.dirs, fmt.Sprintf("resources cpu=%d memory=%d", 1+g.r.IntN(8), 1024*(1+g.r.IntN(16))))
		case 2:
			n.dirs = append(n.dirs, fmt.Sprintf("timeout seconds=%d", 60*(1+g.r.IntN(30))))
		case 3:
			n.dirs = append(n.dirs, "retry times=2", `timeout minutes=5`)
			if n.kind == linear || n.kind == meet || n.kind == join {
				n.dirs = append(n.dirs, "catch var=Failure")
			}
		}
	}
}

// name names every step after its kind and its place in the source.
func (g *gen) name() {
	width := len(fmt.Sprint(len(g.nodes)))
	for _, n := range g.nodes {
		switch n.kind {
		case start, end:
			n.name = prefixes[n.kind]
		default:
			n.name = fmt.Sprintf("%s%0*d", prefixes[n.kind], width, n.id)
		}
	}
}

// describe is the rest of a step's doc comment after its name.
func (g *gen) describe(n *node) string {
	names := func(ids []int) string {
		var s []string
		for _, id := range ids {
			s = append(s, g.nodes[id].name)
		}
		return strings.Join(s, ", ")
	}
	switch n.kind {
	case start:
		return "starts the run"
	case end:
		return "finishes the run"
	case branch:
		return "fans out to " + names(n.next)
	case foreach:
		return "runs " + g.nodes[n.next[0]].name + " once per element of " + items[n.items].field
	case join:
		return "joins the paths that " + g.nodes[n.of].name + " started"
	case cond:
		return "goes to " + names(n.next[:1]) + " or to " + names(n.next[1:])
	case loop:
		return "repeats itself until Count is a multiple of 3"
	case meet:
		return "is where the paths of " + g.nodes[n.of].name + " meet again"
	}
	return "does one step of work"
}

// emit writes the unformatted source.
func (g *gen) emit(name string) []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	pkg := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return -1
	}, name)
	if pkg == "" || pkg[0] <= '9' {
		pkg = "gen" + pkg
	}
	p("// Code generated by flowgen; DO NOT EDIT.\n\n")
	p("// Package %s holds %s, a generated flow of %d steps.\n", pkg, name, len(g.nodes))
	p("package %s\n\n", pkg)
	p("import (\n\t\"fmt\"\n\n\t\"github.com/flowc-dev/flowc/flow\"\n)\n\n")
	p("// %s is a generated flow: linear chains, branches, foreach (nested at\n", name)
	p("// times), conditional steps and self-loops.\n//\n//flow:project name=%s\n", pkg)
	p("type %s struct {\n", name)
	p("\tAlpha  float64  `flow:\"param\" default:\"0.5\" help:\"how much each step adds to Total\"`\n")
	p("\tEpochs int      `flow:\"param\" default:\"10\"`\n")
	p("\tMode   string   `flow:\"param\" default:\"fast\" help:\"fast or careful\"`\n")
	p("\tLabels []string `flow:\"param,separator=;\" default:\"x;y\"`\n")
	p("\tSeed   int      `flow:\"param,name=random-seed\" default:\"42\"`\n\n")
	p("\t// Artifacts.\n")
	for _, it := range items {
		p("\t%s []string\n", it.field)
	}
	p("\tCount int\n\tTotal float64\n\tNote string\n\tFailure *flow.CaughtError\n}\n\n")
	for _, n := range g.nodes {
		g.step(&b, name, n)
	}
	return b.Bytes()
}

// step writes one step method.
func (g *gen) step(b *bytes.Buffer, flowName string, n *node) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	to := func(i int) string { return "f." + g.nodes[n.next[i]].name }
	ret := func(next string) string {
		if n.err {
			return "return " + next + ", nil"
		}
		return "return " + next
	}
	p("// %s %s.\n", n.name, g.describe(n))
	if len(n.dirs) > 0 {
		p("//\n")
		for _, d := range n.dirs {
			p("//flow:%s\n", d)
		}
	}
	params := "c *flow.Context"
	if n.kind == join {
		params += ", in flow.Inputs[" + flowName + "]"
	}
	result := "flow.Next"
	switch {
	case n.kind == end:
		result = "error"
	case n.err:
		result = "(flow.Next, error)"
	}
	p("func (f *%s) %s(%s) %s {\n", flowName, n.name, params, result)
	if n.input {
		p("f.Note = flow.Input[string](c)\n")
	}
	switch n.kind {
	case start:
		p("f.Count, f.Total = 0, f.Alpha\n")
		p("%s\n", ret("flow.Goto("+to(0)+")"))
	case end:
		p("if f.Count < 0 {\nreturn fmt.Errorf(\"count %%d is negative\", f.Count)\n}\n")
		p("c.Logger().Info(\"done\", \"count\", f.Count, \"total\", f.Total)\nreturn nil\n")
	case linear, meet:
		switch {
		case n.input:
			p("f.Count += len(f.Note)\n")
		case n.id%3 == 0:
			p("f.Count++\n")
		case n.id%3 == 1:
			p("f.Total += f.Alpha * float64(f.Epochs)\n")
		default:
			p("f.Note = f.Mode + \"/\" + c.StepName()\n")
		}
		if n.err {
			p("if f.Count > 1000*f.Epochs {\nreturn nil, fmt.Errorf(\"step %s: count %%d is too high\", f.Count)\n}\n", n.name)
		}
		p("%s\n", ret("flow.Goto("+to(0)+")"))
	case branch:
		var ts []string
		for i := range n.next {
			ts = append(ts, to(i))
		}
		p("f.Count++\n%s\n", ret("flow.Branch("+strings.Join(ts, ", ")+")"))
	case foreach:
		it := items[n.items]
		p("f.%s = []string{%s}\n%s\n", it.field, it.elems, ret("flow.Foreach(f."+it.field+", "+to(0)+")"))
	case join:
		if n.err {
			p("f.Count, f.Total, f.Note = 0, 0, \"\"\n")
			p("for _, t := range in.All() {\nf.Count += t.Count\nf.Total += t.Total\n}\n")
			p("if err := in.MergeArtifacts(f, flow.Exclude(\"Count\", \"Total\", \"Note\")); err != nil {\nreturn nil, err\n}\n")
		} else {
			p("f.Count = in.Len()\nf.Note = in.At(0).Note\n")
		}
		p("%s\n", ret("flow.Goto("+to(0)+")"))
	case cond:
		conds := []string{"f.Count%2 == 0", "f.Total > f.Alpha", `f.Mode == "fast"`, "len(f.Note) > 3"}
		p("if %s {\n%s\n}\n%s\n", conds[n.id%len(conds)], ret("flow.Goto("+to(0)+")"), ret("flow.Goto("+to(1)+")"))
	case loop:
		p("f.Count++\nif f.Count%%3 != 0 {\n%s\n}\n%s\n", ret("flow.Goto("+to(0)+")"), ret("flow.Goto("+to(1)+")"))
	}
	p("}\n\n")
}
