package stepfunctions

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/secrets"
)

// Name limits of the services.
const (
	maxMachineName  = 80 // a state machine's name
	maxScheduleName = 64 // an EventBridge Scheduler schedule's or rule's name
	maxStateName    = 80 // a state's name
	// maxStepName leaves room in a state name for the suffixes this target
	// adds to a step's name (".foreach", ".distributed" and the like).
	maxStepName = 60
)

// names are the deployed names of a flow's objects.
type names struct {
	machine string // the state machine; also the prefix of everything else
}

var (
	invalidNameChars = regexp.MustCompile(`[^A-Za-z0-9_-]+`)
)

// machineName is the state machine's name: the flow's name, prefixed by
// its project and branch under //flow:project. A name over the limit keeps
// its start and ends in a hash of the whole, so two long names never meet.
func machineName(flow, project, branch string) string {
	n := flow
	if project != "" {
		n = project + "-" + branch + "-" + flow
	}
	n = invalidNameChars.ReplaceAllString(n, "-")
	return shorten(n, maxMachineName)
}

// MachineName is the name flowc deploy gives the flow's state machine.
func MachineName(f *ir.Flow) string {
	project, branch := projectBranch(f)
	return machineName(f.Name, project, branch)
}

// PrefixedName is the state machine name of a flow deployed with
// --name-prefix prefix: prefix and the flow's machine name, cut to the
// limit as a name is.
func PrefixedName(prefix, machine string) string {
	if prefix == "" {
		return machine
	}
	return shorten(invalidNameChars.ReplaceAllString(prefix+machine, "-"), maxMachineName)
}

// projectBranch is the flow's //flow:project and its branch (main, or
// prod with production), or "", "".
func projectBranch(f *ir.Flow) (project, branch string) {
	if p := f.Decorators.Project; p != nil {
		project, branch = p.Name, p.Branch
		if branch == "" {
			branch = "main"
			if p.Production {
				branch = "prod"
			}
		}
	}
	return project, branch
}

// shorten cuts s to at most limit characters, replacing the tail by a hash
// of s when it is too long.
func shorten(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	h := hex.EncodeToString(sum[:])[:12]
	return s[:limit-len(h)-1] + "-" + h
}

// secretEnv is the environment variable a secret's value is put in: its
// name (the last part of an ARN) in upper case, other characters as _, as
// flowc run names it too (secrets.EnvName).
func secretEnv(src string) string { return secrets.EnvName(src) }

// arn is a parsed Amazon Resource Name.
type arn struct{ partition, service, region, account, resource string }

func parseARN(s string) (arn, bool) {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[1] == "" {
		return arn{}, false
	}
	return arn{p[1], p[2], p[3], p[4], p[5]}, true
}

// escapeIntrinsic escapes a literal string for an intrinsic function's
// argument: ', {, } and \ take a backslash.
func escapeIntrinsic(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\'', '{', '}', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// lit is a literal string argument of an intrinsic function.
func lit(s string) string { return "'" + escapeIntrinsic(s) + "'" }

// format is the template of a States.Format call: the literal pieces,
// escaped, with a {} placeholder between each two.
func format(pieces ...string) string {
	for i, p := range pieces {
		pieces[i] = escapeIntrinsic(p)
	}
	return "'" + strings.Join(pieces, "{}") + "'"
}

func jsonString(s string) []byte {
	data, _ := json.Marshal(s)
	return data
}
