package ir

import (
	"bytes"
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
