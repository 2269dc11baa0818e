package card

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// Step states that DAG colours a step with.
const (
	StatePending = "pending"
	StateRunning = "running"
	StateDone    = "done"
	StateFailed  = "failed"
)

// DAG size constants, in SVG user units.
const (
	nodeW, nodeH = 150, 34
	gapX, gapY   = 30, 46
	margin       = 12
)

// layout places each step of f in a layer (its longest distance from the
// start step, edges back to an earlier layer ignored) and a column within
// the layer (source order). It returns the layers, top to bottom.
func layout(f *ir.Flow) [][]*ir.Step {
	depth := map[string]int{}
	if start := f.Step(f.Graph.Start); start != nil {
		depth[start.Name] = 0
	} else if len(f.Steps) > 0 {
		depth[f.Steps[0].Name] = 0
	}
	// Relax at most len(steps) times: a longest-path pass over a graph
	// whose only cycles are self-loops, which are skipped.
	for range f.Steps {
		changed := false
		for _, s := range f.Steps {
			d, ok := depth[s.Name]
			if !ok {
				continue
			}
			for _, n := range s.Next {
				if n == s.Name || f.Step(n) == nil {
					continue
				}
				if nd, seen := depth[n]; (!seen || nd < d+1) && d+1 < len(f.Steps) {
					depth[n], changed = d+1, true
				}
			}
		}
		if !changed {
			break
		}
	}
	var layers [][]*ir.Step
	for _, s := range f.Steps {
		d, ok := depth[s.Name]
		if !ok {
			d = len(layers) // unreachable: below everything
		}
		for len(layers) <= d {
			layers = append(layers, nil)
		}
		layers[d] = append(layers[d], s)
	}
	return layers
}

// DAG draws the flow's graph as an inline SVG: a box per step, an arrow per
// transition. states colours steps by their State* value (a missing step
// stays plain); the step named highlight gets a thick outline. Each box is
// a link to href(step) when href is not nil.
func DAG(f *ir.Flow, states map[string]string, highlight string, href func(step string) string) template.HTML {
	layers := layout(f)
	width := 0
	for _, l := range layers {
		width = max(width, len(l)*(nodeW+gapX)-gapX)
	}
	type pt struct{ x, y int }
	pos := map[string]pt{}
	for i, l := range layers {
		lw := len(l)*(nodeW+gapX) - gapX
		for j, s := range l {
			pos[s.Name] = pt{margin + (width-lw)/2 + j*(nodeW+gapX), margin + i*(nodeH+gapY)}
		}
	}
	w, h := width+2*margin+40, len(layers)*(nodeH+gapY)-gapY+2*margin
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="dag" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="graph of flow %s">`, w, h, w, h, html.EscapeString(f.Name))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#667"/></marker></defs>`)
	for _, s := range f.Steps {
		a := pos[s.Name]
		for _, n := range s.Next {
			c, ok := pos[n]
			switch {
			case !ok:
			case n == s.Name:
				x, y := a.x+nodeW, a.y+nodeH/2
				fmt.Fprintf(&b, `<path d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="#667" marker-end="url(#arrow)"/>`, x, y-8, x+34, y-22, x+34, y+22, x, y+8)
			case s.Kind == ir.KindForeach:
				// A foreach fans out into one task per element: a thick
				// dashed edge, labelled.
				fmt.Fprintf(&b, `<path class="foreach" d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="#667" stroke-width="2.4" stroke-dasharray="6,3" marker-end="url(#arrow)"/>`,
					a.x+nodeW/2, a.y+nodeH, a.x+nodeW/2, a.y+nodeH+gapY/2, c.x+nodeW/2, c.y-gapY/2, c.x+nodeW/2, c.y)
				fmt.Fprintf(&b, `<text class="edge" x="%d" y="%d">foreach %s</text>`, a.x+nodeW/2+6, a.y+nodeH+14, html.EscapeString(s.ForeachVar))
			default:
				fmt.Fprintf(&b, `<path d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="#667" marker-end="url(#arrow)"/>`,
					a.x+nodeW/2, a.y+nodeH, a.x+nodeW/2, a.y+nodeH+gapY/2, c.x+nodeW/2, c.y-gapY/2, c.x+nodeW/2, c.y)
			}
		}
	}
	for _, s := range f.Steps {
		p := pos[s.Name]
		state := states[s.Name]
		cls := "node"
		if state != "" {
			cls += " " + state
		}
		if s.Name == highlight {
			cls += " here"
		}
		if href != nil {
			fmt.Fprintf(&b, `<a href="%s">`, html.EscapeString(href(s.Name)))
		}
		if len(s.Foreach) > 0 { // one task per element: a stack of boxes
			fmt.Fprintf(&b, `<rect class="stack" x="%d" y="%d" width="%d" height="%d" rx="6"/><rect class="stack" x="%d" y="%d" width="%d" height="%d" rx="6"/>`,
				p.x+8, p.y-8, nodeW, nodeH, p.x+4, p.y-4, nodeW, nodeH)
		}
		fmt.Fprintf(&b, `<g class="%s" data-step="%s"><title>%s (%s)%s</title><rect x="%d" y="%d" width="%d" height="%d" rx="6"/><text x="%d" y="%d" text-anchor="middle">%s</text></g>`,
			cls, html.EscapeString(s.Name), html.EscapeString(s.Name), html.EscapeString(string(s.Kind)), stateNote(state), p.x, p.y, nodeW, nodeH, p.x+nodeW/2, p.y+nodeH/2+5, html.EscapeString(shorten(s.Name, 18)))
		if href != nil {
			b.WriteString(`</a>`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func stateNote(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// shorten cuts s to n runes, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// DAGStyle is the CSS that colours DAG's boxes by state.
const DAGStyle = `
svg.dag .node rect{fill:#fff;stroke:#889;stroke-width:1.2}
svg.dag .node text{font:13px system-ui,sans-serif;fill:#222}
svg.dag .node.done rect{fill:#d9f2de;stroke:#2e8540}
svg.dag .node.running rect{fill:#fff4cc;stroke:#c79100}
svg.dag .node.failed rect{fill:#fde0dc;stroke:#c0392b}
svg.dag .node.pending rect{fill:#f3f3f6;stroke:#aab}
svg.dag .node.here rect{stroke:#1f5fbf;stroke-width:3.5}
svg.dag a:hover rect{stroke:#1f5fbf}
svg.dag rect.stack{fill:#fff;stroke:#aab;stroke-width:1}
svg.dag text.edge{font:11px system-ui,sans-serif;fill:#667}
`
