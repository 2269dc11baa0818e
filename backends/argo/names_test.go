package argo

import (
	"go/token"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/project"
)

// TestStepName pins readable names and where a hash comes in.
func TestStepName(t *testing.T) {
	long := strings.Repeat("Step", 11) // 44 characters
	for _, c := range []struct{ step, want string }{
		{"Start", "start"},
		{"JoinModels", "joinmodels"},
		{"Load_Data", "load-data"},
		{"A__B", "a-b-" + hashSuffix("A__B")},                    // "--" is flowc's
		{"Café", "caf-" + hashSuffix("Café")},                    // not a DNS label
		{"X_deadbeef", "x-deadbeef-" + hashSuffix("X_deadbeef")}, // looks hashed
		{long, strings.Repeat("step", 11)[:31] + "-" + hashSuffix(long)},
		{"In", "in-" + hashSuffix("In")},    // an operator of Argo's depends expressions
		{"Len", "len"},                      // a builtin, which a variable shadows
		{"Nil", "nil-" + hashSuffix("Nil")}, // a literal
		{"Intake", "intake"},
	} {
		if got := stepName(c.step); got != c.want {
			t.Errorf("stepName(%q) = %q, want %q", c.step, got, c.want)
		}
	}
}

// FuzzStepName: every name is a DNS label of at most maxStepName without
// "--", and two step names the front end accepts together (identifiers
// that differ other than by case) never map to the same name.
func FuzzStepName(f *testing.F) {
	for _, s := range []string{"Start", "A__B", "Café", "X_deadbeef", strings.Repeat("Ab", 40), "a_b", "aB"} {
		f.Add(s, "End")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if !token.IsIdentifier(a) || !token.IsIdentifier(b) {
			t.Skip("step names are Go identifiers")
		}
		na, nb := stepName(a), stepName(b)
		for _, n := range []string{na, nb} {
			if len(n) > maxStepName || !dns1123Label.MatchString(n) || strings.Contains(n, reservedSep) {
				t.Fatalf("stepName gave %q", n)
			}
		}
		if !strings.EqualFold(a, b) && na == nb {
			t.Fatalf("stepName(%q) = stepName(%q) = %q", a, b, na)
		}
	})
}

// TestFlowBaseName: project and branch come first; a long name is cut
// with a hash to 52; a name that cannot be valid is an error.
func TestFlowBaseName(t *testing.T) {
	long := strings.Repeat("Very", 20)
	for _, c := range []struct{ flow, project, branch, want string }{
		{"Hello", "", "", "hello"},
		{"Fraud_Scoring", "fraud", "prod", "fraud-prod-fraud-scoring"},
		{long, "", "", strings.Repeat("very", 20)[:43] + "-" + hashSuffix(strings.Repeat("very", 20))},
		// A branch is user.NAME, test.NAME, prod.NAME: its readable part.
		{"Train", "fraud", "user.Bob.Smith@example.com", "fraud-user-bob-smith-example-com-train"},
		{"F", "p", "feature/x", "p-feature-x-f"},
		{"F", "p", "ü", "p-b-" + hashSuffix("ü") + "-f"},
	} {
		got, err := flowBaseName(c.flow, c.project, c.branch)
		if err != nil || got != c.want || len(got) > maxFlowName {
			t.Errorf("flowBaseName(%q, %q, %q) = %q, %v; want %q", c.flow, c.project, c.branch, got, err, c.want)
		}
	}
	for _, c := range [][3]string{{"Flüsse", "", ""}, {"_Flow", "", ""}, {"F", "_p", ""}} {
		if got, err := flowBaseName(c[0], c[1], c[2]); err == nil {
			t.Errorf("flowBaseName%q = %q, want an error", c, got)
		}
	}
}

// TestLabels checks the label and key checks against Kubernetes' rules.
func TestLabels(t *testing.T) {
	for v, ok := range map[string]bool{"": true, "a": true, "a.b_c-d": true, strings.Repeat("a", 63): true,
		strings.Repeat("a", 64): false, "-a": false, "a b": false} {
		if got := labelValue(v) == ""; got != ok {
			t.Errorf("labelValue(%q) ok = %v, want %v", v, got, ok)
		}
	}
	for k, ok := range map[string]bool{"team": true, "example.com/owner": true, "a/b/c": false, "Example.com/x": false, "/x": false, "": false} {
		if got := qualifiedName(k) == ""; got != ok {
			t.Errorf("qualifiedName(%q) ok = %v, want %v", k, got, ok)
		}
	}
}

// FuzzFlowBaseName: whatever the branch (a user's name may hold any
// character), a project flow's base name is a DNS-1123 label of at most
// 52 characters, and a flow and project that are valid never fail.
func FuzzFlowBaseName(f *testing.F) {
	for _, s := range []string{"user.ana", "prod", "test.x", "user.Bob.Smith@example.com", "ü", "", "user.-.-", strings.Repeat("b", 200)} {
		f.Add("Train", "fraud", s)
	}
	f.Fuzz(func(t *testing.T, flow, proj, branch string) {
		if !token.IsIdentifier(flow) || !isASCII(flow) || proj == "" || project.CheckName("project", proj) != nil || proj[0] >= '0' && proj[0] <= '9' {
			t.Skip("flow names are ASCII Go identifiers, project names lower case letters, digits and _")
		}
		if branch == "" {
			branch = "prod"
		}
		n, err := flowBaseName(flow, proj, branch)
		if strings.HasPrefix(flow, "_") || strings.HasSuffix(flow, "_") || strings.HasPrefix(proj, "_") || strings.HasSuffix(proj, "_") {
			return // "-" at an end: an error, as before
		}
		if err != nil {
			t.Fatalf("flowBaseName(%q, %q, %q): %v", flow, proj, branch, err)
		}
		if len(n) > maxFlowName || !dns1123Label.MatchString(n) {
			t.Fatalf("flowBaseName(%q, %q, %q) = %q", flow, proj, branch, n)
		}
	})
}

func isASCII(s string) bool {
	for _, r := range s {
		if r >= 0x80 {
			return false
		}
	}
	return true
}
