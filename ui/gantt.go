package ui

import (
	"fmt"
	"html"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// Timeline geometry, in SVG user units.
const (
	ganttW      = 960
	ganttLabelW = 170
	ganttRowH   = 18
	ganttAxisH  = 22
	// taskRows is the most tasks drawn a row each; a larger run gets a
	// row per step, its tasks drawn as ticks in it, so the SVG stays small
	// whatever the run's size.
	taskRows = 300
	// tickLimit bounds the task bars drawn in one step row; beyond it the
	// row shows the step's span and a density of starts.
	tickLimit = 2000
)

// ganttClass is the CSS class of a task's bar.
func ganttClass(t taskSum) string {
	switch t.Status {
	case datastore.AttemptOK:
		return "ok"
	case datastore.AttemptCaught:
		return "caught"
	case datastore.AttemptRunning:
		return "running"
	case datastore.AttemptFailed, datastore.AttemptKilled:
		return "failed"
	}
	return "other"
}

// timeline maps a run's times to the x axis of its Gantt chart.
type timeline struct {
	start time.Time
	span  time.Duration
	now   time.Time // closes the bars of running tasks
	plotW float64
}

func (tl timeline) x(t time.Time) float64 {
	return ganttLabelW + float64(t.Sub(tl.start))/float64(tl.span)*tl.plotW
}

// bar returns where a task's bar starts and how wide it is (at least 1).
func (tl timeline) bar(t taskSum) (float64, float64) {
	e := t.End
	if e.IsZero() {
		e = tl.now
	}
	x0 := tl.x(t.Start)
	return x0, max(tl.x(e)-x0, 1)
}

// gantt draws the run's timeline: a row per task for a small run, a row
// per step for a large one. now closes the bars of running tasks. taskHref
// links a task row's label to the task's page.
func gantt(rs *runSum, now time.Time, taskHref func(t taskSum) string) template.HTML {
	end := rs.End
	for _, t := range rs.Tasks {
		if t.End.IsZero() && !t.Start.IsZero() && now.After(end) {
			end = now
		}
	}
	if rs.Start.IsZero() || !end.After(rs.Start) {
		return `<p class="muted">No task has started yet.</p>`
	}
	tl := timeline{start: rs.Start, span: end.Sub(rs.Start), now: now, plotW: float64(ganttW - ganttLabelW - 10)}
	perTask := len(rs.Tasks) <= taskRows
	rows := len(rs.Steps)
	if perTask {
		rows = len(rs.Tasks)
	}
	h := ganttAxisH + rows*ganttRowH + 4
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="gantt" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="timeline">`, ganttW, h, ganttW, h)
	for i := range 6 {
		tx := ganttLabelW + tl.plotW*float64(i)/5
		anchor := "middle"
		if i == 5 {
			anchor = "end"
		}
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" class="grid"/><text x="%.1f" y="14" class="axis" text-anchor="%s">+%s</text>`,
			tx, tx, ganttAxisH-4, h, tx, anchor, roundDur(tl.span*time.Duration(i)/5))
	}
	if perTask {
		taskRowsSVG(&b, tl, rs.Tasks, taskHref)
	} else {
		stepRowsSVG(&b, tl, rs)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// taskRowsSVG draws a row per task, in the order they started.
func taskRowsSVG(b *strings.Builder, tl timeline, tasks []taskSum, taskHref func(t taskSum) string) {
	tasks = slices.Clone(tasks)
	slices.SortStableFunc(tasks, func(a, c taskSum) int { return a.Start.Compare(c.Start) })
	for i, t := range tasks {
		y := ganttAxisH + i*ganttRowH
		label := t.Step + "/" + t.ID
		shown := shorten(label, 26)
		switch {
		case t.Cached:
			shown = shorten(label, 17) + " (cached)"
		case t.Cloned:
			shown = shorten(label, 17) + " (cloned)"
		}
		fmt.Fprintf(b, `<a href="%s"><text x="4" y="%d" class="label">%s</text></a>`, html.EscapeString(taskHref(t)), y+13, html.EscapeString(shown))
		if t.Cloned {
			// Not run by this run: a mark at its start, not a bar at the
			// origin run's times.
			why := "cloned from the origin run, not run again"
			if t.Cached {
				why = "cached: the result of an earlier task with the same code, parameters and inputs, not run"
			}
			fmt.Fprintf(b, `<rect x="%d" y="%d" width="4" height="%d" class="bar cloned"><title>%s: %s</title></rect>`,
				ganttLabelW, y+3, ganttRowH-6, html.EscapeString(label), why)
			continue
		}
		if t.Start.IsZero() {
			continue
		}
		// Earlier attempts of a retried task, in the same row, thinner.
		for _, a := range t.Earlier {
			if a.Start.IsZero() || a.End.IsZero() {
				continue
			}
			ax0 := tl.x(a.Start)
			fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" class="bar attempt %s"><title>%s attempt %d: %s, %s</title></rect>`,
				ax0, y+6, max(tl.x(a.End)-ax0, 1), ganttRowH-12, ganttClass(taskSum{Status: a.Status}), html.EscapeString(label), a.Attempt, a.Status, roundDur(a.End.Sub(a.Start)))
		}
		x0, w := tl.bar(t)
		fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" class="bar %s"><title>%s: %s, %s</title></rect>`,
			x0, y+3, w, ganttRowH-6, ganttClass(t), html.EscapeString(label), html.EscapeString(string(t.Status)), roundDur(t.Duration(tl.now)))
	}
}

// stepRowsSVG draws a row per step: its span, and a tick per task when it
// has at most tickLimit.
func stepRowsSVG(b *strings.Builder, tl timeline, rs *runSum) {
	byStep := map[string][]taskSum{}
	for _, t := range rs.Tasks {
		byStep[t.Step] = append(byStep[t.Step], t)
	}
	for i, s := range rs.Steps {
		y := ganttAxisH + i*ganttRowH
		fmt.Fprintf(b, `<text x="4" y="%d" class="label">%s (%d)</text>`, y+13, html.EscapeString(shorten(s.Name, 18)), s.Tasks)
		if s.Start.IsZero() {
			continue
		}
		e := s.End
		if s.Running > 0 || e.IsZero() {
			e = tl.now
		}
		fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" class="span %s"><title>%s: %d tasks, %d done, %d running, %d failed, %s</title></rect>`,
			tl.x(s.Start), y+2, max(tl.x(e)-tl.x(s.Start), 1), ganttRowH-4, s.State(), html.EscapeString(s.Name), s.Tasks, s.Done, s.Running, s.Failed, roundDur(e.Sub(s.Start)))
		ts := byStep[s.Name]
		if len(ts) > tickLimit {
			continue
		}
		for _, t := range ts {
			if t.Start.IsZero() || t.Cloned {
				continue
			}
			x0, w := tl.bar(t)
			fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" class="bar %s"/>`, x0, y+6, w, ganttRowH-12, ganttClass(t))
		}
	}
}

// roundDur rounds a duration for display.
func roundDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
