package parser

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/ir"
)

// includedDefault reads the default file of a flow.IncludedFile parameter,
// relative to the package directory, and returns its reference (name,
// SHA-256, size) as the parameter's default: the plan pins the content
// the run will use, which flowc run and flowc deploy store.
func (l *loader) includedDefault(pos diag.Pos, name, def string) json.RawMessage {
	clean := filepath.ToSlash(filepath.Clean(def))
	if def == "" || filepath.IsAbs(def) || clean == ".." || strings.HasPrefix(clean, "../") {
		l.diags.Add(pos, diag.IncludeParam, "default of parameter %s: %q must be a file below the package directory", name, def)
		return nil
	}
	data, err := ReadIncluded(filepath.Join(l.dir, clean))
	if err != nil {
		l.diags.Add(pos, diag.IncludeParam, "default of parameter %s: %v", name, err)
		return nil
	}
	return ir.IncludeRef(clean, data).JSON()
}

// ReadIncluded reads a file for a flow.IncludedFile parameter, refusing
// one over flow.MaxIncludedFile: the error names the path, or the limit.
func ReadIncluded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, &os.PathError{Op: "read included file", Path: path, Err: pe.Err}
		}
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &os.PathError{Op: "read included file", Path: path, Err: errors.New("is a directory")}
	}
	if st.Size() > flow.MaxIncludedFile {
		return nil, &tooBig{path: path, size: st.Size()}
	}
	buf := make([]byte, st.Size()+1)
	n, err := readFull(f, buf)
	if err != nil {
		return nil, err
	}
	if n > flow.MaxIncludedFile {
		return nil, &tooBig{path: path, size: int64(n)}
	}
	return buf[:n], nil
}

// tooBig is a file over the included file size limit.
type tooBig struct {
	path string
	size int64
}

func (e *tooBig) Error() string {
	return "included file " + e.path + " is " + mib(e.size) + ", over the limit of " + mib(flow.MaxIncludedFile) +
		" for a flow.IncludedFile parameter; store bigger data elsewhere and pass its location"
}

func mib(n int64) string {
	return strings.TrimSuffix(strings.TrimRight(formatFloat(float64(n)/(1<<20)), "0"), ".") + " MiB"
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// readFull reads into buf until it is full or the file ends.
func readFull(r io.Reader, buf []byte) (int, error) {
	n, err := io.ReadFull(r, buf)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return n, nil
	}
	return n, err
}
