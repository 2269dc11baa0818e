package backends_test

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/backends/argo"
	_ "github.com/flowc-dev/flowc/backends/local"
	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
)

var update = flag.Bool("update", false, "rewrite the support lists in docs/")

// TestTargetOptions: every target makes fresh options of its own type
// whose Flags add only the target's own flags (RegisterFlags adds the
// common ones), and its Compile refuses another target's options with an
// error naming the target.
func TestTargetOptions(t *testing.T) {
	common := pflag.NewFlagSet("common", pflag.ContinueOnError)
	backends.RegisterFlags(common, noOptions{&backends.Common{}})
	for _, name := range backends.Names() {
		tg, _ := backends.Lookup(name)
		a, b := tg.NewOptions(), tg.NewOptions()
		if a == b || a.Shared() == b.Shared() {
			t.Errorf("%s: NewOptions returns the same value twice", name)
		}
		own := pflag.NewFlagSet(name, pflag.ContinueOnError)
		a.Flags(own)
		own.VisitAll(func(f *pflag.Flag) {
			if common.Lookup(f.Name) != nil {
				t.Errorf("%s: Flags registers the common flag --%s", name, f.Name)
			}
			if f.Usage == "" {
				t.Errorf("%s: flag --%s has no help text", name, f.Name)
			}
		})
		all := pflag.NewFlagSet(name, pflag.ContinueOnError)
		backends.RegisterFlags(all, a) // panics on a flag defined twice
		for _, other := range backends.Names() {
			if other == name {
				continue
			}
			ot, _ := backends.Lookup(other)
			_, _, err := tg.Compile(&ir.Flow{Name: "F"}, ot.NewOptions())
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%s: Compile with %s's options: err %v, want one naming %s", name, other, err, name)
			}
		}
	}
}

// noOptions has the common options and nothing else.
type noOptions struct{ *backends.Common }

func (noOptions) Flags(*pflag.FlagSet) {}
func (noOptions) Check() error         { return nil }

// TestSupportComplete: every directive and attribute the front end knows
// has a rule on every target, and no rule names one it does not know, so
// a new directive or attribute is decided on each target, never silently
// ignored (and one the table lacks would be refused, see
// TestSupportDiagnose).
func TestSupportComplete(t *testing.T) {
	schema := parser.DirectiveAttrs()
	if len(schema) < 13 {
		t.Fatalf("parser.DirectiveAttrs has %d directives, want every one", len(schema))
	}
	for _, name := range backends.Names() {
		tg, _ := backends.Lookup(name)
		missing, unknown := tg.Support().Missing(schema)
		for _, m := range missing {
			t.Errorf("%s: no rule for %s: add Yes, No(why) or Ignored(why) to its Support", name, m)
		}
		for _, u := range unknown {
			t.Errorf("%s: a rule names %s, which the front end does not know", name, u)
		}
	}
}

// supportDocs are the docs that list what each target refuses and
// ignores, between the markers.
var supportDocs = map[string]string{
	"argo":           "../docs/argo.md",
	"step-functions": "../docs/step-functions.md",
}

const (
	docBegin = "<!-- support table: begin (made by go test ./backends -update) -->\n"
	docEnd   = "<!-- support table: end -->\n"
)

// TestSupportDocs: the docs' lists of what a target refuses and ignores
// are its table's (-update rewrites them).
func TestSupportDocs(t *testing.T) {
	for name, path := range supportDocs {
		tg, err := backends.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc := string(data)
		i, j := strings.Index(doc, docBegin), strings.Index(doc, docEnd)
		if i < 0 || j < i {
			t.Errorf("%s has no support table between %q and %q", path, docBegin, docEnd)
			continue
		}
		want := tg.Support().Markdown()
		got := doc[i+len(docBegin) : j]
		if got == want {
			continue
		}
		if *update {
			doc = doc[:i+len(docBegin)] + want + doc[j:]
			if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s: the support list is not %s's table (go test ./backends -update rewrites it):\n--- got\n%s--- want\n%s", filepath.Base(path), name, got, want)
	}
}

// samples are one valid use of each attribute the front end knows, keyed
// "DIRECTIVE ATTRIBUTE": the whole directive line, with what else the
// directive needs. flowDirs are the directives above the flow's type.
var samples = map[string]string{
	"retry times":                         "retry times=1",
	"retry minutes_between_retries":       "retry minutes_between_retries=1",
	"catch var":                           "catch var=Failure",
	"catch print_exception":               "catch print_exception=false",
	"timeout seconds":                     "timeout seconds=30",
	"timeout minutes":                     "timeout minutes=1",
	"timeout hours":                       "timeout hours=1",
	"resources cpu":                       "resources cpu=2",
	"resources gpu":                       "resources gpu=1",
	"resources memory":                    "resources memory=1024",
	"resources disk":                      "resources disk=100",
	"resources shared_memory":             "resources shared_memory=64",
	"environment vars":                    "environment vars={A=b}",
	"secrets sources":                     "secrets sources=[" + secretARN + "]",
	"secrets role":                        "secrets sources=[" + secretARN + "] role=arn:aws:iam::123456789012:role/r",
	"secrets allow_override":              "secrets sources=[" + secretARN + "] allow_override=true",
	"card type":                           "card type=blank",
	"card id":                             "card id=x",
	"card timeout":                        "card timeout=10",
	"card options":                        "card options={a=b}",
	"card refresh_interval":               "card refresh_interval=3",
	"card save_errors":                    "card save_errors=false",
	"kubernetes cpu":                      "kubernetes cpu=2",
	"kubernetes memory":                   "kubernetes memory=1024",
	"kubernetes disk":                     "kubernetes disk=100",
	"kubernetes gpu":                      "kubernetes gpu=1",
	"kubernetes gpu_vendor":               "kubernetes gpu_vendor=amd",
	"kubernetes image":                    "kubernetes image=img:1",
	"kubernetes image_pull_policy":        "kubernetes image_pull_policy=Always",
	"kubernetes namespace":                "kubernetes namespace=flowc",
	"kubernetes service_account":          "kubernetes service_account=sa",
	"kubernetes secrets":                  "kubernetes secrets=[s]",
	"kubernetes node_selector":            "kubernetes node_selector={a=b}",
	"kubernetes tolerations":              "kubernetes tolerations=[{key=k, operator=Exists}]",
	"kubernetes labels":                   "kubernetes labels={a=b}",
	"kubernetes annotations":              "kubernetes annotations={a=b}",
	"kubernetes use_tmpfs":                "kubernetes use_tmpfs=true",
	"kubernetes tmpfs_size":               "kubernetes tmpfs_size=100",
	"kubernetes tmpfs_path":               "kubernetes tmpfs_path=/t",
	"kubernetes persistent_volume_claims": "kubernetes persistent_volume_claims={c=/m}",
	"kubernetes shared_memory":            "kubernetes shared_memory=64",
	"kubernetes port":                     "kubernetes port=8080",
	"kubernetes compute_pool":             "kubernetes compute_pool=p",
	"kubernetes qos":                      "kubernetes qos=Guaranteed",
	"batch cpu":                           "batch cpu=2",
	"batch gpu":                           "batch gpu=1",
	"batch memory":                        "batch memory=1024",
	"batch image":                         "batch image=img:1",
	"batch queue":                         "batch queue=q",
	"batch iam_role":                      "batch iam_role=arn:aws:iam::123456789012:role/j",
	"batch execution_role":                "batch execution_role=arn:aws:iam::123456789012:role/e",
	"batch shared_memory":                 "batch shared_memory=64",
	"batch max_swap":                      "batch max_swap=10",
	"batch swappiness":                    "batch swappiness=10",
	"batch use_tmpfs":                     "batch use_tmpfs=true",
	"batch tmpfs_size":                    "batch tmpfs_size=100",
	"batch tmpfs_path":                    "batch tmpfs_path=/t",
	"batch inferentia":                    "batch inferentia=1",
	"batch trainium":                      "batch trainium=1",
	"batch efa":                           "batch efa=1",
	"batch ephemeral_storage":             "batch ephemeral_storage=30",
	"batch log_driver":                    "batch log_driver=awslogs",
	"batch log_options":                   `batch log_options=["max-size=10m"]`,
	"batch privileged":                    "batch privileged=true",
	"batch aws_batch_tags":                "batch aws_batch_tags={a=b}",
	"batch host_volumes":                  "batch host_volumes=[/h]",
	"batch efs_volumes":                   "batch efs_volumes=[fs-1]",
	"schedule cron":                       `schedule cron="0 2 * * *"`,
	"schedule weekly":                     "schedule weekly=true",
	"schedule daily":                      "schedule daily=true",
	"schedule hourly":                     "schedule hourly=true",
	"schedule timezone":                   `schedule timezone="Europe/Amsterdam"`,
	"project name":                        "project name=fraud",
	"project branch":                      "project name=fraud branch=b",
	"project production":                  "project name=fraud production=true",
	"trigger event":                       "trigger event=go",
	"trigger events":                      "trigger events=[go, went]",
	"trigger options":                     "trigger event=go options={a=b}",
	"trigger_on_finish flow":              "trigger_on_finish flow=Other",
	"trigger_on_finish flows":             "trigger_on_finish flows=[Other, Another]",
	"trigger_on_finish options":           "trigger_on_finish flow=Other options={a=b}",
	"exit_hook on_success":                "exit_hook on_success=Hook",
	"exit_hook on_error":                  "exit_hook on_error=[Hook, Hook]",
}

const secretARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"

var flowDirs = map[string]bool{"schedule": true, "project": true, "trigger": true, "trigger_on_finish": true, "exit_hook": true}

// TestSupportCompiled: each attribute of each directive, used in a flow
// the front end accepts and compiled for every target, is either taken
// (no FLOW080 for it) or refused (a FLOW080 naming it at the directive),
// as the target's column says. samples must cover every attribute, so a
// new one is compiled on every target too.
func TestSupportCompiled(t *testing.T) {
	schema := parser.DirectiveAttrs()
	for dir, attrs := range schema {
		for _, a := range attrs {
			if _, ok := samples[dir+" "+a]; !ok {
				t.Errorf("samples has no use of %s %s", dir, a)
			}
		}
	}
	// One package holds a flow per sample (loading a package type-checks
	// it, which takes a while): flow Fn uses sample keys[n].
	keys := slices.Sorted(maps.Keys(samples))
	var src strings.Builder
	src.WriteString("package p\n\nimport (\n\t\"context\"\n\n\t\"github.com/flowc-dev/flowc/flow\"\n)\n")
	src.WriteString("\nfunc Hook(ctx context.Context, r flow.RunInfo) error { return nil }\n") // for exit_hook
	for n, key := range keys {
		dir, attr, _ := strings.Cut(key, " ")
		if !slices.Contains(schema[dir], attr) {
			t.Errorf("samples has %s, which the front end does not know", key)
		}
		flowDir, stepDir := "//", "//flow:"+samples[key]
		if flowDirs[dir] {
			flowDir, stepDir = "//flow:"+samples[key], "//"
		}
		fmt.Fprintf(&src, "\n%s\ntype F%d struct {\n\tFailure *flow.CaughtError\n}\n\n%s\n"+
			"func (f *F%[2]d) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }\n\nfunc (f *F%[2]d) End(c *flow.Context) {}\n",
			flowDir, n, stepDir)
	}
	pkg, diags := parser.LoadFiles(t.TempDir(), map[string][]byte{"flow.go": []byte(src.String())}, parser.Options{})
	for _, f := range pkg.Flows {
		diags = append(diags, check.Flow(f)...)
	}
	if len(diags) > 0 || len(pkg.Flows) != len(keys) {
		t.Fatalf("the samples do not check clean (%d flows): %v", len(pkg.Flows), diags)
	}
	for _, f := range pkg.Flows {
		n, _ := strconv.Atoi(strings.TrimPrefix(f.Name, "F"))
		key := keys[n]
		dir, attr, _ := strings.Cut(key, " ")
		for _, name := range backends.Names() {
			tg, _ := backends.Lookup(name)
			_, diags, err := tg.Compile(f, sampleOptions(tg))
			if err != nil {
				t.Fatalf("%s on %s: %v", key, name, err)
			}
			var refusals []string
			for _, d := range diags {
				if d.Code == diag.TargetUnsupported && strings.Contains(d.Message, " is not supported: ") {
					refusals = append(refusals, d.Message)
				}
			}
			want := ""
			if r, _ := tg.Support().Rule(dir, ""); r.Refused() {
				want = "//flow:" + dir + " is not supported"
			} else if r, _ := tg.Support().Rule(dir, attr); r.Refused() {
				want = " " + dir + " " + attr + "= is not supported"
			}
			switch {
			case want == "" && len(refusals) > 0:
				t.Errorf("%s on %s: refused (%q), but its column takes it", key, name, refusals)
			case want != "" && (len(refusals) != 1 || !strings.Contains(refusals[0], want)):
				t.Errorf("%s on %s: refusals %q, want one with %q", key, name, refusals, want)
			}
		}
	}
}

// sampleOptions are options that pass the target's Check.
func sampleOptions(tg backends.Target) backends.Options {
	o := tg.NewOptions()
	*o.Shared() = backends.Common{Image: "img:1", DatastoreRoot: "s3://bucket/flowc"}
	switch o := o.(type) {
	case *argo.Options:
		o.Namespace = "flowc"
	case *stepfunctions.Options:
		o.JobQueue = "arn:aws:batch:eu-west-1:123456789012:job-queue/flowc"
		o.Role = "arn:aws:iam::123456789012:role/flowc"
	}
	if err := o.Check(); err != nil {
		panic(err)
	}
	return o
}
