package card

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/ir"
)

// Task is the metadata a card shows about its task.
type Task struct {
	Pathspec string
	Step     string // highlighted in the graph
	Attempt  int
	Start    time.Time
	End      time.Time // zero while the task runs
	Status   string    // running, ok, caught, failed
	Error    string
}

// Duration returns how long the task ran, "" while it runs.
func (t Task) Duration() string {
	if t.End.IsZero() || t.Start.IsZero() {
		return ""
	}
	return t.End.Sub(t.Start).Round(time.Millisecond).String()
}

// Value is a parameter or artifact as a card shows it.
type Value struct {
	Name    string
	Type    string // the Go type
	Size    int64  // the encoded size in bytes; 0 when unknown
	Preview string // size-capped: at most MaxPreview bytes
}

// MaxPreview caps an artifact's preview, in bytes, unless the directive's
// options say max_artifact_size.
const MaxPreview = 600

// Data is everything a card shows.
type Data struct {
	Type       string // default or blank (blank shows only Components)
	ID         string
	Task       Task
	Params     []Value
	Artifacts  []Value
	Plan       *ir.Flow // the whole flow, for the graph; nil leaves it out
	Components []flow.CardComponent
	// Refresh, when above zero, makes the page reload itself every Refresh
	// seconds: a card rendered while its task runs.
	Refresh int
}

//go:embed card.html.tmpl
var files embed.FS

var page = template.Must(template.New("card.html.tmpl").Funcs(template.FuncMap{
	"component": component,
	"dag":       func(f *ir.Flow, step string) template.HTML { return DAG(f, nil, step, nil) },
	"style":     func() template.CSS { return template.CSS(Style + DAGStyle) },
	"bytes":     Bytes,
}).ParseFS(files, "card.html.tmpl"))

// md renders Markdown: CommonMark with GitHub's tables, strikethrough and
// autolinks. Raw HTML in the source is left out (goldmark's default), so a
// card never carries a script a step's text smuggled in.
var md = goldmark.New(goldmark.WithExtensions(extension.GFM))

// Render returns the card's HTML page.
func Render(d Data) ([]byte, error) {
	var b bytes.Buffer
	if err := page.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("render card of %s: %w", d.Task.Pathspec, err)
	}
	return b.Bytes(), nil
}

// RenderError returns the page that takes the place of a card that could
// not be rendered: the task's metadata and why.
func RenderError(t Task, id string, cause error) []byte {
	out, err := Render(Data{Type: "error", ID: id, Task: t, Components: []flow.CardComponent{{Kind: flow.CardError, Text: "the card could not be rendered: " + cause.Error()}}})
	if err != nil { // the template itself is broken: say so plainly
		return []byte("<!doctype html><meta charset=utf-8><title>card error</title><pre>" + template.HTMLEscapeString(cause.Error()+"\n"+err.Error()) + "</pre>")
	}
	return out
}

// component renders one appended component.
func component(c flow.CardComponent) (template.HTML, error) {
	switch c.Kind {
	case flow.CardMarkdown:
		var b bytes.Buffer
		if err := md.Convert([]byte(c.Text), &b); err != nil {
			return "", fmt.Errorf("markdown: %w", err)
		}
		return template.HTML(`<div class="md">` + b.String() + `</div>`), nil
	case flow.CardTable:
		return table(c), nil
	case flow.CardImage:
		src := "data:" + c.MIME + ";base64," + base64.StdEncoding.EncodeToString(c.Image)
		return template.HTML(fmt.Sprintf(`<figure><img src="%s" alt="%s"><figcaption>%s</figcaption></figure>`,
			template.HTMLEscapeString(src), template.HTMLEscapeString(c.Text), template.HTMLEscapeString(c.Text))), nil
	case flow.CardLineChart:
		return `<figure>` + LineChart(c.Text, c.Series) + `</figure>`, nil
	case flow.CardBarChart:
		return `<figure>` + BarChart(c.Text, c.Labels, c.Values) + `</figure>`, nil
	case flow.CardProgress:
		return progress(c), nil
	case flow.CardError:
		return template.HTML(`<div class="error">` + template.HTMLEscapeString(c.Text) + `</div>`), nil
	}
	return "", fmt.Errorf("unknown card component %q", c.Kind)
}

func table(c flow.CardComponent) template.HTML {
	var b strings.Builder
	b.WriteString(`<div class="scroll"><table class="data">`)
	if len(c.Headers) > 0 {
		b.WriteString(`<thead><tr>`)
		for _, h := range c.Headers {
			b.WriteString(`<th>` + template.HTMLEscapeString(h) + `</th>`)
		}
		b.WriteString(`</tr></thead>`)
	}
	b.WriteString(`<tbody>`)
	for _, r := range c.Rows {
		b.WriteString(`<tr>`)
		for _, cell := range r {
			b.WriteString(`<td>` + template.HTMLEscapeString(cell) + `</td>`)
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table></div>`)
	return template.HTML(b.String())
}

func progress(c flow.CardComponent) template.HTML {
	pct := 0.0
	if c.Max > 0 {
		pct = c.Value / c.Max * 100
	}
	label := fmt.Sprintf("%s: %s / %s", c.Text, num(c.Value), num(c.Max))
	if c.Unit != "" {
		label += " " + c.Unit
	}
	return template.HTML(fmt.Sprintf(`<div class="progress"><div class="label">%s (%.0f%%)</div><div class="bar" role="progressbar" aria-valuenow="%s" aria-valuemax="%s"><div style="width:%.1f%%"></div></div></div>`,
		template.HTMLEscapeString(label), pct, num(c.Value), num(c.Max), pct))
}

// Bytes formats a size: 512 B, 1.5 KiB, 3.2 MiB.
func Bytes(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
}

// Style is the card's CSS.
const Style = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;margin:0;background:#f6f7f9}
main{max-width:1000px;margin:0 auto;padding:20px}
h1{font-size:20px;margin:0 0 4px;word-break:break-all}
h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid #dde;padding-bottom:4px}
section{background:#fff;border:1px solid #e1e3e8;border-radius:8px;padding:12px 16px;margin:12px 0}
table{border-collapse:collapse}
table.meta td,table.meta th{padding:3px 12px 3px 0;text-align:left;vertical-align:top}
table.data{font-size:13px}
table.data th,table.data td{border:1px solid #dde;padding:4px 8px;text-align:left;vertical-align:top}
table.data th{background:#f0f2f6}
td.preview{font-family:ui-monospace,monospace;white-space:pre-wrap;word-break:break-all;max-width:620px}
.scroll{overflow:auto;max-height:480px}
.status{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}
.status.ok,.status.succeeded{background:#d9f2de;color:#1e6b30}
.status.running{background:#fff4cc;color:#7a5a00}
.status.failed,.status.killed,.status.error{background:#fde0dc;color:#8e2317}
.status.caught{background:#ffe6c7;color:#8a4b00}
.error{background:#fde0dc;border:1px solid #e6a39a;border-radius:6px;padding:8px 12px;white-space:pre-wrap;margin:8px 0}
figure{margin:8px 0}
figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:12px;color:#555}
.progress{margin:8px 0}
.progress .bar{height:14px;background:#e8eaf0;border-radius:7px;overflow:hidden;max-width:560px}
.progress .bar div{height:100%;background:#3b82f6}
.md table{border-collapse:collapse}.md th,.md td{border:1px solid #dde;padding:3px 8px}
.md pre{background:#f3f4f7;padding:8px;overflow:auto}
.muted{color:#667}
svg{max-width:100%;height:auto}
`
