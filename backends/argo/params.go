package argo

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// arguments makes the flow's parameters workflow arguments. An argument's
// value is the text the runner parses as the parameter's type, exactly like
// flowc run --NAME VALUE: a string as itself (not JSON-quoted), a list
// joined by its separator, a JSON parameter as JSON text (not a string of
// JSON). A required parameter has no value, so Argo refuses a submission
// without one. An optional parameter without a default has the value "",
// which means unset: the start task is then not given it at all
// (paramArgs), so it never becomes the text "null" or a parse error.
func (c *compiler) arguments() *Arguments {
	if len(c.f.Params) == 0 {
		return nil
	}
	a := &Arguments{}
	for _, p := range c.f.Params {
		arg := Parameter{Name: p.Name, Description: p.Help}
		switch {
		case p.Default != nil:
			arg.Value = ptr(defaultText(p))
		case !p.Required:
			arg.Value = ptr("")
		}
		a.Parameters = append(a.Parameters, arg)
	}
	return a
}

// defaultText writes a parameter's default as the text its flag takes.
func defaultText(p ir.Param) string {
	switch p.Type {
	case ir.String, ir.Duration:
		var s string
		if json.Unmarshal(p.Default, &s) == nil {
			return s
		}
	case ir.Strings:
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

func itoa(i int) string { return strconv.Itoa(i) }
