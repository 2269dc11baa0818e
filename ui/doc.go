// Package ui is flowc's run browser, the web server behind flowc ui: the
// flows and their runs, a run's graph coloured by state and a timeline of
// its tasks, a task's logs, artifacts and cards, and a live view of a run
// in progress.
//
// It reads the datastore through package client and the datastore.Store
// the client holds, so it serves any backend a Store can wrap, local or
// object store. It never writes. Everything it serves comes from the Go
// binary: templates and assets are embedded, pages are rendered on the
// server (the graph and the timeline as inline SVG), and the one small
// script only polls a run in progress. Nothing is fetched from elsewhere.
//
// A run page costs no request per task: the server reads each task's done
// marker and attempt once, keeps finished tasks in memory (a finished
// task never changes), and renders summaries, one timeline row per step
// beyond a few hundred tasks, and a paginated task list.
package ui
