package ir

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ParseValue parses a parameter value written on the command line or as a
// default, and returns it as canonical JSON.
func ParseValue(t Type, sep, s string) (json.RawMessage, error) {
	if !utf8.ValidString(s) {
		// JSON would carry it as U+FFFD: the step would see another value.
		return nil, fmt.Errorf("%q is not valid UTF-8", s)
	}
	var v any
	var err error
	switch t {
	case String:
		v = s
	case Int, Int64:
		v, err = strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			err = fmt.Errorf("%q is not an integer", s)
		}
	case Float64:
		v, err = strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || strings.ContainsAny(s, "nN") && !strings.ContainsAny(s, "eE") {
			err = fmt.Errorf("%q is not a number", s)
		}
	case Bool:
		v, err = strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			err = fmt.Errorf("%q is not a boolean (true or false)", s)
		}
	case Duration:
		var d time.Duration
		d, err = time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			err = fmt.Errorf("%q is not a duration such as 90s or 1h30m", s)
		}
		v = d.String()
	case Strings:
		parts := []string{}
		if s != "" {
			parts = strings.Split(s, sep)
		}
		v = parts
	case File:
		var r IncludedRef
		if err := json.Unmarshal([]byte(s), &r); err != nil || !r.valid() {
			return nil, fmt.Errorf("%q is not an included file's reference {\"name\": ..., \"sha\": ..., \"size\": ...}", s)
		}
		v = r
	case JSON:
		if !json.Valid([]byte(s)) {
			return nil, fmt.Errorf("%q is not valid JSON", s)
		}
		var x any
		_ = json.Unmarshal([]byte(s), &x)
		v = x
	default:
		return nil, fmt.Errorf("unknown parameter type %s", t)
	}
	if err != nil {
		return nil, err
	}
	// Encode without HTML escaping, so that a default such as "a && b"
	// reaches the plan and the CLI as written, not as "a \u0026\u0026 b".
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// DefaultText returns the parameter's default as the text its flag takes
// (--NAME TEXT), which the runner reads back by the parameter's type: a
// string or duration as it is, a list joined by its separator, anything
// else as compact JSON; "" when there is no default.
func (p Param) DefaultText() string {
	if p.Default == nil {
		return ""
	}
	switch p.Type {
	case String, Duration:
		var s string
		if json.Unmarshal(p.Default, &s) == nil {
			return s
		}
	case Strings:
		var l []string
		if json.Unmarshal(p.Default, &l) == nil {
			sep := p.Separator
			if sep == "" {
				sep = ","
			}
			return strings.Join(l, sep)
		}
	}
	var b bytes.Buffer
	if json.Compact(&b, p.Default) == nil {
		return b.String()
	}
	return string(p.Default)
}

// IncludedRef is the value of a file parameter in a plan, on a command line
// and in a run's record: the file's name and the SHA-256 and size of its
// content, which is stored as a datastore blob of that hash. The file is
// read, and its content stored, by the command that starts the run (flowc
// run, trigger) or deploys it (the default); the runner loads the content
// into the flow.IncludedFile field.
type IncludedRef struct {
	Name string `json:"name"`
	SHA  string `json:"sha"`
	Size int64  `json:"size"`
}

func (r IncludedRef) valid() bool {
	if len(r.SHA) != 64 || r.Size < 0 {
		return false
	}
	for _, c := range r.SHA {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// IncludeRef makes the reference of a file named name with content data.
func IncludeRef(name string, data []byte) IncludedRef {
	sum := sha256.Sum256(data)
	return IncludedRef{Name: name, SHA: hex.EncodeToString(sum[:]), Size: int64(len(data))}
}

// JSON returns the reference as the parameter value a plan holds.
func (r IncludedRef) JSON() json.RawMessage {
	b, _ := json.Marshal(r)
	return b
}
