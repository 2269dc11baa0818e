package project

import (
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/ir"
)

func flowWith(p *ir.Project) *ir.Flow {
	f := &ir.Flow{Name: "Train"}
	f.Decorators.Project = p
	return f
}

func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		name       string
		p          *ir.Project
		branch     string
		production bool
		want       string // branch, or "error: text"
		prod       bool
	}{
		{"default is the user's branch", &ir.Project{Name: "fraud"}, "", false, "user.ana", false},
		{"--branch", &ir.Project{Name: "fraud"}, "exp1", false, "test.exp1", false},
		{"--production", &ir.Project{Name: "fraud"}, "", true, "prod", true},
		{"--production --branch", &ir.Project{Name: "fraud"}, "blue", true, "prod.blue", true},
		{"branch in source", &ir.Project{Name: "fraud", Branch: "staging"}, "", false, "test.staging", false},
		{"same branch in source and flag", &ir.Project{Name: "fraud", Branch: "staging"}, "staging", false, "test.staging", false},
		{"production in source", &ir.Project{Name: "fraud", Production: true}, "", false, "prod", true},
		{"production in source, --branch", &ir.Project{Name: "fraud", Production: true}, "x", false, "prod.x", true},
		{"conflicting branch", &ir.Project{Name: "fraud", Branch: "staging"}, "other", false, "error: fixes branch=staging", false},
		{"bad branch", &ir.Project{Name: "fraud"}, "Feature-X", false, "error: lower case letters, digits and _", false},
		{"long branch", &ir.Project{Name: "fraud"}, strings.Repeat("a", 129), false, "error: at most 128", false},
		{"no project, --branch", nil, "x", false, "error: has no //flow:project", false},
		{"no project, --production", nil, "", true, "error: has no //flow:project", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Resolve(flowWith(tc.p), tc.branch, tc.production, "ana")
			if want, ok := strings.CutPrefix(tc.want, "error: "); ok {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("Resolve = %+v, %v; want an error with %q", info, err, want)
				}
				return
			}
			if err != nil || info.Branch != tc.want || info.Production != tc.prod || info.Name != "fraud" {
				t.Fatalf("Resolve = %+v, %v; want branch %s production %v", info, err, tc.want, tc.prod)
			}
		})
	}
	if info, err := Resolve(flowWith(nil), "", false, "ana"); info != nil || err != nil {
		t.Errorf("no project: %+v, %v", info, err)
	}
}

func TestInfo(t *testing.T) {
	i := &Info{Name: "fraud", Branch: "prod.blue", Production: true}
	if got := i.FlowName("Train"); got != "fraud.prod.blue.Train" {
		t.Errorf("FlowName = %s", got)
	}
	if got := i.Tags(); !slices.Equal(got, []string{"project:fraud", "project_branch:prod.blue", "production"}) {
		t.Errorf("Tags = %v", got)
	}
	for _, kv := range i.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	if got := FromEnv(); *got != *i {
		t.Errorf("FromEnv = %+v, want %+v", got, i)
	}
	var none *Info
	if none.Tags() != nil || none.Env() != nil || none.FlowName("Train") != "Train" {
		t.Error("a nil Info has tags, environment or a project flow name")
	}
	t.Setenv(ProjectEnv, "")
	if FromEnv() != nil {
		t.Error("FromEnv without FLOWC_PROJECT is not nil")
	}
}

func TestApply(t *testing.T) {
	f := flowWith(&ir.Project{Name: "fraud", Branch: "staging"})
	g := Apply(f, &Info{Name: "fraud", Branch: "test.staging"})
	if f.Decorators.Project.Branch != "staging" || g.Decorators.Project.Branch != "test.staging" {
		t.Errorf("Apply changed the original or did not apply: %+v %+v", f.Decorators.Project, g.Decorators.Project)
	}
	if got := OfFlow(g); got.Branch != "test.staging" {
		t.Errorf("OfFlow = %+v", got)
	}
	if got := OfFlow(flowWith(&ir.Project{Name: "fraud", Production: true})); got.Branch != "prod" {
		t.Errorf("OfFlow of production=true = %+v", got)
	}
	if Apply(f, nil) != f || OfFlow(flowWith(nil)) != nil {
		t.Error("Apply(nil) or OfFlow without a project")
	}
}

func TestUsername(t *testing.T) {
	t.Setenv("FLOWC_USER", "")
	t.Setenv("USER", "")
	t.Setenv("LOGNAME", "")
	if got := Username(nil); got != "unknown" {
		t.Errorf("nothing set: %s", got)
	}
	if got := Username(func() string { return "osuser" }); got != "osuser" {
		t.Errorf("lookup: %s", got)
	}
	t.Setenv("LOGNAME", "logname")
	if got := Username(func() string { return "osuser" }); got != "logname" {
		t.Errorf("LOGNAME: %s", got)
	}
	t.Setenv("USER", "user")
	if got := Username(nil); got != "user" {
		t.Errorf("USER: %s", got)
	}
	t.Setenv("FLOWC_USER", "flowc")
	if got := Username(nil); got != "flowc" {
		t.Errorf("FLOWC_USER: %s", got)
	}
}
