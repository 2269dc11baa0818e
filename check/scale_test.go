package check_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/parser"
)

// header starts every generated flow.
const header = "package p\n\nimport \"github.com/flowc-dev/flowc/flow\"\n\n"

// chain returns a flow of n linear steps between Start and End; step i's
// name is name(i) and it goes to target(i).
func chain(n int, name func(int) string, target func(int) string) string {
	var b strings.Builder
	b.WriteString(header + "type F struct{}\n\n")
	b.WriteString("func (f *F) Start(c *flow.Context) flow.Next { return flow.Goto(f." + name(0) + ") }\n")
	for i := range n {
		fmt.Fprintf(&b, "func (f *F) %s(c *flow.Context) flow.Next { return flow.Goto(f.%s) }\n", name(i), target(i))
	}
	b.WriteString("func (f *F) End(c *flow.Context) {}\n")
	return b.String()
}

func stepName(i int) string { return fmt.Sprintf("S%d", i) }

// nestedBranches returns a flow whose branches nest depth deep, each
// closed by its own join.
func nestedBranches(depth int) string {
	var b strings.Builder
	b.WriteString(header + "type F struct{}\n\n")
	b.WriteString("func (f *F) Start(c *flow.Context) flow.Next { return flow.Goto(f.B0) }\n")
	for i := range depth {
		fmt.Fprintf(&b, "func (f *F) B%d(c *flow.Context) flow.Next { return flow.Branch(f.L%d, f.R%d) }\n", i, i, i)
		fmt.Fprintf(&b, "func (f *F) R%d(c *flow.Context) flow.Next { return flow.Goto(f.J%d) }\n", i, i)
		next := fmt.Sprintf("B%d", i+1)
		if i == depth-1 {
			next = fmt.Sprintf("J%d", i)
		}
		fmt.Fprintf(&b, "func (f *F) L%d(c *flow.Context) flow.Next { return flow.Goto(f.%s) }\n", i, next)
		after := fmt.Sprintf("J%d", i-1)
		if i == 0 {
			after = "End"
		}
		fmt.Fprintf(&b, "func (f *F) J%d(c *flow.Context, in flow.Inputs[F]) flow.Next { return flow.Goto(f.%s) }\n", i, after)
	}
	b.WriteString("func (f *F) End(c *flow.Context) {}\n")
	return b.String()
}

// catches returns a flow of n fields and n steps whose catch directives
// name fields that do not exist.
func catches(n int) string {
	var b strings.Builder
	b.WriteString(header + "type F struct{\n")
	for i := range n {
		fmt.Fprintf(&b, "\tE%d *flow.CaughtError\n", i)
	}
	b.WriteString("}\n\nfunc (f *F) Start(c *flow.Context) flow.Next { return flow.Goto(f.S0) }\n")
	for i := range n {
		next := stepName(i + 1)
		if i == n-1 {
			next = "End"
		}
		fmt.Fprintf(&b, "//flow:catch var=X%d\nfunc (f *F) S%d(c *flow.Context) flow.Next { return flow.Goto(f.%s) }\n", i, i, next)
	}
	b.WriteString("func (f *F) End(c *flow.Context) {}\n")
	return b.String()
}

// wideBranch returns a flow whose Start branches into n arms that meet in
// one join.
func wideBranch(n int) string {
	var b strings.Builder
	b.WriteString(header + "type F struct{}\n\nfunc (f *F) Start(c *flow.Context) flow.Next {\n\treturn flow.Branch(")
	for i := range n {
		fmt.Fprintf(&b, "f.A%d, ", i)
	}
	b.WriteString(")\n}\n")
	for i := range n {
		fmt.Fprintf(&b, "func (f *F) A%d(c *flow.Context) flow.Next { return flow.Goto(f.Join) }\n", i)
	}
	b.WriteString("func (f *F) Join(c *flow.Context, in flow.Inputs[F]) flow.Next { return flow.Goto(f.End) }\n")
	b.WriteString("func (f *F) End(c *flow.Context) {}\n")
	return b.String()
}

// directiveFlow returns a one-step flow with line above Start.
func directiveFlow(line string) string {
	return header + "type F struct{}\n\n" + line + "\nfunc (f *F) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }\n" +
		"func (f *F) End(c *flow.Context) {}\n"
}

// TestLoadFilesScales checks that the front end stays fast on inputs built
// to find super-linear corners: long chains, deep nesting, huge directive
// lines and long names. Each must finish well within the limit on any
// machine; an exponential blow-up would not.
func TestLoadFilesScales(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	long := strings.Repeat("x", 20000)
	cases := []struct {
		name  string
		src   string
		clean bool
	}{
		{"chain of 10k steps", chain(10000, stepName, func(i int) string {
			if i == 9999 {
				return "End"
			}
			return stepName(i + 1)
		}), true},
		{"10k steps going to misspelled steps", chain(10000, stepName, func(i int) string { return fmt.Sprintf("T%d", i) }), false},
		{"1000 steps going to misspelled steps", chain(1000, stepName, func(i int) string { return fmt.Sprintf("T%d", i) }), false},
		{"10k catch vars misspelled among 10k fields", catches(10000), false},
		{"branch of 10k arms", wideBranch(10000), true},
		{"10k steps going back to Start", chain(10000, stepName, func(int) string { return "Start" }), false},
		{"10k-step cycle", chain(10000, stepName, func(i int) string { return stepName((i + 1) % 10000) }), false},
		{"branches nested 2k deep", nestedBranches(2000), true},
		{"long step names misspelled", chain(2, func(i int) string { return "S" + long + fmt.Sprint(i) },
			func(i int) string { return "T" + long + fmt.Sprint(i) }), false},
		{"directive nested 100k deep", directiveFlow("//flow:card options=" + strings.Repeat("{a=[", 50000)), false},
		{"directive with 100k list elements", directiveFlow("//flow:secrets sources=[" + strings.Repeat("a,", 100000) + "b]"), true},
		{"directive with 10k config references", directiveFlow("//flow:environment vars={A=" + strings.Repeat("${cfg.a.b}", 10000) + "}"), false},
		{"unterminated quote on a 1MB line", directiveFlow(`//flow:environment vars={A="` + strings.Repeat(`\"`, 500000)), false},
		{"10k directives on one step", directiveFlow(strings.Repeat("//flow:retry times=1\n", 10000)), false},
		{"unknown directive with a long name", directiveFlow("//flow:" + long), false},
		{"long attribute name", directiveFlow("//flow:retry " + long + "=1"), false},
		{"expression nested 10k deep", header + "type F struct{}\nfunc (f *F) Start(c *flow.Context) flow.Next { return " +
			strings.Repeat("(", 10000) + "flow.Goto(f.End)" + strings.Repeat(")", 10000) + " }\nfunc (f *F) End(c *flow.Context) {}\n", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := cpuTime()
			pkg, diags := parser.LoadFiles("/nonexistent/flowc-scale", map[string][]byte{"flow.go": []byte(tc.src)}, parser.Options{})
			if pkg != nil {
				for _, f := range pkg.Flows {
					diags = append(diags, check.Flow(f)...)
				}
			}
			elapsed := cpuTime() - start
			if clean := pkg != nil && len(diags) == 0; clean != tc.clean {
				t.Errorf("clean = %v, want %v; %d diagnostics, the first: %v", clean, tc.clean, len(diags), first(diags))
			}
			t.Logf("%d bytes, %d diagnostics, %v of CPU", len(tc.src), len(diags), elapsed)
			if elapsed > 10*time.Second {
				t.Errorf("took %v of CPU on %d bytes of source", elapsed, len(tc.src))
			}
		})
	}
}

func first[T any](s []T) any {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

// cpuTime is the CPU time this process has used, user and system. The
// scale limits are on it rather than on wall time: on a shared machine
// wall time measures the machine's load, while an exponential blow-up
// shows in the CPU the check itself spends. No test of this package runs
// in parallel with another, so the process's time is the case's.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
