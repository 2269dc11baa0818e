package ir

import (
	"encoding/json"
	"path/filepath"
	"strings"
)

// Pos is the source position of a construct: a file name relative to the
// flow's package directory, and a line and column counting from 1.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// Flow is one flow: a struct type of the user's package and its steps.
type Flow struct {
	Name       string         `json:"name"`    // the struct type's name
	Package    string         `json:"package"` // the Go import path of the package
	Doc        string         `json:"doc,omitempty"`
	Pos        Pos            `json:"pos"`
	Params     []Param        `json:"params"`
	Configs    []Config       `json:"configs"`
	Artifacts  []Artifact     `json:"artifacts"`
	Steps      []*Step        `json:"steps"` // in source order
	Decorators FlowDecorators `json:"decorators"`
	Graph      Graph          `json:"graph"`
}

// Step returns the step named name, or nil.
func (f *Flow) Step(name string) *Step {
	for _, s := range f.Steps {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Type is the kind of value a parameter holds.
type Type string

// The parameter types. Any Go type other than these is a JSON parameter.
const (
	String   Type = "string"
	Int      Type = "int"
	Int64    Type = "int64"
	Float64  Type = "float64"
	Bool     Type = "bool"
	Duration Type = "duration" // time.Duration, written as "1m30s"
	Strings  Type = "strings"  // []string, split on Separator
	JSON     Type = "json"     // any other type, written as JSON
	File     Type = "file"     // flow.IncludedFile: a local file's content, given as a path (IncludedRef)
)

// Param is a flow parameter: a field tagged flow:"param".
type Param struct {
	Name      string `json:"name"`  // the CLI name, --name
	Field     string `json:"field"` // the Go field name, also the artifact name
	Type      Type   `json:"type"`
	GoType    string `json:"go_type"` // the field's Go type as written
	Help      string `json:"help,omitempty"`
	Required  bool   `json:"required,omitempty"`
	Separator string `json:"separator,omitempty"`
	// Default is the typed default value as JSON: a string, number, boolean,
	// array of strings, or any JSON value for a JSON parameter; a duration is
	// its string form. Nil when the parameter has no default.
	Default json.RawMessage `json:"default,omitempty"`
	Pos     Pos             `json:"pos"`
}

// Config is a flow config: a field tagged flow:"config", filled from a TOML
// file at compile time.
type Config struct {
	Name   string `json:"name"`  // the config's name, as in --config NAME=PATH and ${NAME.key}
	Field  string `json:"field"` // the Go field name
	GoType string `json:"go_type"`
	Help   string `json:"help,omitempty"`
	// File is the TOML file the value came from, relative to the package
	// directory when it lies below it.
	File string `json:"file,omitempty"`
	// Value is the parsed TOML document.
	Value map[string]any `json:"value"`
	Pos   Pos            `json:"pos"`
}

// Artifact is an exported field of the flow that is neither a parameter nor
// a config: its value is saved after every step.
type Artifact struct {
	Field  string `json:"field"`
	GoType string `json:"go_type"`
	Pos    Pos    `json:"pos"`
}

// Kind is what a step does next.
type Kind string

// The step kinds.
const (
	KindStart       Kind = "start"       // the Start step, when it moves on with one Goto
	KindLinear      Kind = "linear"      // one successor
	KindBranch      Kind = "branch"      // a static fan-out: every successor runs
	KindForeach     Kind = "foreach"     // one task of the successor per element of ForeachVar
	KindConditional Kind = "conditional" // exactly one successor runs, chosen at run time
	KindJoin        Kind = "join"        // where the branches of a split meet; one successor
	KindEnd         Kind = "end"         // the End step
)

// Step is one step of the flow: a method of the flow's pointer type.
type Step struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	Doc  string `json:"doc,omitempty"`
	Pos  Pos    `json:"pos"`
	// Next holds the successors in the order the source names them.
	Next []string `json:"next,omitempty"`
	// Inputs says the method takes flow.Inputs: it is a join (Kind is
	// join, unless the step is also, wrongly, a split).
	Inputs bool `json:"inputs,omitempty"`
	// ReturnsError says the method returns (flow.Next, error), or error for End.
	ReturnsError bool `json:"returns_error,omitempty"`
	// ForeachVar is the field a foreach step splits over; ForeachElem is its
	// element's Go type.
	ForeachVar  string `json:"foreach_var,omitempty"`
	ForeachElem string `json:"foreach_elem,omitempty"`
	// InputType is T of the flow.Input[T] calls in the step, if any.
	InputType string `json:"input_type,omitempty"`
	// InputPos is where the first flow.Input call names its type.
	InputPos   *Pos           `json:"input_pos,omitempty"`
	Decorators StepDecorators `json:"decorators"`
	// NextPos holds, for each successor, where the source first names it.
	NextPos []Pos `json:"next_pos,omitempty"`

	// Filled by graph analysis.
	Prev []string `json:"prev,omitempty"` // predecessors, sorted
	// MatchingJoin is the join that closes a branch or foreach step.
	MatchingJoin string `json:"matching_join,omitempty"`
	// SplitParents lists the open branch and foreach steps around this step,
	// outermost first.
	SplitParents []string `json:"split_parents,omitempty"`
	// Foreach lists the open foreach steps around this step, outermost first:
	// its foreach nesting.
	Foreach []string `json:"foreach,omitempty"`
	// Broken marks a step some of whose transitions could not be read; the
	// parser has reported them, and graph checks that would only echo them
	// are skipped. Never set in a plan.
	Broken bool `json:"-"`
	// SelfLoop marks a conditional step that may go to itself.
	SelfLoop bool `json:"self_loop,omitempty"`
}

// IsSplit reports whether the step starts a scope that a join closes.
func (s *Step) IsSplit() bool { return s.Kind == KindBranch || s.Kind == KindForeach }

// Graph is the analysed shape of the flow.
type Graph struct {
	Start string `json:"start"`
	End   string `json:"end"`
	// Order lists every step so that each comes after all of its
	// predecessors (a conditional self-loop aside); ties keep source order.
	Order []string `json:"order"`
}

// In returns p with its file joined to dir, the flow's package directory,
// unless dir or the file is empty, the file is absolute, or it names a
// command-line flag rather than a file: a directive added by --with is
// positioned at "--with retry:times=3".
func (p Pos) In(dir string) Pos {
	if dir != "" && p.File != "" && !filepath.IsAbs(p.File) && !strings.HasPrefix(p.File, "--") {
		p.File = filepath.Join(dir, p.File)
	}
	return p
}
