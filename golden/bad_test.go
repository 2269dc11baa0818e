package golden_test

// The bad-flow suite, in the style of go/analysis' analysistest: every
// directory under testdata/bad is one package holding one flow with one or
// more mistakes, and the comments in its files say what flowc must report.
//
//   - `// want "RE" ...` at the end of a line of a .go file, or `# want "RE"`
//     on a line of a .toml file, expects one diagnostic on that line per
//     regexp (a Go string, quoted or back-quoted). The regexp is matched
//     against "CODE message", so `// want "FLOW019 .*did you mean Train"`
//     asserts the code and a key word, not the whole wording. On a //flow:
//     line the want follows the directive: //flow:retry times=9 // want "FLOW063".
//   - `// want-file "RE" ...` anywhere in a .go file of the case expects a
//     diagnostic without a line: one positioned at the case's directory (a
//     package with no flow), at a whole file of the case, or at the command
//     line ("--config", "--with SPEC", "--config-value NAME").
//   - A file options.txt holds the options the case is loaded with, one a
//     line; `config NAME=PATH` passes --config NAME=PATH, PATH relative to the
//     case directory; `with SPEC` passes --with SPEC; `config-value NAME
//     JSON` passes --config-value NAME JSON; `target NAME` compiles the flow for target NAME (with
//     the golden files' options) when it checks clean, and adds the
//     target's diagnostics. Blank lines and lines starting with # are ignored.
//   - A file NAME.go.nofmt is the case's NAME.go where gofmt, which reads
//     every .go file below golden/, must not see it: Go that does not parse,
//     or a layout gofmt would change. The case is then loaded from a copy
//     in a temporary directory with the file renamed, and the diagnostics'
//     positions are mapped back to the case.
//
// Every want must be met by exactly one diagnostic and every diagnostic must
// meet a want, so a fixture fails on a missing diagnostic, on an unexpected
// one and on an expectation that nothing meets any more.

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/diag"
	flowparser "github.com/flowc-dev/flowc/parser"
)

// badRoot holds the bad-flow cases, one directory each.
const badRoot = "testdata/bad"

// badMinCases is how many cases the suite must keep at least.
const badMinCases = 40

// badWant is one expected diagnostic.
type badWant struct {
	file string // absolute; "" for a want-file
	line int    // 0 for a want-file
	re   *regexp.Regexp
	at   string // where the want is written, for messages
}

// badCases lists the case directories, absolute, sorted.
func badCases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(badRoot)
	if err != nil {
		t.Fatalf("read %s: %v", badRoot, err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dir, err := filepath.Abs(filepath.Join(badRoot, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			dirs = append(dirs, dir)
		}
	}
	if len(dirs) < badMinCases {
		t.Errorf("%s holds %d cases; the suite keeps at least %d", badRoot, len(dirs), badMinCases)
	}
	return dirs
}

// badLoad runs check.Load on a case with its options, turning a panic into
// a test failure, and checks that the diagnostics come back sorted.
func badLoad(t *testing.T, dir string) diag.List {
	t.Helper()
	opts, target := badOptions(t, dir)
	loadDir, back := badStage(t, dir)
	var diags diag.List
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("check.Load(%s) panicked: %v\n%s", dir, r, debug.Stack())
			}
		}()
		var pkg *flowparser.Package
		pkg, diags = check.Load(loadDir, opts)
		if target != "" && len(diags) == 0 {
			diags = badCompile(t, pkg, target)
		}
	}()
	if sorted := diags.Sorted(); !reflect.DeepEqual(diags, sorted) {
		t.Errorf("check.Load returned diagnostics out of order or duplicated:\n%v\nwant\n%v", diags, sorted)
	}
	for i := range diags {
		diags[i].Pos.File = back(diags[i].Pos.File)
	}
	return diags
}

// badNoFmt is the suffix of a case's Go file that gofmt must not see.
const badNoFmt = ".go.nofmt"

// badStage returns the directory to load a case from, and a function that
// maps a diagnostic's file back into the case. A case with NAME.go.nofmt
// files is copied to a temporary directory with them renamed NAME.go.
func badStage(t *testing.T, dir string) (string, func(string) string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(entries, func(e os.DirEntry) bool { return strings.HasSuffix(e.Name(), badNoFmt) }) {
		return dir, func(f string) string { return f }
	}
	tmp := t.TempDir()
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(e.Name(), ".nofmt")
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return tmp, func(f string) string {
		switch {
		case f == tmp:
			return dir
		case filepath.Dir(f) == tmp:
			name := filepath.Base(f)
			if _, err := os.Stat(filepath.Join(dir, name+".nofmt")); err == nil && strings.HasSuffix(name, ".go") {
				name += ".nofmt"
			}
			return filepath.Join(dir, name)
		}
		return f
	}
}

// badCompile compiles the package's flow for a target and returns the
// target's diagnostics.
func badCompile(t *testing.T, pkg *flowparser.Package, target string) diag.List {
	t.Helper()
	tg, err := backends.Lookup(target)
	if err != nil {
		t.Fatal(err)
	}
	f, err := check.Select(pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	_, diags, err := tg.Compile(f, goldenOptions(tg, pkg.Dir))
	if err != nil {
		t.Fatalf("compile for %s: %v", target, err)
	}
	return diags
}

// badOptions reads the case's options.txt, if any: the loader's options
// and the target to compile for.
func badOptions(t *testing.T, dir string) (flowparser.Options, string) {
	t.Helper()
	var opts flowparser.Options
	var target string
	data, err := os.ReadFile(filepath.Join(dir, "options.txt"))
	if os.IsNotExist(err) {
		return opts, ""
	}
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if name, ok := strings.CutPrefix(line, "target "); ok {
			target = strings.TrimSpace(name)
			continue
		}
		if spec, ok := strings.CutPrefix(line, "with "); ok {
			opts.With = append(opts.With, strings.TrimSpace(spec))
			continue
		}
		if rest, ok := strings.CutPrefix(line, "config-value "); ok {
			name, value, _ := strings.Cut(strings.TrimSpace(rest), " ")
			if opts.ConfigValues == nil {
				opts.ConfigValues = map[string]string{}
			}
			opts.ConfigValues[name] = value
			continue
		}
		rest, ok := strings.CutPrefix(line, "config ")
		name, path, ok2 := strings.Cut(strings.TrimSpace(rest), "=")
		if !ok || !ok2 || name == "" {
			t.Fatalf("%s/options.txt:%d: want `config NAME=PATH`, got %q", dir, i+1, line)
		}
		if opts.Configs == nil {
			opts.Configs = map[string]string{}
		}
		opts.Configs[name] = filepath.Join(dir, path)
	}
	return opts, target
}

// badWants reads the want comments of every .go and .toml file of a case.
func badWants(t *testing.T, dir string) []*badWant {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var wants []*badWant
	for _, e := range entries {
		var marker string
		switch name := e.Name(); {
		case strings.HasSuffix(name, ".go"), strings.HasSuffix(name, badNoFmt):
			marker = "//"
		case strings.HasSuffix(name, ".toml"):
			marker = "#"
		default:
			continue
		}
		path := filepath.Join(dir, e.Name())
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			ws, err := badParseWants(sc.Text(), marker)
			if err != nil {
				t.Errorf("%s:%d: %v", path, n, err)
			}
			for _, w := range ws {
				w.at = fmt.Sprintf("%s:%d", path, n)
				if w.line != 0 {
					w.file, w.line = path, n
				}
				wants = append(wants, w)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return wants
}

// badWantRE finds a want comment after a .go file's // or a .toml file's #.
var badWantRE = map[string]*regexp.Regexp{
	"//": regexp.MustCompile(`//\s*want(-file)?\s+["` + "`]"),
	"#":  regexp.MustCompile(`#\s*want(-file)?\s+["` + "`]"),
}

// badParseWants reads the wants of one line. The returned wants have line
// 1 for a line want and 0 for a want-file; the caller fills in the rest.
func badParseWants(line, marker string) ([]*badWant, error) {
	loc := badWantRE[marker].FindStringSubmatchIndex(line)
	if loc == nil {
		return nil, nil
	}
	fileWant := loc[2] >= 0
	if fileWant && marker != "//" {
		return nil, fmt.Errorf("want-file belongs in a .go file")
	}
	rest := line[loc[1]-1:]
	var out []*badWant
	for {
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return out, nil
		}
		lit, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return out, fmt.Errorf("want: expected a quoted regexp at %q", rest)
		}
		rest = rest[len(lit):]
		s, _ := strconv.Unquote(lit)
		re, err := regexp.Compile(s)
		if err != nil {
			return out, fmt.Errorf("want %s: %v", lit, err)
		}
		w := &badWant{re: re, line: 1}
		if fileWant {
			w.line = 0
		}
		out = append(out, w)
	}
}

// badFileLevel reports whether a diagnostic without a line belongs to the
// case: it names the case directory, a file in it, or the command line.
func badFileLevel(dir string, d diag.Diagnostic) bool {
	return d.Pos.Line == 0 && (d.Pos.File == dir || filepath.Dir(d.Pos.File) == dir || d.Pos.File == "--config" ||
		strings.HasPrefix(d.Pos.File, flowparser.WithPrefix) || strings.HasPrefix(d.Pos.File, flowparser.ConfigValuePrefix))
}

// badMatch pairs diagnostics with wants, each want with exactly one
// diagnostic, and returns the wants and diagnostics left over. Pairing is a
// maximum bipartite matching per place, so the order of several wants on
// one line does not matter.
func badMatch(dir string, diags diag.List, wants []*badWant) (missing []*badWant, extra []diag.Diagnostic) {
	type place struct {
		file string
		line int
	}
	key := func(d diag.Diagnostic) (place, bool) {
		if d.Pos.Line == 0 {
			return place{}, badFileLevel(dir, d)
		}
		return place{d.Pos.File, d.Pos.Line}, true
	}
	wantsAt := map[place][]int{}
	for i, w := range wants {
		p := place{w.file, w.line}
		wantsAt[p] = append(wantsAt[p], i)
	}
	owner := make([]int, len(wants)) // want to diagnostic index + 1
	var try func(di int, cands []int, seen map[int]bool) bool
	try = func(di int, cands []int, seen map[int]bool) bool {
		text := string(diags[di].Code) + " " + diags[di].Message
		for _, wi := range cands {
			if seen[wi] || !wants[wi].re.MatchString(text) {
				continue
			}
			seen[wi] = true
			if owner[wi] == 0 || try(owner[wi]-1, cands, seen) {
				owner[wi] = di + 1
				return true
			}
		}
		return false
	}
	for di, d := range diags {
		p, ok := key(d)
		if !ok || !try(di, wantsAt[p], map[int]bool{}) {
			extra = append(extra, d)
		}
	}
	for wi, w := range wants {
		if owner[wi] == 0 {
			missing = append(missing, w)
		}
	}
	return missing, extra
}

// TestBad checks every case's diagnostics against its want comments.
func TestBad(t *testing.T) {
	for _, dir := range badCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			wants := badWants(t, dir)
			diags := badLoad(t, dir)
			missing, extra := badMatch(dir, diags, wants)
			for _, w := range missing {
				t.Errorf("%s: no diagnostic matches %q", w.at, w.re)
			}
			for _, d := range extra {
				t.Errorf("unexpected diagnostic %s", diag.List{d}.Relative(filepath.Dir(dir)))
			}
		})
	}
}

// TestBadCasesReport checks that every case reports something and says
// what it expects.
func TestBadCasesReport(t *testing.T) {
	for _, dir := range badCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			if len(badWants(t, dir)) == 0 {
				t.Errorf("case has no want comment")
			}
			if len(badLoad(t, dir)) == 0 {
				t.Errorf("check.Load reports nothing for a bad flow")
			}
		})
	}
}

// TestBadCodesCovered checks that every diagnostic code, diag.All (which
// diag's tests hold equal to the codes declared in diag/codes.go), is
// reported by at least one case, so a new code comes with a fixture.
func TestBadCodesCovered(t *testing.T) {
	codes := diag.All
	seen := map[diag.Code][]string{}
	for _, dir := range badCases(t) {
		for _, d := range badLoad(t, dir) {
			seen[d.Code] = append(seen[d.Code], filepath.Base(dir))
		}
	}
	for _, c := range codes {
		if len(seen[c]) == 0 {
			t.Errorf("no case under %s reports %s; add one", badRoot, c)
		}
	}
	for c, cases := range seen {
		if !slices.Contains(codes, c) {
			t.Errorf("cases %v report %s, which diag/codes.go does not declare", slices.Compact(cases), c)
		}
	}
}
