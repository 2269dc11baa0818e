package parser

import (
	"go/types"
	"sort"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// hookSignature is the signature every exit hook function must have.
const hookSignature = "func(ctx context.Context, r flow.RunInfo) error"

// exitHook resolves //flow:exit_hook on_success=F on_error=[G, H]: each
// name must be a function of the flow's package with hookSignature.
func exitHook(r *resolver, d *ir.FlowDecorators) {
	h := ir.ExitHook{OnSuccess: r.hookNames("on_success"), OnError: r.hookNames("on_error"), Pos: r.irPos}
	if !r.has("on_success") && !r.has("on_error") && r.ok() {
		r.add(r.dpos, diag.ExitHook, "exit_hook needs on_success=, on_error= or both: functions %s of the flow's package", hookSignature)
	}
	d.ExitHooks = append(d.ExitHooks, h)
}

// hookNames reads a list of function names and checks each with go/types.
func (r *resolver) hookNames(key string) []string {
	a, ok := r.vals[key]
	if !ok {
		return nil
	}
	vals := []Value{a.Value}
	if a.Value.Kind == List {
		vals = a.Value.List
	}
	var out []string
	for _, v := range vals {
		if v.Kind != Bare && v.Kind != Quoted {
			r.wrong(key, "a function name or a list of them, such as [Notify, Page]")
			return nil
		}
		if r.checkHookFunc(v) {
			out = append(out, v.Text)
		}
	}
	return out
}

// checkHookFunc reports, at the name, a function the package does not
// have or whose signature is not hookSignature.
func (r *resolver) checkHookFunc(v Value) bool {
	l := r.b.l
	pos := r.offPos(v.Off)
	if l.pkg == nil {
		return true // not type-checked; the build will say
	}
	fn, ok := l.pkg.Scope().Lookup(v.Text).(*types.Func)
	if !ok {
		r.add(pos, diag.ExitHook, "exit hook %s is not a function of package %s%s; declare func %s%s",
			v.Text, l.pkg.Name(), didYouMean(v.Text, packageFuncs(l.pkg)), v.Text, hookSignature[4:])
		return false
	}
	sig := fn.Type().(*types.Signature)
	if !r.b.l.isHookSignature(sig) {
		r.add(pos, diag.ExitHookFunc, "exit hook %s has signature %s; an exit hook is %s",
			v.Text, types.TypeString(sig, byName(l.pkg)), hookSignature)
		return false
	}
	return true
}

// isHookSignature reports whether sig is func(context.Context, flow.RunInfo) error.
func (l *loader) isHookSignature(sig *types.Signature) bool {
	info, _ := l.flowObj("RunInfo").(*types.TypeName)
	if sig.TypeParams().Len() > 0 || sig.Variadic() || sig.Params().Len() != 2 || sig.Results().Len() != 1 {
		return false
	}
	ctx, ok := types.Unalias(sig.Params().At(0).Type()).(*types.Named)
	isCtx := ok && ctx.Obj().Pkg() != nil && ctx.Obj().Pkg().Path() == "context" && ctx.Obj().Name() == "Context"
	isInfo := info != nil && isFlowNamed(sig.Params().At(1).Type(), info)
	return isCtx && isInfo && types.Identical(sig.Results().At(0).Type(), types.Universe.Lookup("error").Type())
}

// packageFuncs lists the package-level functions of pkg, for suggestions.
func packageFuncs(pkg *types.Package) []string {
	var out []string
	for _, n := range pkg.Scope().Names() {
		if _, ok := pkg.Scope().Lookup(n).(*types.Func); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// byName qualifies a type by its package's name, as Go source writes it,
// and not at all in pkg.
func byName(pkg *types.Package) types.Qualifier {
	return func(other *types.Package) string {
		if other == pkg {
			return ""
		}
		return other.Name()
	}
}
