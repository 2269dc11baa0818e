// Package diag holds flowc's diagnostic type: a stable code, a position and a
// message, printed as "file:line:col: CODE message". Every phase that finds a
// mistake in a user's flow reports it as a Diagnostic, collects them in a
// List and hands the whole sorted list back, so the user sees every mistake at
// once. It imports nothing of flowc's.
package diag

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// Pos is a place in a source file: a Go file, a TOML config or a directive.
// Line and Col count from 1; a zero Line means the whole file.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

// String returns "file:line:col", "file:line" or "file".
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Before reports whether p sorts before q: by file, line, then column.
func (p Pos) Before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Diagnostic is one mistake in a flow.
type Diagnostic struct {
	Pos     Pos
	Code    Code
	Message string
}

// Error returns "file:line:col: CODE message", on one line: a newline in
// the message (go/parser quotes raw string literals whole) is written \n,
// so that editors and CI can read one diagnostic a line.
func (d Diagnostic) Error() string {
	return fmt.Sprintf("%s: %s %s", d.Pos, d.Code, oneLine.Replace(d.Message))
}

var oneLine = strings.NewReplacer("\r", `\r`, "\n", `\n`)

// List collects diagnostics. The zero List is ready to use.
type List []Diagnostic

// Add appends a diagnostic with a formatted message.
func (l *List) Add(pos Pos, code Code, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Sorted returns the diagnostics sorted by position then code, with exact
// duplicates removed.
func (l List) Sorted() List {
	out := append(List(nil), l...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Pos != b.Pos {
			return a.Pos.Before(b.Pos)
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
	k := 0
	for i, d := range out {
		if i > 0 && d == out[k-1] {
			continue
		}
		out[k] = d
		k++
	}
	return out[:k]
}

// Err returns the sorted list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l.Sorted()
}

// Error prints one diagnostic a line.
func (l List) Error() string {
	var b strings.Builder
	for i, d := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
	}
	return b.String()
}

// Relative returns a copy of l whose file names are relative to dir where
// they lie below it, as go vet prints them.
func (l List) Relative(dir string) List {
	out := make(List, len(l))
	for i, d := range l {
		if rel, err := filepath.Rel(dir, d.Pos.File); err == nil && !strings.HasPrefix(rel, "..") {
			d.Pos.File = rel
		}
		out[i] = d
	}
	return out
}
