package parser

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"iter"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// dirSpec describes one directive: where it may stand, its attributes, and
// how it is resolved into the IR.
type dirSpec struct {
	flow     bool // a flow directive, above the struct type
	multiple bool // may be given more than once
	attrs    []string
	step     func(r *resolver, d *ir.StepDecorators)
	flowFn   func(r *resolver, d *ir.FlowDecorators)
}

// directives is the schema: Metaflow's decorators of the same names, their
// attributes and defaults (metaflow-core.md §4).
var directives = map[string]*dirSpec{
	"retry": {attrs: []string{"times", "minutes_between_retries"}, step: func(r *resolver, d *ir.StepDecorators) {
		d.Retry = &ir.Retry{Times: r.int("times", 3, 0, 4), MinutesBetweenRetries: r.int("minutes_between_retries", 2, 0, 1440), Pos: r.irPos}
	}},
	"catch": {attrs: []string{"var", "print_exception"}, step: func(r *resolver, d *ir.StepDecorators) {
		d.Catch = &ir.Catch{Var: r.str("var", ""), PrintException: r.bool("print_exception", true), Pos: r.irPos}
	}},
	"timeout": {attrs: []string{"seconds", "minutes", "hours"}, step: func(r *resolver, d *ir.StepDecorators) {
		total := r.int("seconds", 0, 0, math.MaxInt32) + 60*r.int("minutes", 0, 0, 1<<20) + 3600*r.int("hours", 0, 0, 1<<14)
		if total <= 0 && r.ok() {
			r.add(r.dpos, diag.MissingAttribute, "timeout needs seconds=, minutes= or hours= adding up to more than zero")
		}
		d.Timeout = &ir.Timeout{Seconds: total, Pos: r.irPos}
	}},
	"resources": {attrs: []string{"cpu", "gpu", "memory", "disk", "shared_memory"}, step: func(r *resolver, d *ir.StepDecorators) {
		d.Resources = &ir.Resources{CPU: r.num("cpu", 1, 0), GPU: r.int("gpu", 0, 0, 64), Memory: r.int("memory", 4096, 1, 1<<30),
			Disk: r.int("disk", 0, 0, 1<<30), SharedMemory: r.int("shared_memory", 0, 0, 1<<30), Pos: r.irPos}
	}},
	"environment": {attrs: []string{"vars"}, step: func(r *resolver, d *ir.StepDecorators) {
		d.Environment = &ir.Environment{Vars: r.strMap("vars"), Pos: r.irPos}
		for _, k := range sortedKeys(d.Environment.Vars) {
			if !validEnvName(k) {
				r.add(r.attrPos("vars"), diag.AttributeValue, "environment variable name %q must be letters, digits and _, not starting with a digit", k)
			}
		}
	}},
	"secrets": {attrs: []string{"sources", "role", "allow_override"}, step: func(r *resolver, d *ir.StepDecorators) {
		d.Secrets = &ir.Secrets{Sources: r.strs("sources"), Role: r.str("role", ""), AllowOverride: r.bool("allow_override", false), Pos: r.irPos}
		if len(d.Secrets.Sources) == 0 && r.ok() {
			r.add(r.dpos, diag.MissingAttribute, "secrets needs sources=[name, ...]: the secrets to expose to the step")
		}
	}},
	"card": {multiple: true, attrs: []string{"type", "id", "timeout", "options", "refresh_interval", "save_errors"}, step: func(r *resolver, d *ir.StepDecorators) {
		c := ir.Card{Type: r.oneOf("type", "default", "default", "blank"), ID: r.str("id", ""), Timeout: r.int("timeout", 45, 1, 3600),
			Options: r.strMap("options"), RefreshInterval: r.int("refresh_interval", 5, 1, 3600), SaveErrors: r.bool("save_errors", true), Pos: r.irPos}
		for _, o := range d.Cards {
			if o.ID == c.ID {
				r.add(r.dpos, diag.DuplicateDirective, "a second card needs an id= different from the first's (%q)", o.ID)
			}
		}
		d.Cards = append(d.Cards, c)
	}},
	"kubernetes": {attrs: []string{"cpu", "memory", "disk", "gpu", "gpu_vendor", "image", "image_pull_policy", "namespace",
		"service_account", "secrets", "node_selector", "tolerations", "labels", "annotations", "use_tmpfs", "tmpfs_size",
		"tmpfs_path", "persistent_volume_claims", "shared_memory", "port", "compute_pool", "qos"}, step: kubernetes},
	"batch": {attrs: []string{"cpu", "gpu", "memory", "image", "queue", "iam_role", "execution_role", "shared_memory", "max_swap",
		"swappiness", "use_tmpfs", "tmpfs_size", "tmpfs_path", "inferentia", "trainium", "efa", "ephemeral_storage", "log_driver",
		"log_options", "privileged", "aws_batch_tags", "host_volumes", "efs_volumes"}, step: batch},
	"cache": {step: func(r *resolver, d *ir.StepDecorators) { d.Cache = &ir.Cache{Pos: r.irPos} }},

	"schedule": {flow: true, attrs: []string{"cron", "weekly", "daily", "hourly", "timezone"}, flowFn: schedule},
	"project": {flow: true, attrs: []string{"name", "branch", "production"}, flowFn: func(r *resolver, d *ir.FlowDecorators) {
		p := &ir.Project{Name: r.str("name", ""), Branch: r.str("branch", ""), Production: r.bool("production", false), Pos: r.irPos}
		if !r.has("name") && r.ok() {
			r.add(r.dpos, diag.MissingAttribute, "project needs name=: lower case letters, digits and _")
		}
		for _, a := range []struct{ key, v string }{{"name", p.Name}, {"branch", p.Branch}} {
			if a.v != "" && !validProjectName(a.v) {
				r.add(r.attrPos(a.key), diag.AttributeValue, "project %s %q must be lower case letters, digits and _, at most 128 characters", a.key, a.v)
			}
		}
		if p.Branch != "" && p.Production {
			r.add(r.attrPos("production"), diag.DirectiveConflict, "project takes branch= or production=true, not both")
		}
		d.Project = p
	}},
	"trigger": {flow: true, attrs: []string{"event", "events", "options"}, flowFn: trigger},
	"trigger_on_finish": {flow: true, attrs: []string{"flow", "flows", "options"}, flowFn: func(r *resolver, d *ir.FlowDecorators) {
		t := &ir.TriggerOnFinish{Options: r.strMap("options"), Pos: r.irPos}
		switch {
		case r.has("flow") && r.has("flows"):
			r.add(r.attrPos("flows"), diag.DirectiveConflict, "trigger_on_finish takes flow= or flows=, not both")
		case r.has("flow"):
			t.Flows = []string{r.str("flow", "")}
		case r.has("flows"):
			t.Flows = r.strs("flows")
		case r.ok():
			r.add(r.dpos, diag.MissingAttribute, "trigger_on_finish needs flow=NAME or flows=[A, B]")
		}
		d.TriggerOnFinish = t
	}},
	"exit_hook": {flow: true, multiple: true, attrs: []string{"on_success", "on_error"}, flowFn: exitHook},
}

// directiveNames lists every directive name, sorted, for suggestions.
var directiveNames = sortedKeys(directives)

// DirectiveAttrs returns every directive the front end knows with its
// attributes: the rows each target's support table must cover.
func DirectiveAttrs() map[string][]string {
	out := map[string][]string{}
	for name, spec := range directives {
		out[name] = slices.Clone(spec.attrs)
	}
	return out
}

// written returns the directive as written: its valid attributes, each
// once, in order.
func (r *resolver) written() ir.Directive {
	d := ir.Directive{Name: r.dir.Name, Pos: r.irPos}
	for _, a := range r.dir.Attrs {
		if _, ok := r.vals[a.Key]; ok && !slices.Contains(d.Attrs, a.Key) {
			d.Attrs = append(d.Attrs, a.Key)
		}
	}
	return d
}

func kubernetes(r *resolver, d *ir.StepDecorators) {
	k := &ir.Kubernetes{
		CPU: r.num("cpu", 1, 0), Memory: r.int("memory", 4096, 1, 1<<30), Disk: r.int("disk", 10240, 1, 1<<30),
		GPU: r.int("gpu", 0, 0, 64), GPUVendor: r.oneOf("gpu_vendor", "nvidia", "nvidia", "amd"), Image: r.str("image", ""),
		ImagePullPolicy: r.oneOf("image_pull_policy", "", "", "Always", "IfNotPresent", "Never"),
		Namespace:       r.str("namespace", ""), ServiceAccount: r.str("service_account", ""), Secrets: r.strs("secrets"),
		NodeSelector: r.strMap("node_selector"), Labels: r.strMap("labels"), Annotations: r.strMap("annotations"),
		UseTmpfs: r.bool("use_tmpfs", false), TmpfsSize: r.int("tmpfs_size", 0, 0, 1<<30), TmpfsPath: r.str("tmpfs_path", ""),
		PersistentVolumeClaims: r.strMap("persistent_volume_claims"), SharedMemory: r.int("shared_memory", 0, 0, 1<<30),
		Port: r.int("port", 0, 0, 65535), ComputePool: r.str("compute_pool", ""),
		QOS: r.oneOf("qos", "Burstable", "Burstable", "Guaranteed", "BestEffort"), Pos: r.irPos,
	}
	for _, m := range r.maps("tolerations") {
		t := ir.Toleration{Key: m["key"], Operator: m["operator"], Value: m["value"], Effect: m["effect"]}
		for key := range m {
			if !contains([]string{"key", "operator", "value", "effect"}, key) {
				r.add(r.attrPos("tolerations"), diag.UnknownAttribute, "toleration field %q is not one of key, operator, value, effect%s",
					key, didYouMean(key, []string{"key", "operator", "value", "effect"}))
			}
		}
		k.Tolerations = append(k.Tolerations, t)
	}
	d.Kubernetes = k
}

func batch(r *resolver, d *ir.StepDecorators) {
	d.Batch = &ir.Batch{
		CPU: r.num("cpu", 1, 0), GPU: r.int("gpu", 0, 0, 64), Memory: r.int("memory", 4096, 1, 1<<30), Image: r.str("image", ""),
		Queue: r.str("queue", ""), IAMRole: r.str("iam_role", ""), ExecutionRole: r.str("execution_role", ""),
		SharedMemory: r.int("shared_memory", 0, 0, 1<<30), MaxSwap: r.int("max_swap", 0, 0, 1<<30), Swappiness: r.int("swappiness", 0, 0, 100),
		UseTmpfs: r.bool("use_tmpfs", false), TmpfsSize: r.int("tmpfs_size", 0, 0, 1<<30), TmpfsPath: r.str("tmpfs_path", ""),
		Inferentia: r.int("inferentia", 0, 0, 64), Trainium: r.int("trainium", 0, 0, 64), EFA: r.int("efa", 0, 0, 64),
		EphemeralStorage: r.int("ephemeral_storage", 0, 0, 200), LogDriver: r.str("log_driver", ""), LogOptions: r.strs("log_options"),
		Privileged: r.bool("privileged", false), Tags: r.strMap("aws_batch_tags"), HostVolumes: r.strs("host_volumes"),
		EFSVolumes: r.strs("efs_volumes"), Pos: r.irPos,
	}
}

func schedule(r *resolver, d *ir.FlowDecorators) {
	s := &ir.Schedule{Timezone: r.str("timezone", ""), Pos: r.irPos}
	switch {
	case r.has("cron"):
		s.Cron = strings.Join(strings.Fields(r.str("cron", "")), " ")
		if err := validCron(s.Cron); err != nil {
			r.add(r.attrPos("cron"), diag.Schedule, "cron %q: %v", s.Cron, err)
		}
	case r.bool("weekly", false):
		s.Cron = "0 0 * * 0"
	case r.bool("hourly", false):
		s.Cron = "0 * * * *"
	case r.bool("daily", true):
		s.Cron = "0 0 * * *"
	default:
		r.add(r.dpos, diag.MissingAttribute, "schedule needs cron=, or one of weekly, daily, hourly set to true")
	}
	if s.Timezone != "" {
		if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "Local" {
			r.add(r.attrPos("timezone"), diag.Schedule, "timezone %q is not an IANA time zone such as Europe/Amsterdam", s.Timezone)
		}
	}
	d.Schedule = s
}

func trigger(r *resolver, d *ir.FlowDecorators) {
	t := &ir.Trigger{Options: r.strMap("options"), Pos: r.irPos}
	var vals []Value
	switch {
	case r.has("event") && r.has("events"):
		r.add(r.attrPos("events"), diag.DirectiveConflict, "trigger takes event= or events=, not both")
	case r.has("event"):
		vals = []Value{r.vals["event"].Value}
	case r.has("events"):
		v := r.vals["events"].Value
		if v.Kind != List {
			r.add(r.attrPos("events"), diag.AttributeValue, "events must be a list, such as [a, b]")
		}
		vals = v.List
	case r.ok():
		r.add(r.dpos, diag.MissingAttribute, "trigger needs event=NAME or events=[A, B]")
	}
	for _, v := range vals {
		if e, ok := r.event(v); ok {
			t.Events = append(t.Events, e)
		}
	}
	d.Trigger = t
}

// event reads an event: a name, or {name=N, parameters={param=field}}.
func (r *resolver) event(v Value) (ir.Event, bool) {
	if v.Kind == Bare || v.Kind == Quoted {
		return ir.Event{Name: v.Text}, v.Text != ""
	}
	if v.Kind != Map {
		r.add(r.offPos(v.Off), diag.AttributeValue, "an event is a name or {name=N, parameters={param=field}}")
		return ir.Event{}, false
	}
	var e ir.Event
	for _, a := range v.Map {
		switch a.Key {
		case "name":
			e.Name = a.Value.Text
		case "parameters":
			e.Parameters = r.toStrMap(a.Value, "parameters")
		default:
			r.add(r.offPos(a.KeyOff), diag.UnknownAttribute, "event field %q is not name or parameters%s", a.Key, didYouMean(a.Key, []string{"name", "parameters"}))
		}
	}
	if e.Name == "" {
		r.add(r.offPos(v.Off), diag.MissingAttribute, "an event needs name=")
		return e, false
	}
	return e, true
}

// resolver reads one directive's attributes, typed, reporting mistakes.
type resolver struct {
	b     *flowBuilder
	c     *ast.Comment
	dir   *Directive
	vals  map[string]Attr // attribute key to its config-resolved attribute
	dpos  diag.Pos        // the directive's position
	irPos ir.Pos
	bad   bool // an attribute failed to resolve
	// refFailed says the ${...} reference just resolved failed; skip holds
	// the positions of attributes whose reference failed, which are not
	// checked again.
	refFailed bool
	skip      map[diag.Pos]bool
}

func (r *resolver) add(pos diag.Pos, code diag.Code, format string, args ...any) {
	r.bad = true
	if r.skip[pos] {
		return // the attribute's ${...} reference failed and was reported
	}
	r.b.l.diags.Add(pos, code, format, args...)
}

// ok reports whether every attribute read so far was valid.
func (r *resolver) ok() bool { return !r.bad }

func (r *resolver) offPos(off int) diag.Pos {
	if r.c == nil { // a directive from --with: the flag is the position
		return r.dpos
	}
	return r.b.l.pos(r.c.Slash + token.Pos(off))
}

func (r *resolver) attrPos(key string) diag.Pos {
	if a, ok := r.vals[key]; ok {
		return r.offPos(a.KeyOff)
	}
	return r.dpos
}

func (r *resolver) has(key string) bool { _, ok := r.vals[key]; return ok }

// wrong reports a value of the wrong kind.
func (r *resolver) wrong(key, want string) {
	a := r.vals[key]
	r.add(r.offPos(a.Value.Off), diag.AttributeValue, "%s %s=%s: want %s", r.dir.Name, key, show(a.Value), want)
}

func (r *resolver) scalar(key string) (string, bool) {
	a, ok := r.vals[key]
	if !ok {
		return "", false
	}
	if a.Value.Kind != Bare && a.Value.Kind != Quoted {
		return "", false
	}
	return a.Value.Text, true
}

func (r *resolver) int(key string, def, lo, hi int) int {
	if !r.has(key) {
		return def
	}
	s, _ := r.scalar(key)
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < lo || n > hi {
		r.wrong(key, fmt.Sprintf("a whole number from %d to %d", lo, hi))
		return def
	}
	return n
}

func (r *resolver) num(key string, def, lo float64) float64 {
	if !r.has(key) {
		return def
	}
	s, _ := r.scalar(key)
	n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || n <= lo || math.IsInf(n, 0) || math.IsNaN(n) {
		r.wrong(key, "a number above 0")
		return def
	}
	return n
}

func (r *resolver) bool(key string, def bool) bool {
	if !r.has(key) {
		return def
	}
	s, _ := r.scalar(key)
	v, err := strconv.ParseBool(s)
	if err != nil {
		r.wrong(key, "true or false")
		return def
	}
	return v
}

func (r *resolver) str(key, def string) string {
	if !r.has(key) {
		return def
	}
	s, ok := r.scalar(key)
	if !ok {
		r.wrong(key, "a word or a quoted string")
		return def
	}
	return s
}

func (r *resolver) oneOf(key, def string, allowed ...string) string {
	s := r.str(key, def)
	if r.has(key) && !contains(allowed, s) {
		var names []string // the values to offer: all but "", which means unset
		for _, a := range allowed {
			if a != "" {
				names = append(names, a)
			}
		}
		r.add(r.offPos(r.vals[key].Value.Off), diag.AttributeValue, "%s %s=%q: want one of %s%s",
			r.dir.Name, key, s, strings.Join(names, ", "), didYouMean(s, names))
		return def
	}
	return s
}

func (r *resolver) strs(key string) []string {
	a, ok := r.vals[key]
	if !ok {
		return nil
	}
	if a.Value.Kind == Bare || a.Value.Kind == Quoted {
		return []string{a.Value.Text}
	}
	out := []string{}
	for _, e := range a.Value.List {
		if e.Kind != Bare && e.Kind != Quoted {
			r.wrong(key, "a list of words or strings")
			return nil
		}
		out = append(out, e.Text)
	}
	if a.Value.Kind != List {
		r.wrong(key, "a list, such as [a, b]")
	}
	return out
}

func (r *resolver) strMap(key string) map[string]string {
	a, ok := r.vals[key]
	if !ok {
		return nil
	}
	return r.toStrMap(a.Value, key)
}

func (r *resolver) toStrMap(v Value, key string) map[string]string {
	if v.Kind != Map {
		r.add(r.offPos(v.Off), diag.AttributeValue, "%s %s=%s: want a map, such as {KEY=value, OTHER=\"a b\"}", r.dir.Name, key, show(v))
		return nil
	}
	out := map[string]string{}
	for _, e := range v.Map {
		if e.Value.Kind != Bare && e.Value.Kind != Quoted {
			r.add(r.offPos(e.Value.Off), diag.AttributeValue, "%s %s: the value of %s must be a word or a string", r.dir.Name, key, e.Key)
			continue
		}
		out[e.Key] = e.Value.Text
	}
	return out
}

// maps reads a list of maps, such as tolerations=[{key=a, effect=NoSchedule}].
func (r *resolver) maps(key string) []map[string]string {
	a, ok := r.vals[key]
	if !ok {
		return nil
	}
	if a.Value.Kind != List {
		r.wrong(key, "a list of maps, such as [{key=k, operator=Exists}]")
		return nil
	}
	var out []map[string]string
	for _, e := range a.Value.List {
		if m := r.toStrMap(e, key); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// show prints a value back roughly as written.
func show(v Value) string {
	switch v.Kind {
	case Quoted:
		return strconv.Quote(v.Text)
	case List:
		parts := make([]string, len(v.List))
		for i, e := range v.List {
			parts[i] = show(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case Map:
		parts := make([]string, len(v.Map))
		for i, e := range v.Map {
			parts[i] = e.Key + "=" + show(e.Value)
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	return v.Text
}

// flowDirectives resolves the directives above the flow's type.
func (b *flowBuilder) flowDirectives() {
	seen := map[string]bool{}
	for _, c := range directiveLines(b.doc) {
		b.file.used[b.doc] = true
		r, spec := b.directive(b.file, c, seen, true)
		if r != nil {
			spec.flowFn(r, &b.flow.Decorators)
			b.flow.Decorators.Directives = append(b.flow.Decorators.Directives, r.written())
		}
	}
}

// stepDirectives resolves the directives above a step and checks those that
// depend on the step's kind.
func (b *flowBuilder) stepDirectives(s *step) {
	seen := map[string]bool{}
	at := map[string]diag.Pos{}
	d := &s.ir.Decorators
	for _, c := range directiveLines(s.decl.Doc) {
		s.file.used[s.decl.Doc] = true
		r, spec := b.directive(s.file, c, seen, false)
		if r == nil {
			continue
		}
		at[r.dir.Name] = r.dpos
		spec.step(r, d)
		d.Directives = append(d.Directives, r.written())
		if r.dir.Name == "catch" {
			b.checkCatch(s, r)
		}
	}
	if d.Cache != nil {
		b.checkCache(s)
	}
	if d.Kubernetes != nil && d.Batch != nil {
		later := at["batch"]
		if at["kubernetes"].Line > later.Line {
			later = at["kubernetes"]
		}
		b.l.diags.Add(later, diag.DirectiveConflict,
			"step %s has both kubernetes and batch; a step runs on one compute platform", s.ir.Name)
	}
}

// checkCatch checks catch's placement and its var.
func (b *flowBuilder) checkCatch(s *step, r *resolver) {
	if k := s.ir.Kind; k == ir.KindForeach || k == ir.KindConditional {
		r.add(r.dpos, diag.DirectivePlace, "catch cannot apply to %s step %s: a caught failure would have no successor to go on to", k, s.ir.Name)
	}
	b.checkCatchVar(r, s.ir.Decorators.Catch.Var)
}

// checkCatchVar checks that catch's var= names a *flow.CaughtError artifact.
func (b *flowBuilder) checkCatchVar(r *resolver, v string) {
	if v == "" {
		return
	}
	fd, ok := b.fields[v]
	switch {
	case !ok:
		r.add(r.attrPos("var"), diag.CatchVar, "catch var=%s: the flow has no exported field %s; add %s *flow.CaughtError%s",
			v, v, v, didYouMeanKey(v, b.fields))
	case fd.kind != artifactField || !b.l.isCaughtError(fd.typ):
		r.add(r.attrPos("var"), diag.CatchVar, "catch var=%s: field %s must be an artifact of type *flow.CaughtError, not %s", v, v, exprString(fd.typ))
	}
}

// runDependent are the Context methods whose result differs from run to
// run: a cached step that calls one would hand a later run a result made
// with another run's value.
var runDependent = []string{"RunID", "Pathspec", "OriginRunID"}

// checkCache reports each call of a run-dependent Context method in a
// //flow:cache step (function literals included: they may run within it).
func (b *flowBuilder) checkCache(s *step) {
	if s.decl.Body == nil {
		return
	}
	ctxType, _ := b.l.flowObj("Context").(*types.TypeName)
	if ctxType == nil {
		return
	}
	ast.Inspect(s.decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || !slices.Contains(runDependent, sel.Sel.Name) {
			return true
		}
		fn, ok := b.l.info.Uses[sel.Sel].(*types.Func)
		if !ok {
			return true
		}
		recv := fn.Type().(*types.Signature).Recv()
		if recv == nil {
			return true
		}
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if isFlowNamed(t, ctxType) {
			b.l.diags.Add(b.l.pos(sel.Sel.Pos()), diag.CacheRunDependent,
				"step %s has //flow:cache but calls %s(), which differs from run to run: a later run would reuse a result made with this run's value; remove the call or //flow:cache",
				s.ir.Name, sel.Sel.Name)
		}
		return true
	})
}

func (l *loader) isCaughtError(t ast.Expr) bool {
	p, ok := types.Unalias(orInvalid(l.typeOf(t))).(*types.Pointer)
	ce, _ := l.flowObj("CaughtError").(*types.TypeName)
	return ok && ce != nil && isFlowNamed(p.Elem(), ce)
}

// directive parses one directive line and checks its name, placement,
// repetition and attribute names. It returns nil when the directive cannot
// be resolved.
func (b *flowBuilder) directive(f *file, c *ast.Comment, seen map[string]bool, onFlow bool) (*resolver, *dirSpec) {
	dpos := b.l.pos(c.Slash)
	d, err := ParseDirective(c.Text)
	if err != nil {
		de := err.(*DirectiveError)
		b.l.diags.Add(b.l.pos(c.Slash+token.Pos(de.Off)), diag.DirectiveSyntax, "%s", de.Msg)
		return nil, nil
	}
	npos := b.l.pos(c.Slash + token.Pos(d.NameOff))
	spec, ok := directives[d.Name]
	if !ok {
		b.l.diags.Add(npos, diag.UnknownDirective, "unknown directive //flow:%s%s", d.Name, didYouMean(d.Name, directiveNames))
		return nil, nil
	}
	switch {
	case spec.flow && !onFlow:
		b.l.diags.Add(npos, diag.DirectivePlace, "%s is a flow directive: put it above the flow's type, not a step", d.Name)
		return nil, nil
	case !spec.flow && onFlow:
		b.l.diags.Add(npos, diag.DirectivePlace, "%s is a step directive: put it above a step, not the flow's type", d.Name)
		return nil, nil
	case seen[d.Name] && !spec.multiple:
		b.l.diags.Add(npos, diag.DuplicateDirective, "%s is given twice; merge the two lines", d.Name)
		return nil, nil
	}
	seen[d.Name] = true
	r := &resolver{b: b, c: c, dir: d, vals: map[string]Attr{}, dpos: dpos, irPos: b.l.irPos(c.Slash)}
	b.readAttrs(r, spec)
	return r, spec
}

// readAttrs checks the names of the directive's attributes against spec
// and resolves their ${...} references into r.vals.
func (b *flowBuilder) readAttrs(r *resolver, spec *dirSpec) {
	d := r.dir
	for _, a := range d.Attrs {
		apos := r.offPos(a.KeyOff)
		switch {
		case !contains(spec.attrs, a.Key):
			r.add(apos, diag.UnknownAttribute, "%s has no attribute %s%s", d.Name, a.Key, didYouMean(a.Key, spec.attrs))
		case r.has(a.Key):
			r.add(apos, diag.DuplicateDirective, "%s %s is given twice", d.Name, a.Key)
		default:
			r.refFailed = false
			a.Value = b.resolveRefs(r, a.Value)
			if r.refFailed {
				if r.skip == nil {
					r.skip = map[diag.Pos]bool{}
				}
				r.skip[apos], r.skip[r.offPos(a.Value.Off)] = true, true
			}
			r.vals[a.Key] = a
		}
	}
}

// strayDirectives reports //flow: lines that are not directly above a flow
// type or a step.
func (l *loader) strayDirectives() {
	for _, f := range l.files {
		for _, cg := range f.ast.Comments {
			if f.used[cg] {
				continue
			}
			for _, c := range directiveLines(cg) {
				l.diags.Add(l.pos(c.Slash), diag.StrayDirective,
					"directive %s is not directly above a flow type or a step; it has no effect", strings.Fields(c.Text)[0])
			}
		}
	}
}

func validEnvName(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

func validProjectName(s string) bool {
	if len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// maxSuggest bounds the candidates didYouMean searches. A suggestion is for
// a human's typo; in a flow with more steps or fields than this, which is
// generated code, it is skipped, so that checking a flow with thousands of
// bad names stays linear rather than comparing every name with every other.
const maxSuggest = 1000

// didYouMean returns " (did you mean X?)" for the closest candidate within
// an edit distance that makes it a likely typo, or "". Ties go to the
// candidate that sorts first, so the order of candidates does not matter.
func didYouMean(s string, candidates []string) string {
	if len(candidates) > maxSuggest {
		return ""
	}
	return suggest(s, slices.Values(candidates))
}

// didYouMeanKey is didYouMean over the keys of m.
func didYouMeanKey[V any](s string, m map[string]V) string {
	if len(m) > maxSuggest {
		return ""
	}
	return suggest(s, maps.Keys(m))
}

func suggest(s string, candidates iter.Seq[string]) string {
	limit := max(1, min(3, len(s)/3+1))
	low := appendLower(nil, s)
	best, bestD := "", limit+1
	var buf []rune
	for c := range candidates {
		if n := utf8.RuneCountInString(c); n-len(low) > limit || len(low)-n > limit {
			continue // more than limit edits apart: skip lowering it
		}
		buf = appendLower(buf[:0], c)
		d := editDistance(low, buf, limit)
		if d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	if best == "" || bestD == 0 && best == s {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// appendLower appends the runes of s, in lower case, to buf.
func appendLower(buf []rune, s string) []rune {
	for _, r := range s {
		buf = append(buf, unicode.ToLower(r))
	}
	return buf
}

// editDistance is the Levenshtein distance between a and b when it is at
// most bound, and bound+1 otherwise. Only cells within bound of the
// diagonal can hold a distance up to bound, so only those are computed:
// the cost is O(len(a)·bound), not O(len(a)·len(b)), which keeps a flow
// with thousands of misspelled names, or very long ones, fast to check.
func editDistance(a, b []rune, bound int) int {
	far := bound + 1
	if len(a)-len(b) > bound || len(b)-len(a) > bound {
		return far
	}
	var rows [2][32]int // names are short: keep the rows off the heap
	prev, cur := rows[0][:0], rows[1][:0]
	if len(b)+1 > len(rows[0]) {
		prev, cur = make([]int, 0, len(b)+1), make([]int, 0, len(b)+1)
	}
	prev, cur = prev[:len(b)+1], cur[:len(b)+1]
	for j := range prev {
		prev[j] = min(j, far)
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-bound), min(len(b), i+bound)
		cur[lo-1] = far
		if lo == 1 {
			cur[0] = min(i, far)
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost, far)
			rowMin = min(rowMin, cur[j])
		}
		if hi < len(b) {
			cur[hi+1] = far
		}
		if rowMin >= far {
			return far
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var _ = sort.Strings

// DidYouMean returns " (did you mean X?)" when one of candidates is a likely
// typo of s, or "": the suggestion flowc's diagnostics make, for the CLI.
func DidYouMean(s string, candidates []string) string { return didYouMean(s, candidates) }
