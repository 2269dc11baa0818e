package diag

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestAllCodes checks that All and TargetCodes list every declared code
// once, each list in order (a later front-end code, FLOW110, comes after
// the target codes FLOW082-083, so the two lists interleave).
func TestAllCodes(t *testing.T) {
	src, err := os.ReadFile("codes.go")
	if err != nil {
		t.Fatal(err)
	}
	var declared []Code
	for _, m := range regexp.MustCompile(`Code = "(FLOW\d{3})"`).FindAllStringSubmatch(string(src), -1) {
		declared = append(declared, Code(m[1]))
	}
	all := slices.Concat(All, TargetCodes)
	slices.Sort(all)
	slices.Sort(declared)
	if !slices.Equal(declared, all) {
		t.Errorf("All + TargetCodes = %v\ndeclared %v", all, declared)
	}
	if len(slices.Compact(slices.Clone(all))) != len(all) {
		t.Errorf("codes are not unique: %v", all)
	}
	for _, l := range [][]Code{All, TargetCodes} {
		if !slices.IsSorted(l) {
			t.Errorf("codes are not in order: %v", l)
		}
	}
}

// TestDocumented checks that docs/diagnostics.md has a section per code.
func TestDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/diagnostics.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range slices.Concat(All, TargetCodes) {
		if !strings.Contains(string(doc), "## "+string(c)) {
			t.Errorf("docs/diagnostics.md has no section ## %s", c)
		}
	}
}

func TestSortedAndPrinted(t *testing.T) {
	var l List
	l.Add(Pos{File: "b.go", Line: 1, Col: 1}, Cycle, "loop")
	l.Add(Pos{File: "a.go", Line: 9, Col: 2}, BadTag, "tag")
	l.Add(Pos{File: "a.go", Line: 3, Col: 7}, Unreachable, "never reached")
	l.Add(Pos{File: "a.go", Line: 3, Col: 7}, Unreachable, "never reached")
	l.Add(Pos{File: "a.go"}, NoFlow, "no flow")
	got := l.Sorted().Error()
	want := "a.go: FLOW002 no flow\n" +
		"a.go:3:7: FLOW031 never reached\n" +
		"a.go:9:2: FLOW004 tag\n" +
		"b.go:1:1: FLOW032 loop"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if (List{}).Err() != nil {
		t.Error("empty list is an error")
	}
	rel := List{{Pos: Pos{File: "/w/p/f.go", Line: 1}, Code: Cycle}}.Relative("/w")
	if rel[0].Pos.File != "p/f.go" {
		t.Errorf("Relative: %s", rel[0].Pos.File)
	}
}
