package parser

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// step is a step method being read.
type step struct {
	ir        *ir.Step
	decl      *ast.FuncDecl
	file      *file
	recv      string // the receiver's name, "" when unnamed
	hasInputs bool
	isEnd     bool
	// ret holds what each return statement asks for.
	ret []transition
}

// transition is one return statement's transition.
type transition struct {
	kind    string // goto, branch, foreach
	targets []string
	pos     []token.Pos // of each target
	forVar  string
	call    token.Pos
}

// exprString prints a type expression as written.
func exprString(e ast.Expr) string { return types.ExprString(e) }

// takesContext reports whether a method's first parameter is *flow.Context.
func (l *loader) takesContext(fd *ast.FuncDecl) bool {
	ps := fd.Type.Params.List
	if len(ps) == 0 {
		return false
	}
	p, ok := types.Unalias(orInvalid(l.typeOf(ps[0].Type))).(*types.Pointer)
	ctx, _ := l.flowObj("Context").(*types.TypeName)
	return ok && ctx != nil && isFlowNamed(p.Elem(), ctx)
}

// returnsNext reports whether a method's first result is flow.Next.
func (l *loader) returnsNext(fd *ast.FuncDecl) bool {
	rs := fd.Type.Results
	return rs != nil && len(rs.List) > 0 && l.isFlowType(rs.List[0].Type, "Next")
}

func orInvalid(t types.Type) types.Type {
	if t == nil {
		return types.Typ[types.Invalid]
	}
	return t
}

// stepsOf finds the flow's steps in source order and reads each one.
func (b *flowBuilder) stepsOf() {
	var ms []method
	for _, m := range b.methods {
		ms = append(ms, m)
	}
	// Files are parsed in name order into one FileSet, so token positions
	// order methods by file, then by place in the file.
	sort.Slice(ms, func(i, j int) bool { return ms[i].decl.Pos() < ms[j].decl.Pos() })
	for _, m := range ms {
		fd := m.decl
		name := fd.Name.Name
		if !fd.Name.IsExported() {
			continue
		}
		if !(b.l.takesContext(fd) || b.l.returnsNext(fd) || name == "Start" || name == "End" ||
			len(directiveLines(fd.Doc)) > 0) {
			continue
		}
		if _, clash := b.fields[name]; clash {
			continue // the Go compiler reports a field and method of one name
		}
		s := &step{decl: fd, file: m.file, isEnd: name == "End", ir: &ir.Step{
			Name: name, Doc: strings.TrimSpace(fd.Doc.Text()), Pos: b.l.irPos(fd.Name.Pos()),
		}}
		b.steps[name] = s
		b.flow.Steps = append(b.flow.Steps, s.ir)
	}
	pos := b.l.pos(b.spec.Name.Pos())
	if b.steps["Start"] == nil {
		b.l.diags.Add(pos, diag.MissingStart, "flow %s has no Start step: add func (f *%s) Start(c *flow.Context) flow.Next", b.flow.Name, b.flow.Name)
	}
	if b.steps["End"] == nil {
		b.l.diags.Add(pos, diag.MissingEnd, "flow %s has no End step: add func (f *%s) End(c *flow.Context) error", b.flow.Name, b.flow.Name)
	}
	for _, s := range b.flow.Steps {
		st := b.steps[s.Name]
		b.signature(st)
		b.transitions(st)
		b.kind(st)
	}
}

// signature checks a step's receiver, parameters and results.
func (b *flowBuilder) signature(s *step) {
	fd := s.decl
	recv := fd.Recv.List[0]
	if len(recv.Names) > 0 {
		s.recv = recv.Names[0].Name
	}
	if _, ok := recv.Type.(*ast.StarExpr); !ok {
		b.l.diags.Add(b.l.pos(recv.Type.Pos()), diag.ValueReceiver,
			"step %s has a value receiver; declare it on *%s so its changes are saved", s.ir.Name, b.flow.Name)
	}
	var params []ast.Expr
	for _, p := range fd.Type.Params.List {
		n := max(len(p.Names), 1)
		for range n {
			params = append(params, p.Type)
		}
	}
	want := "func (f *" + b.flow.Name + ") " + s.ir.Name + "(c *flow.Context) flow.Next"
	if s.isEnd {
		want = "func (f *" + b.flow.Name + ") End(c *flow.Context) error"
	}
	switch {
	case len(params) == 0 || !b.l.takesContext(fd):
		b.l.diags.Add(b.l.pos(fd.Type.Params.Pos()), diag.BadSignature,
			"step %s must take *flow.Context as its first parameter: %s", s.ir.Name, want)
	case len(params) > 2:
		b.l.diags.Add(b.l.pos(params[2].Pos()), diag.BadSignature,
			"step %s has %d parameters; a step takes (c *flow.Context) and a join also (in flow.Inputs[%s])", s.ir.Name, len(params), b.flow.Name)
		// Still a join if its second parameter says so, so that the graph
		// checks do not also ask for the flow.Inputs it has.
		if b.l.isFlowType(params[1], "Inputs") {
			b.inputsParam(s, params[1])
		}
	case len(params) == 2:
		b.inputsParam(s, params[1])
	}
	b.results(s, want)
}

// inputsParam checks a join's second parameter, flow.Inputs[F].
func (b *flowBuilder) inputsParam(s *step, t ast.Expr) {
	if !b.l.isFlowType(t, "Inputs") {
		b.l.diags.Add(b.l.pos(t.Pos()), diag.BadSignature,
			"step %s: the second parameter of a join must be flow.Inputs[%s], not %s", s.ir.Name, b.flow.Name, exprString(t))
		return
	}
	s.hasInputs = true
	s.ir.Inputs = true
	arg, at := b.inputsArg(t)
	if flowT := b.l.pkg.Scope().Lookup(b.flow.Name); arg != nil && flowT != nil && !types.Identical(arg, flowT.Type()) {
		b.l.diags.Add(b.l.pos(at.Pos()), diag.BadInputsType,
			"step %s: flow.Inputs[%s] must name the flow's own type, flow.Inputs[%s]", s.ir.Name, exprString(at), b.flow.Name)
	}
	if s.isEnd {
		b.l.diags.Add(b.l.pos(t.Pos()), diag.EndTransition,
			"End cannot be a join; join in a step before it and Goto End from there")
	}
}

// inputsArg returns the type argument of the flow.Inputs type t and the
// expression to report it at: the index as written, or t itself when t
// names an alias.
func (b *flowBuilder) inputsArg(t ast.Expr) (types.Type, ast.Expr) {
	at := t
	if ix, ok := t.(*ast.IndexExpr); ok {
		at = ix.Index
	}
	n, ok := types.Unalias(orInvalid(b.l.typeOf(t))).(*types.Named)
	if !ok || n.TypeArgs().Len() != 1 {
		return nil, at
	}
	return n.TypeArgs().At(0), at
}

// results checks a step's results.
func (b *flowBuilder) results(s *step, want string) {
	fd := s.decl
	var rs []ast.Expr
	if fd.Type.Results != nil {
		for _, r := range fd.Type.Results.List {
			for range max(len(r.Names), 1) {
				rs = append(rs, r.Type)
			}
		}
	}
	isErr, isNext := b.l.isError, func(e ast.Expr) bool { return b.l.isFlowType(e, "Next") }
	pos := b.l.pos(fd.Type.Pos())
	if fd.Type.Results != nil {
		pos = b.l.pos(fd.Type.Results.Pos())
	}
	if s.isEnd {
		switch {
		case len(rs) == 0:
		case len(rs) == 1 && isErr(rs[0]):
			s.ir.ReturnsError = true
		case len(rs) >= 1 && isNext(rs[0]):
			b.l.diags.Add(pos, diag.EndTransition, "End is the last step and returns no transition: %s", want)
		default:
			b.l.diags.Add(pos, diag.BadSignature, "End must return nothing or an error: %s", want)
		}
		return
	}
	switch {
	case len(rs) == 1 && isNext(rs[0]):
	case len(rs) == 2 && isNext(rs[0]) && isErr(rs[1]):
		s.ir.ReturnsError = true
	default:
		b.l.diags.Add(pos, diag.BadSignature, "step %s must return flow.Next or (flow.Next, error): %s", s.ir.Name, want)
	}
}

// transitions reads every return statement of a step (outside function
// literals) and every flow.Input call.
func (b *flowBuilder) transitions(s *step) {
	if s.decl.Body == nil {
		return
	}
	ast.Inspect(s.decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			b.inputCalls(s, n)
			return false
		case *ast.ReturnStmt:
			if !s.isEnd {
				b.returnStmt(s, n)
			}
		case *ast.IndexExpr:
			b.inputCall(s, n)
		}
		return true
	})
}

// inputCalls records flow.Input calls inside a function literal, which may
// run within the step.
func (b *flowBuilder) inputCalls(s *step, fl *ast.FuncLit) {
	ast.Inspect(fl.Body, func(n ast.Node) bool {
		if ix, ok := n.(*ast.IndexExpr); ok {
			b.inputCall(s, ix)
		}
		return true
	})
}

// inputCall records T of flow.Input[T].
func (b *flowBuilder) inputCall(s *step, ix *ast.IndexExpr) {
	if !b.l.isFlowFunc(ix.X, "Input") {
		return
	}
	t, tt := exprString(ix.Index), b.l.typeOf(ix.Index)
	if s.ir.InputType != "" {
		prev := b.l.inputTypes[s.ir]
		same := s.ir.InputType == t
		if prev != nil && tt != nil {
			same = types.Identical(prev, tt)
		}
		if !same {
			b.l.diags.Add(b.l.pos(ix.Index.Pos()), diag.InputType,
				"step %s reads its foreach element as both %s and %s", s.ir.Name, s.ir.InputType, t)
		}
		return
	}
	s.ir.InputType = t
	p := b.l.irPos(ix.Index.Pos())
	s.ir.InputPos = &p
	if tt != nil {
		b.l.inputTypes[s.ir] = tt
	}
}

// returnStmt reads one return statement of a non-End step.
func (b *flowBuilder) returnStmt(s *step, r *ast.ReturnStmt) {
	if !b.l.returnsNext(s.decl) {
		// The step's results are wrong, and results reported it: take a
		// transition wherever this return has one, to keep the step in the
		// graph, and say nothing more about the return.
		for _, e := range r.Results {
			if call, kind := b.l.transitionCall(e); kind != "" {
				b.transition(s, call, kind)
				return
			}
		}
		return
	}
	if len(r.Results) == 0 {
		b.l.diags.Add(b.l.pos(r.Pos()), diag.BadTransition,
			"step %s: a bare return gives no transition; return flow.Goto, flow.Branch or flow.Foreach", s.ir.Name)
		return
	}
	e := r.Results[0]
	if id, ok := e.(*ast.Ident); ok && id.Name == "nil" && s.ir.ReturnsError && len(r.Results) == 2 {
		return // a failure: return nil, err
	}
	call, kind := b.l.transitionCall(e)
	if kind == "" {
		b.l.diags.Add(b.l.pos(e.Pos()), diag.BadTransition,
			"step %s: return flow.Goto(f.X), flow.Branch(f.A, f.B) or flow.Foreach(f.Items, f.X) directly, not %s", s.ir.Name, shorten(exprString(e)))
		return
	}
	b.transition(s, call, kind)
}

// transitionCall returns e as a call of flow.Goto, Branch or Foreach and
// its kind: goto, branch or foreach; kind is "" for anything else.
func (l *loader) transitionCall(e ast.Expr) (*ast.CallExpr, string) {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return nil, ""
	}
	for _, k := range []string{"Goto", "Branch", "Foreach"} {
		if l.isFlowFunc(call.Fun, k) { // also flow.Foreach[T](...)
			return call, strings.ToLower(k)
		}
	}
	return nil, ""
}

// transition reads the arguments of a transition call and records it.
func (b *flowBuilder) transition(s *step, call *ast.CallExpr, kind string) {
	t := transition{kind: kind, call: call.Pos()}
	args := call.Args
	switch {
	case kind == "goto" && len(args) != 1:
		b.l.diags.Add(b.l.pos(call.Pos()), diag.BadTransition, "flow.Goto takes one step, got %d arguments", len(args))
		return
	case kind == "foreach" && len(args) != 2:
		b.l.diags.Add(b.l.pos(call.Pos()), diag.BadTransition, "flow.Foreach takes a slice field and a step, got %d arguments", len(args))
		return
	case kind == "foreach":
		t.forVar = b.foreachVar(s, args[0])
		args = args[1:]
	}
	bad := false
	for _, a := range args {
		name, ok := b.stepRef(s, a)
		if !ok {
			bad = true // report every bad target, not only the first
			continue
		}
		t.targets = append(t.targets, name)
		t.pos = append(t.pos, a.Pos())
	}
	if !bad {
		s.ret = append(s.ret, t)
	}
}

// stepRef reads a transition target, f.X, and checks that X is a step.
func (b *flowBuilder) stepRef(s *step, e ast.Expr) (string, bool) {
	sel, ok := e.(*ast.SelectorExpr)
	x, isID := (*ast.Ident)(nil), false
	if ok {
		x, isID = sel.X.(*ast.Ident)
	}
	if !ok || !isID || s.recv == "" || x.Name != s.recv {
		b.l.diags.Add(b.l.pos(e.Pos()), diag.BadTransition,
			"step %s: a transition target is a step of this flow written as a method value, %s.Step, not %s",
			s.ir.Name, orDefault(s.recv, "f"), shorten(exprString(e)))
		return "", false
	}
	name := sel.Sel.Name
	if _, ok := b.steps[name]; ok {
		return name, true
	}
	what := "no step"
	if _, ok := b.fields[name]; ok {
		what = "a field, not a step"
	} else if _, ok := b.methods[name]; ok {
		what = "a method that is not a step (a step takes *flow.Context)"
	}
	b.l.diags.Add(b.l.pos(sel.Sel.Pos()), diag.UnknownStep, "step %s goes to %s, which is %s%s",
		s.ir.Name, name, what, didYouMeanKey(name, b.steps))
	return "", false
}

// foreachVar checks Foreach's first argument, f.Field of a slice type, and
// returns the field name.
func (b *flowBuilder) foreachVar(s *step, e ast.Expr) string {
	bad := func(why string) string {
		b.l.diags.Add(b.l.pos(e.Pos()), diag.BadForeach,
			"step %s: flow.Foreach needs a slice field of the flow, written %s.Items: %s", s.ir.Name, orDefault(s.recv, "f"), why)
		return ""
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return bad(shorten(exprString(e)) + " is not a field")
	}
	if x, ok := sel.X.(*ast.Ident); !ok || x.Name != s.recv {
		return bad(shorten(exprString(e)) + " is not a field of the flow")
	}
	fd, ok := b.fields[sel.Sel.Name]
	if !ok {
		return bad(sel.Sel.Name + " is not an exported field")
	}
	if fd.kind == configField {
		return bad(sel.Sel.Name + " is a config")
	}
	if t := b.l.typeOf(fd.typ); t != nil {
		sl, ok := t.Underlying().(*types.Slice)
		if !ok {
			return bad(sel.Sel.Name + " has type " + exprString(fd.typ))
		}
		b.l.elemTypes[s.ir] = sl.Elem()
		s.ir.ForeachElem = types.TypeString(sl.Elem(), types.RelativeTo(b.l.pkg))
	}
	// The element type as written, when the field's type shows it.
	at, ok := b.l.underlying(fd.typ).(*ast.ArrayType)
	switch {
	case ok && at.Len == nil:
		s.ir.ForeachElem = exprString(at.Elt)
	case s.ir.ForeachElem == "":
		return bad(sel.Sel.Name + " has type " + exprString(fd.typ))
	}
	return sel.Sel.Name
}

// underlying resolves a type name of this package to its definition.
func (l *loader) underlying(t ast.Expr) ast.Expr {
	for range 10 {
		id, ok := t.(*ast.Ident)
		if !ok {
			return t
		}
		ts, ok := l.types[id.Name]
		if !ok {
			return t
		}
		t = ts.Type
	}
	return t
}

// kind derives the step's kind and successors from its returns.
func (b *flowBuilder) kind(s *step) {
	st := s.ir
	if s.isEnd {
		st.Kind = ir.KindEnd
		return
	}
	st.Broken = len(s.ret) == 0 || b.hasReturnDiag(s)
	if len(s.ret) == 0 {
		// A step whose results are wrong was reported by results already.
		if !b.hasReturnDiag(s) && b.l.returnsNext(s.decl) {
			b.l.diags.Add(b.l.pos(s.decl.Name.Pos()), diag.MissingNext,
				"step %s returns no transition; end it with return flow.Goto(f.Next)", st.Name)
		}
		st.Kind = ir.KindLinear
		return
	}
	first := s.ret[0]
	same := []transition{first}
	for _, t := range s.ret[1:] {
		if t.kind != first.kind {
			b.l.diags.Add(b.l.pos(t.call), diag.MixedTransitions,
				"step %s returns both flow.%s and flow.%s; a step either goes to steps, branches or loops over a foreach",
				st.Name, title(first.kind), title(t.kind))
			continue
		}
		same = append(same, t)
	}
	// The first return's kind wins: the step keeps its place in the graph
	// and only the returns that disagree with it are reported.
	s.ret = same
	seen := map[string]bool{}
	for _, t := range s.ret {
		for i, n := range t.targets {
			if !seen[n] {
				seen[n] = true
				st.Next = append(st.Next, n)
				st.NextPos = append(st.NextPos, b.l.irPos(t.pos[i]))
			}
		}
	}
	switch first.kind {
	case "goto":
		st.Kind = ir.KindLinear
		if len(st.Next) > 1 {
			st.Kind = ir.KindConditional
			st.SelfLoop = seen[st.Name]
		}
	case "branch":
		b.branch(s)
	case "foreach":
		for _, t := range s.ret[1:] {
			if t.forVar != first.forVar || t.targets[0] != first.targets[0] {
				b.l.diags.Add(b.l.pos(t.call), diag.BadForeach,
					"step %s returns two different foreach transitions; a foreach step has one", st.Name)
			}
		}
		st.Kind, st.ForeachVar = ir.KindForeach, first.forVar
	}
	if s.hasInputs {
		if st.Kind != ir.KindLinear {
			b.l.diags.Add(b.l.pos(s.ret[0].call), diag.JoinSplits,
				"join step %s is also a %s step; join in one step and split in the next", st.Name, st.Kind)
		} else {
			st.Kind = ir.KindJoin
		}
	}
	if st.Name == "Start" && st.Kind == ir.KindLinear {
		st.Kind = ir.KindStart
	}
}

// branch reads a step whose returns are flow.Branch.
func (b *flowBuilder) branch(s *step) {
	first := s.ret[0]
	for _, t := range s.ret[1:] {
		if strings.Join(t.targets, ",") != strings.Join(first.targets, ",") {
			b.l.diags.Add(b.l.pos(t.call), diag.BadBranch,
				"step %s returns two different flow.Branch transitions; a branch step has one", s.ir.Name)
		}
	}
	seen := map[string]bool{}
	for _, n := range first.targets {
		if seen[n] {
			b.l.diags.Add(b.l.pos(first.call), diag.BadBranch, "step %s branches to %s twice", s.ir.Name, n)
			continue
		}
		seen[n] = true
	}
	if len(first.targets) < 2 {
		b.l.diags.Add(b.l.pos(first.call), diag.BadBranch,
			"step %s: flow.Branch needs two or more steps; for one, use flow.Goto", s.ir.Name)
	}
	s.ir.Kind = ir.KindBranch
}

// hasReturnDiag reports whether a return of s was already reported, so a
// step with only bad returns is not also called one with none.
func (b *flowBuilder) hasReturnDiag(s *step) bool {
	start, end := b.l.pos(s.decl.Pos()), b.l.pos(s.decl.End())
	for _, d := range b.l.diags {
		if d.Pos.File == start.File && d.Pos.Line >= start.Line && d.Pos.Line <= end.Line &&
			(d.Code == diag.BadTransition || d.Code == diag.UnknownStep || d.Code == diag.BadForeach) {
			return true
		}
	}
	return false
}

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// shorten keeps an expression short enough for a one-line message.
func shorten(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
