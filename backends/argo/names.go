package argo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// Kubernetes and Argo name limits. A Workflow made from the template is
// named <template>-<5 chars> and a CronWorkflow's runs <cron>-<10-digit
// timestamp>; both names become label values (at most 63 characters), so
// the base name of a flow's objects is kept to 52. Step names become
// template and task names; with the suffixes flowc adds ("--each",
// "--loop", "--body") and Argo's node names they stay readable at 40.
const (
	maxFlowName = 52
	maxStepName = 40
	maxLabel    = 63
	hashLen     = 8
	reservedSep = "--" // only names flowc makes itself contain it
	entrypoint  = "flow--main"
)

// dns1123Label is a lowercase RFC 1123 label, the shape of every name
// flowc makes.
var dns1123Label = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// hashSuffix is the first hashLen hex digits of the SHA-256 of s.
func hashSuffix(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:hashLen]
}

// plain lowercases a Go identifier and writes "_" as "-". On ASCII
// identifiers it is injective among names that do not differ only by case
// (which the front end rejects, FLOW027), since an identifier has no "-".
func plain(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "_", "-")
}

// squash keeps the characters of a DNS label, writes others as "-", and
// collapses and trims runs of "-": the readable part of a hashed name.
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// stepName maps a step name to the name of its template and DAG task. A
// name whose plain form is a valid label without "--", fits, and is no
// word of Argo's expression language (exprWords) is kept readable ("JoinModels" is "joinmodels"); any other gets a readable prefix
// and a hash of the whole step name, so that the mapping stays injective:
// plain names never contain "--" and hashed names end in a hash of the
// original. Names with "--" are flowc's own (the entrypoint, fan-out and
// loop tasks), so they never collide with a step's.
func stepName(step string) string {
	p := plain(step)
	if len(p) <= maxStepName && dns1123Label.MatchString(p) && !strings.Contains(p, reservedSep) && !looksHashed(p) && !exprWords[strings.ReplaceAll(p, "-", "_")] {
		return p
	}
	prefix := squash(step)
	if max := maxStepName - hashLen - 1; len(prefix) > max {
		prefix = strings.TrimRight(prefix[:max], "-")
	}
	if prefix == "" {
		return "s-" + hashSuffix(step)
	}
	return prefix + "-" + hashSuffix(step)
}

// exprWords are the words of Argo's expression language (expr-lang
// v1.17) that cannot name a variable: its word operators and literals.
// Argo evaluates a task's depends with the task names, "-" written "_",
// as variables, so a task named "in" or "nil" breaks every depends that
// names it ("unexpected token"); such a step name is hashed like an invalid
// one. Builtins (len, join, sort) are fine: a variable shadows them.
var exprWords = map[string]bool{
	"not": true, "in": true, "or": true, "and": true, "matches": true, "contains": true,
	"let": true, "if": true, "else": true, "true": true, "false": true, "nil": true,
}

// looksHashed reports whether a plain name ends like a hashed one, "-"
// and hashLen hex digits; such a name is hashed too, so that it cannot
// equal another step's hashed name.
func looksHashed(p string) bool {
	i := len(p) - hashLen - 1
	if i < 1 || p[i] != '-' {
		return false
	}
	for _, r := range p[i+1:] {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// flowBaseName is the name of a flow's WorkflowTemplate, CronWorkflow and
// Sensor: the plain flow name, after the project and branch when the flow
// has //flow:project (Metaflow's PROJECT.BRANCH.FLOW, written with "-":
// fraud-user-ana-training). It returns an error naming the part that cannot be
// made a valid name; a name too long is shortened with a hash.
func flowBaseName(flow, project, branch string) (string, error) {
	var parts []string
	for _, p := range []struct{ what, v string }{{"project", project}, {"branch", branch}, {"flow", flow}} {
		if p.v == "" {
			continue
		}
		n := plain(p.v)
		if p.what == "branch" {
			// A branch is user.NAME, test.NAME, prod or prod.NAME, NAME
			// a user's name that may hold any character: its readable
			// part is kept.
			if n = squash(p.v); n == "" {
				n = "b-" + hashSuffix(p.v)
			}
		}
		if !dns1123Label.MatchString(n) {
			return "", fmt.Errorf("%s name %q cannot be a Kubernetes name: after lowercasing and writing _ as -, it must be letters a-z, digits and -, starting and ending with a letter or digit", p.what, p.v)
		}
		parts = append(parts, n)
	}
	name := strings.Join(parts, "-")
	if name[0] >= '0' && name[0] <= '9' {
		return "", fmt.Errorf("name %q must start with a letter", name)
	}
	if len(name) > maxFlowName {
		name = strings.TrimRight(name[:maxFlowName-hashLen-1], "-") + "-" + hashSuffix(name)
	}
	return name, nil
}

// labelValue reports why v is not a valid Kubernetes label value, or "".
func labelValue(v string) string {
	if len(v) > maxLabel {
		return fmt.Sprintf("is %d characters long; a label value has at most %d", len(v), maxLabel)
	}
	if v != "" && !labelValueRE.MatchString(v) {
		return "must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit"
	}
	return ""
}

var labelValueRE = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`)

// qualifiedName reports why k is not a valid label or annotation key, or "".
func qualifiedName(k string) string {
	prefix, name, found := strings.Cut(k, "/")
	if !found {
		name, prefix = prefix, ""
	}
	if found && (prefix == "" || len(prefix) > 253 || !dnsSubdomain.MatchString(prefix)) {
		return "has a prefix that is not a DNS subdomain"
	}
	if name == "" || len(name) > 63 || !labelValueRE.MatchString(name) {
		return "must be at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit, after an optional DNS-subdomain prefix and '/'"
	}
	return ""
}

var dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// TemplateName is the name of flow f's WorkflowTemplate (and CronWorkflow
// and Sensor), as Compile names it: flowc trigger argo finds the template
// by it.
func TemplateName(f *ir.Flow) (string, error) {
	project, branch := "", ""
	if p := f.Decorators.Project; p != nil {
		project, branch = p.Name, p.Branch
		if branch == "" && p.Production {
			branch = "prod"
		}
	}
	return flowBaseName(f.Name, project, branch)
}
