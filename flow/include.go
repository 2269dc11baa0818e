package flow

// IncludedFile is the type of a parameter whose value is the content of a
// local file, as Metaflow's IncludeFile: `flowc run --NAME PATH` reads the
// file when the run starts, `flowc deploy` (for the default) and `flowc
// trigger` when they run, and the run stores the content with its
// parameters, so a deployed run uses the file its user had. The field's
// default tag names a file relative to the package directory:
//
//	Rules flow.IncludedFile `flow:"param" default:"rules.csv" help:"the rules to apply"`
type IncludedFile struct {
	// Name is the file's name as it was given (a default's path relative
	// to the package directory).
	Name string `json:"name"`
	// Data is the file's content.
	Data []byte `json:"data"`
}

// Text returns the file's content as a string.
func (f IncludedFile) Text() string { return string(f.Data) }

// MaxIncludedFile is the largest file an IncludedFile parameter takes, in
// bytes: its content is an artifact every step may load.
const MaxIncludedFile = 16 << 20
