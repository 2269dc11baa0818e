package card

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/flow"
)

// palette colours the series of a chart, in turn.
var palette = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"}

// Chart geometry, in SVG user units, and its look.
const (
	chartW, chartH         = 560, 260
	padL, padR, padT, padB = 56, 16, 28, 34
	plotW, plotH           = chartW - padL - padR, chartH - padT - padB
	maxLegend              = 8 // series named in the legend
	yTicks, xTicks         = 5, 6
	chartFont, smallFont   = 13, 11
	barGap                 = 0.2 // of a bar's slot, left empty
	// maxPoints bounds the points drawn per series; a longer series is
	// thinned evenly, so a million-point loss curve stays a small SVG.
	maxPoints                  = 5000
	gridColor, axisColor, text = "#e4e4ea", "#778", "#333"
)

// finite reports whether v is a number a chart can place.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// span widens [lo, hi] when it is empty or a single value.
func span(lo, hi float64) (float64, float64) {
	if lo > hi {
		return 0, 1.0
	}
	if lo == hi {
		return lo - 1.0/2, hi + 1.0/2
	}
	return lo, hi
}

// num formats an axis label: short, without trailing zeros.
func num(v float64) string {
	if math.Abs(v) >= 1e6 || (v != 0 && math.Abs(v) < 1e-3) {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	s := strings.TrimRight(strconv.FormatFloat(v, 'f', 3, 64), "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		return "0"
	}
	return s
}

func chartOpen(b *strings.Builder, title string) {
	fmt.Fprintf(b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		chartW, chartH, chartW, chartH, html.EscapeString(title))
	fmt.Fprintf(b, `<text x="%d" y="18" font-size="%d" font-weight="600" fill="%s">%s</text>`, padL, chartFont, text, html.EscapeString(title))
}

// yAxis draws horizontal grid lines and labels for [lo, hi] and returns the
// function from a value to its y coordinate.
func yAxis(b *strings.Builder, lo, hi float64) func(float64) float64 {
	y := func(v float64) float64 { return padT + plotH - (v-lo)/(hi-lo)*plotH }
	for i := range yTicks + 1 {
		v := lo + (hi-lo)*float64(i)/yTicks
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s"/>`, padL, padL+plotW, y(v), y(v), gridColor)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" font-size="%d" text-anchor="end" fill="%s">%s</text>`, padL-6, y(v)+4, smallFont, text, num(v))
	}
	fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s"/>`, padL, padL, padT, padT+plotH, axisColor)
	return y
}

// LineChart draws a line chart as SVG.
func LineChart(title string, series []flow.Series) template.HTML {
	var b strings.Builder
	chartOpen(&b, title)
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for i := range min(len(s.X), len(s.Y)) {
			if finite(s.X[i]) && finite(s.Y[i]) {
				xlo, xhi, ylo, yhi = min(xlo, s.X[i]), max(xhi, s.X[i]), min(ylo, s.Y[i]), max(yhi, s.Y[i])
			}
		}
	}
	if xlo > xhi {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text></svg>`, chartW/2, chartH/2, text, "no data")
		return template.HTML(b.String())
	}
	xlo, xhi = span(xlo, xhi)
	ylo, yhi = span(ylo, yhi)
	y := yAxis(&b, ylo, yhi)
	x := func(v float64) float64 { return padL + (v-xlo)/(xhi-xlo)*plotW }
	for i := range xTicks + 1 {
		v := xlo + (xhi-xlo)*float64(i)/xTicks
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="%d" text-anchor="middle" fill="%s">%s</text>`, x(v), padT+plotH+16, smallFont, text, num(v))
	}
	for k, s := range series {
		colour := palette[k%len(palette)]
		var pts strings.Builder
		step := max(1, min(len(s.X), len(s.Y))/maxPoints)
		for i := 0; i < min(len(s.X), len(s.Y)); i += step {
			if finite(s.X[i]) && finite(s.Y[i]) {
				fmt.Fprintf(&pts, "%.1f,%.1f ", x(s.X[i]), y(s.Y[i]))
			}
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="%.1f" points="%s"/>`, colour, 1.8, strings.TrimSpace(pts.String()))
		if k < maxLegend {
			lx := padL + 10 + k*110
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d" font-size="%d" fill="%s">%s</text>`,
				lx, chartH-12, colour, lx+14, chartH-3, smallFont, text, html.EscapeString(shorten(s.Name, 14)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// BarChart draws a bar chart as SVG: a bar per label, from zero.
func BarChart(title string, labels []string, values []float64) template.HTML {
	var b strings.Builder
	chartOpen(&b, title)
	lo, hi := 0.0, 0.0
	for _, v := range values {
		if finite(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if len(values) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text></svg>`, chartW/2, chartH/2, text, "no data")
		return template.HTML(b.String())
	}
	lo, hi = span(lo, hi)
	y := yAxis(&b, lo, hi)
	slot := float64(plotW) / float64(len(values))
	for i, v := range values {
		if !finite(v) {
			continue
		}
		x0 := padL + float64(i)*slot + slot*barGap/2
		top, bottom := y(max(v, 0)), y(min(v, 0))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`,
			x0, top, slot*(1-barGap), bottom-top, palette[0], html.EscapeString(labels[i]), num(v))
		if len(values) <= 24 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="%d" text-anchor="middle" fill="%s">%s</text>`,
				x0+slot*(1-barGap)/2, padT+plotH+16, smallFont, text, html.EscapeString(shorten(labels[i], max(3, int(slot/7)))))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
