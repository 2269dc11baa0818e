// Package project resolves a flow's project and branch, as Metaflow's
// @project does, and the identity of the user who runs or deploys it: the
// facts flowc records as a run's system tags (project:P, project_branch:B,
// production, user:NAME) and the names it deploys a flow under. It reads
// the environment and nothing else: the task runner links it.
package project

import (
	"fmt"
	"os"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// The environment variables that carry a run's identity from flowc, or
// from a deployed workflow, to the task runner.
const (
	UserEnv       = "FLOWC_USER"       // the user a run belongs to
	ProjectEnv    = "FLOWC_PROJECT"    // the project's name
	BranchEnv     = "FLOWC_BRANCH"     // the resolved branch (user.ana, test.x, prod, prod.x)
	ProductionEnv = "FLOWC_PRODUCTION" // "true" on a production branch
	OriginEnv     = "FLOWC_ORIGIN_RUN_ID"
	TokenEnv      = "FLOWC_PRODUCTION_TOKEN"
)

// MaxName is the longest project or branch name, as in Metaflow.
const MaxName = 128

// Info is a run's or a deployment's project: its name, the branch
// resolved from the flow's //flow:project, --branch, --production and the
// user, and whether that branch is a production one.
type Info struct {
	Name       string
	Branch     string
	Production bool
}

// Username is the name of the user running flowc: FLOWC_USER, else USER,
// else LOGNAME, else what lookup returns (the operating system's account,
// for the callers that may link os/user; nil in the task runner), else
// "unknown".
func Username(lookup func() string) string {
	for _, k := range []string{UserEnv, "USER", "LOGNAME"} {
		if v := strings.TrimSpace(os.Getenv(k)); v != "" {
			return v
		}
	}
	if lookup != nil {
		if v := lookup(); v != "" {
			return v
		}
	}
	return "unknown"
}

// UserNamespace is the namespace of user name's runs, "user:NAME".
func UserNamespace(name string) string { return "user:" + name }

// CheckName reports why s cannot be a project or branch name given by a
// user: lower case letters, digits and _, at most MaxName characters.
func CheckName(what, s string) error {
	if s == "" {
		return fmt.Errorf("%s name is empty", what)
	}
	if len(s) > MaxName {
		return fmt.Errorf("%s name %q is %d characters long; at most %d", what, s, len(s), MaxName)
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return fmt.Errorf("%s name %q must be lower case letters, digits and _", what, s)
		}
	}
	return nil
}

// Resolve returns the project of flow f for a run or deployment by user,
// given --branch and --production, as Metaflow's @project resolves it:
//
//   - production (--production, or production=true in the directive):
//     "prod", or "prod.BRANCH" with a branch;
//   - a branch (--branch, or branch= in the directive): "test.BRANCH";
//   - neither: the user's own branch, "user.USER".
//
// A flag that contradicts the directive is an error, as is a branch that is
// not lower case letters, digits and _. A flow without //flow:project has
// no project: Resolve returns nil, and an error when a flag was given.
func Resolve(f *ir.Flow, branch string, production bool, user string) (*Info, error) {
	p := f.Decorators.Project
	if p == nil {
		if branch != "" || production {
			return nil, fmt.Errorf("flow %s has no //flow:project: --branch and --production name a project's branches", f.Name)
		}
		return nil, nil
	}
	if branch != "" {
		if p.Branch != "" && p.Branch != branch {
			return nil, fmt.Errorf("--branch %s: flow %s fixes branch=%s in its //flow:project; remove one of them", branch, f.Name, p.Branch)
		}
		if err := CheckName("branch", branch); err != nil {
			return nil, fmt.Errorf("--branch: %w", err)
		}
	} else {
		branch = p.Branch
	}
	production = production || p.Production
	info := &Info{Name: p.Name, Production: production}
	switch {
	case production && branch != "":
		info.Branch = "prod." + branch
	case production:
		info.Branch = "prod"
	case branch != "":
		info.Branch = "test." + branch
	default:
		info.Branch = "user." + user
	}
	return info, nil
}

// Apply returns a copy of f whose //flow:project holds the resolved branch
// and production flag, the flow a target compiles (deployed names and the
// tasks' environment come from it); f is unchanged. It returns f itself
// when info is nil.
func Apply(f *ir.Flow, info *Info) *ir.Flow {
	if info == nil || f.Decorators.Project == nil {
		return f
	}
	c := *f
	p := *f.Decorators.Project
	p.Branch, p.Production = info.Branch, info.Production
	c.Decorators.Project = &p
	return &c
}

// FlowName is the name Metaflow gives a project's flow,
// PROJECT.BRANCH.FLOW, before a target makes it a valid name of its own.
func (i *Info) FlowName(flow string) string {
	if i == nil {
		return flow
	}
	return i.Name + "." + i.Branch + "." + flow
}

// Tags are the run's system tags for the project: project:P,
// project_branch:B and, on a production branch, production.
func (i *Info) Tags() []string {
	if i == nil {
		return nil
	}
	t := []string{"project:" + i.Name, "project_branch:" + i.Branch}
	if i.Production {
		t = append(t, "production")
	}
	return t
}

// Env is the environment that carries i to the task runner: FLOWC_PROJECT,
// FLOWC_BRANCH and FLOWC_PRODUCTION, as NAME=VALUE.
func (i *Info) Env() []string {
	if i == nil {
		return nil
	}
	return []string{ProjectEnv + "=" + i.Name, BranchEnv + "=" + i.Branch, ProductionEnv + "=" + fmt.Sprint(i.Production)}
}

// FromEnv is the project the environment describes (Env), or nil.
func FromEnv() *Info {
	name := os.Getenv(ProjectEnv)
	if name == "" {
		return nil
	}
	return &Info{Name: name, Branch: os.Getenv(BranchEnv), Production: os.Getenv(ProductionEnv) == "true"}
}

// OfFlow is the project of a flow a target compiles: the resolved branch
// that Apply wrote into its //flow:project, or nil without one. A flow
// compiled without flowc resolving it (a test's) has the directive's own
// branch: "prod" for production=true without a branch.
func OfFlow(f *ir.Flow) *Info {
	p := f.Decorators.Project
	if p == nil {
		return nil
	}
	i := &Info{Name: p.Name, Branch: p.Branch, Production: p.Production}
	if i.Branch == "" && i.Production {
		i.Branch = "prod"
	}
	return i
}

// EndEvent is the event a succeeded run of flow sends where the engine
// posts events (Argo with --event-url): "flowc.FLOW.end", and in a project
// "flowc.PROJECT.BRANCH.FLOW.end", so that //flow:trigger_on_finish in a
// project hears only the flows of its own project and branch, as in
// Metaflow. i may be nil.
func (i *Info) EndEvent(flow string) string {
	return "flowc." + i.FlowName(flow) + ".end"
}
