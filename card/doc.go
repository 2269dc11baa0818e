// Package card renders cards: self-contained HTML reports of one task,
// made by a step with //flow:card. A card holds the task's metadata, the
// flow's parameters, the task's artifacts (previews, size-capped), the
// flow's graph with the step highlighted, and what the step appended with
// flow.Context.Card (Markdown, tables, images, line and bar charts,
// progress bars).
//
// A card is one HTML file: its CSS is inline, its charts and graph inline
// SVG, its images data: URIs. It loads nothing from anywhere and runs no
// script, so it can be opened from disk, mailed, or served by flowc ui.
//
// The package renders; it reads and writes nothing. The task runner
// (runtime/task) gathers what a card shows and stores the result with
// datastore.Store.PutCard. DAG is also what flowc ui draws a run's graph
// with.
package card
