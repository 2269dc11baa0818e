package argo

import (
	"strconv"
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
			arg.Value = ptr(p.DefaultText())
		case !p.Required:
			arg.Value = ptr("")
		}
		a.Parameters = append(a.Parameters, arg)
	}
	return a
}

func itoa(i int) string { return strconv.Itoa(i) }
