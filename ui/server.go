package ui

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flowc-dev/flowc/card"
	"github.com/flowc-dev/flowc/client"
	"github.com/flowc-dev/flowc/runtime/codec"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

//go:embed templates static
var assets embed.FS

// Server serves the run browser over one datastore.
type Server struct {
	c     *client.Client
	sums  *summaries
	pages map[string]*template.Template
	mux   *http.ServeMux
	// Now is the clock, for tests; nil means time.Now.
	Now func() time.Time
	// hosts are the host names, besides localhost and IP addresses, that
	// a request's Host header may name; "*" allows any (see AllowHosts).
	hosts []string
	// ns is the namespace the run list shows by default (SetNamespace).
	ns string
}

// SetNamespace makes the run list show the runs of namespace ns (a tag:
// user:NAME, project:P, ...) unless a request asks for another with
// ?namespace=NS (empty: every namespace); client.Global, the default,
// shows every run. A run's own page is found in any namespace.
func (s *Server) SetNamespace(ns string) { s.ns = ns }

// Page sizes.
const (
	runsPerPage  = 50
	tasksPerPage = 200
	// maxPreviewSize is the largest encoded artifact whose value a task
	// page decodes for its preview; larger ones show their size only.
	maxPreviewSize = 1 << 20
	previewRunes   = 300
	// maxLogShown is how much of the end of a log a task page shows.
	maxLogShown = 512 << 10
)

// New returns a Server reading the datastore c reads, in every namespace.
// It turns off the memory mapping of large blobs on c's store: a server
// reads many values and keeps none.
func New(c *client.Client) (*Server, error) {
	c = c.Namespace(client.Global)
	c.Store().SetMapping(false)
	s := &Server{c: c, sums: &summaries{store: c.Store(), runs: map[string]*runCache{}}, pages: map[string]*template.Template{}, mux: http.NewServeMux()}
	funcs := template.FuncMap{
		"time":    func(t time.Time) string { return fmtTime(t) },
		"dur":     roundDur,
		"bytes":   card.Bytes,
		"join":    strings.Join,
		"pathEsc": url.PathEscape,
		"status":  knownStatus,
	}
	for _, p := range []string{"index", "run", "task", "error"} {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+p+".html")
		if err != nil {
			return nil, fmt.Errorf("ui: template %s: %w", p, err)
		}
		s.pages[p] = t
	}
	static, _ := fs.Sub(assets, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	s.mux.HandleFunc("GET /static/dag.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Write([]byte(card.DAGStyle))
	})
	s.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, static, "favicon.svg")
	})
	s.mux.HandleFunc("GET /{$}", s.index)
	s.mux.HandleFunc("GET /runs/{flow}/{run}", s.run)
	s.mux.HandleFunc("GET /tasks/{flow}/{run}/{step}/{task}", s.task)
	s.mux.HandleFunc("GET /cards/{flow}/{run}/{step}/{task}", s.card)
	return s, nil
}

// AllowHosts adds host names that a request's Host header may name,
// besides "localhost" and IP addresses (which are always allowed); "*"
// allows any name. See hostAllowed.
func (s *Server) AllowHosts(names ...string) { s.hosts = append(s.hosts, names...) }

// hostAllowed guards against DNS rebinding: a web page the user visits
// (http://attacker.example) that points its own name at 127.0.0.1 could
// otherwise read every page of the browser, artifacts and logs included,
// because the request, to the attacker's name, looks same-origin to the
// browser. Such a request carries the attacker's name in its Host header;
// requests to the server by address or as localhost do not.
func (s *Server) hostAllowed(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || net.ParseIP(strings.Trim(host, "[]")) != nil {
		return true
	}
	for _, n := range s.hosts {
		if n == "*" || strings.EqualFold(n, host) {
			return true
		}
	}
	return false
}

// ServeHTTP serves the browser.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hostAllowed(r.Host) {
		http.Error(w, "flowc ui: requests must name this server by its address or as localhost, not "+strconv.Quote(r.Host)+" (a DNS rebinding attack?); flowc ui --host NAME allows NAME", http.StatusMisdirectedRequest)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if !strings.HasPrefix(r.URL.Path, "/cards/") {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-src 'self'; frame-ancestors 'self'")
	}
	s.mux.ServeHTTP(w, r)
}

// Serve serves the browser on ln until ctx is cancelled, then shuts down.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(&discardLog{}, "", 0)}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := hs.Shutdown(sctx)
		<-done
		return err
	}
}

type discardLog struct{}

func (*discardLog) Write(p []byte) (int, error) { return len(p), nil }

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

// render executes a page, or only its live block for ?partial=1.
func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, data any) {
	name := "layout.html"
	if r.URL.Query().Get("partial") == "1" {
		name = "live"
	}
	var b bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&b, name, data); err != nil {
		http.Error(w, "render "+page+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
}

// fail shows an error page: 404 for what does not exist, 400 for a bad
// name, 500 otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := http.StatusInternalServerError
	var pe *client.PathspecError
	switch {
	case errors.Is(err, client.ErrNotFound):
		code = http.StatusNotFound
	case errors.As(err, &pe):
		code = http.StatusBadRequest
	}
	w.WriteHeader(code)
	msg := s.hideRoot(err.Error())
	var b bytes.Buffer
	if e := s.pages["error"].ExecuteTemplate(&b, "layout.html", map[string]any{"Title": http.StatusText(code), "Code": code, "Err": msg}); e != nil {
		fmt.Fprintf(w, "%d %s: %s", code, http.StatusText(code), msg)
		return
	}
	w.Write(b.Bytes())
}

// hideRoot removes the datastore's location from an error shown to the
// browser: a file-system error names a file by its absolute path, which
// says where the user keeps things (a home directory, a user name); keys
// relative to the datastore say enough.
func (s *Server) hideRoot(msg string) string {
	if r, ok := s.c.Store().Backend().(interface{ Root() string }); ok && r.Root() != "" {
		root := strings.TrimSuffix(r.Root(), "/")
		msg = strings.ReplaceAll(msg, root+"/", "")
		msg = strings.ReplaceAll(msg, root, "the datastore")
	}
	return msg
}

// knownStatus returns a run's or attempt's status when it is one flowc
// writes, and "unknown" otherwise: a status comes from a datastore file that
// a task, or any writer of a shared bucket, can edit, and a page uses it as
// a CSS class.
func knownStatus(s any) string {
	switch v := fmt.Sprint(s); v {
	case "running", "succeeded", "failed", "ok", "caught", "killed", "stale":
		return v
	}
	return "unknown"
}

// runRow is a run in a list.
type runRow struct {
	Flow, ID, Status, User string
	Class                  string // the status's CSS class
	Start                  time.Time
	Duration               string
	Tags                   []string
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	ns := s.ns
	if q := r.URL.Query(); q.Has("namespace") {
		ns = q.Get("namespace")
	}
	flows, err := s.c.Namespace(ns).Flows()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	want := r.URL.Query().Get("flow")
	var rows []runRow
	var names []string
	for _, f := range flows {
		names = append(names, f.Name())
		if want != "" && f.Name() != want {
			continue
		}
		runs, err := f.Runs()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, run := range runs {
			d := "-"
			if run.Finished() {
				d = roundDur(run.Duration())
			}
			row := runRow{Flow: f.Name(), ID: run.ID(), Status: run.StatusText(), Class: string(run.Status()), User: run.User(), Start: run.Start(), Duration: d, Tags: run.Tags()}
			if _, stale := run.Stale(); stale {
				row.Class = "stale"
			}
			rows = append(rows, row)
		}
	}
	slices.SortStableFunc(rows, func(a, b runRow) int {
		if c := b.Start.Compare(a.Start); c != 0 {
			return c
		}
		return datastore.CompareIDs(b.ID, a.ID)
	})
	page, pages, rows := paginate(r, rows, runsPerPage)
	s.render(w, r, "index", map[string]any{"Title": "flowc runs", "Flows": names, "Flow": want, "Runs": rows, "Page": page, "Pages": pages, "Prev": page - 1, "Next": page + 1,
		"NS": ns, "DefaultNS": s.ns})
}

// paginate returns the page ?page=N (from 1) of items.
func paginate[T any](r *http.Request, items []T, per int) (int, int, []T) {
	pages := max(1, (len(items)+per-1)/per)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = min(max(page, 1), pages)
	lo := (page - 1) * per
	return page, pages, items[lo:min(lo+per, len(items))]
}

// pageLinks lists the pages to link to: the first, the last, and those
// near the current one; 0 marks a gap.
func pageLinks(page, pages int) []int {
	var out []int
	for p := 1; p <= pages; p++ {
		if p == 1 || p == pages || (p >= page-3 && p <= page+3) {
			out = append(out, p)
		} else if len(out) > 0 && out[len(out)-1] != 0 {
			out = append(out, 0)
		}
	}
	return out
}

func (s *Server) run(w http.ResponseWriter, r *http.Request) {
	flow, id := r.PathValue("flow"), r.PathValue("run")
	run, err := s.c.Flow(flow).Run(id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sum, err := s.sums.summary(r.Context(), flow, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	params, _ := run.Parameters()
	var ps [][2]string
	for _, k := range slices.Sorted(maps.Keys(params)) {
		ps = append(ps, [2]string{k, codec.Preview(params[k], previewRunes)})
	}
	now := s.now()
	base := "/runs/" + url.PathEscape(flow) + "/" + url.PathEscape(id)
	taskHref := func(t taskSum) string {
		return "/tasks/" + url.PathEscape(flow) + "/" + url.PathEscape(id) + "/" + url.PathEscape(t.Step) + "/" + url.PathEscape(t.ID)
	}
	var dag template.HTML
	if sum.Plan != nil {
		dag = card.DAG(sum.Plan, sum.states(), "", func(step string) string { return base + "?step=" + url.QueryEscape(step) + "#tasks" })
	}
	tasks := sum.Tasks
	step := r.URL.Query().Get("step")
	if step != "" {
		tasks = slices.DeleteFunc(slices.Clone(tasks), func(t taskSum) bool { return t.Step != step })
	}
	page, pages, tasks := paginate(r, tasks, tasksPerPage)
	if err := s.sums.startsFor(r.Context(), sum, tasks); err != nil {
		s.fail(w, r, err)
		return
	}
	type taskRow struct {
		taskSum
		Href, Duration string
	}
	rows := make([]taskRow, len(tasks))
	for i, t := range tasks {
		d := "-"
		if !t.Start.IsZero() {
			d = roundDur(t.Duration(now))
		}
		rows[i] = taskRow{t, taskHref(t), d}
	}
	dur := roundDur(run.Duration())
	if !run.Finished() {
		dur = roundDur(now.Sub(run.Start())) + " so far"
	}
	q := url.Values{"partial": {"1"}}
	if step != "" {
		q.Set("step", step)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	s.render(w, r, "run", map[string]any{
		"Title": run.Pathspec(), "Run": run, "Flow": flow, "Duration": dur, "Params": ps,
		"DAG": dag, "Gantt": gantt(sum, now, taskHref), "Steps": sum.Steps, "TaskCount": len(sum.Tasks),
		"Tasks": rows, "Step": step, "Page": page, "Pages": pages, "PageLinks": pageLinks(page, pages), "Base": base,
		"Poll": pollURL(!run.Finished(), base, q),
	})
}

// pollURL is the address a live page polls for its live block, "" for a
// page that is not live.
func pollURL(live bool, base string, q url.Values) string {
	if !live {
		return ""
	}
	return base + "?" + q.Encode()
}

// artifactRow is an artifact on a task page.
type artifactRow struct {
	Name, Type, Preview string
	Size                int64
}

// logView is one log on a task page.
type logView struct {
	Stream string
	Text   string
	Cut    int64 // bytes left out at the start
}

func (s *Server) task(w http.ResponseWriter, r *http.Request) {
	flow, id, stepName, taskID := r.PathValue("flow"), r.PathValue("run"), r.PathValue("step"), r.PathValue("task")
	run, err := s.c.Flow(flow).Run(id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := run.Step(stepName).Task(taskID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if a := r.URL.Query().Get("attempt"); a != "" {
		n, err := strconv.Atoi(a)
		if err != nil || n < 0 {
			s.fail(w, r, &client.PathspecError{Pathspec: t.Pathspec(), Reason: "attempt " + a + ": want a number from 0"})
			return
		}
		if t, err = t.AtAttempt(n); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	arts := artifactRows(t)
	logs := logViews(t)
	cls, err := cardLinks(t, flow, id, stepName, taskID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var errText string
	if e := t.Error(); e != nil {
		errText = e.Error()
	}
	base := "/tasks/" + url.PathEscape(flow) + "/" + url.PathEscape(id) + "/" + url.PathEscape(stepName) + "/" + url.PathEscape(taskID)
	q := url.Values{"partial": {"1"}}
	if a := r.URL.Query().Get("attempt"); a != "" {
		q.Set("attempt", a)
	}
	end := t.End()
	dur := "-"
	if !t.Start().IsZero() {
		if end.IsZero() {
			dur = roundDur(s.now().Sub(t.Start())) + " so far"
		} else {
			dur = roundDur(end.Sub(t.Start()))
		}
	}
	s.render(w, r, "task", map[string]any{
		"Title": t.Pathspec(), "Task": t, "Run": run, "Flow": flow, "RunHref": "/runs/" + url.PathEscape(flow) + "/" + url.PathEscape(id),
		"Base": base, "Artifacts": arts, "Logs": logs, "Cards": cls, "Error": errText, "Duration": dur,
		"Poll": pollURL(t.Status() == datastore.AttemptRunning, base, q),
	})
}

// artifactRows previews a task's artifacts; values over maxPreviewSize
// encoded show their size only.
func artifactRows(t *client.Task) []artifactRow {
	var arts []artifactRow
	for _, name := range t.Artifacts() {
		info, _ := t.ArtifactInfo(name)
		row := artifactRow{Name: name, Type: info.GoType, Size: info.Size}
		if info.Size <= maxPreviewSize {
			if v, err := t.ArtifactAny(name); err == nil {
				row.Preview = codec.PreviewAs(v, info.GoType, previewRunes)
			} else {
				row.Preview = "(" + err.Error() + ")"
			}
		} else {
			row.Preview = "(too large to preview here: flowc dump --json " + t.Pathspec() + ")"
		}
		arts = append(arts, row)
	}
	return arts
}

// logViews reads the task's two logs, keeping the last maxLogShown bytes
// of each.
func logViews(t *client.Task) []logView {
	var logs []logView
	for _, st := range []client.Stream{client.Stdout, client.Stderr} {
		text, err := t.Logs(st, -1)
		if err != nil {
			text = "(" + err.Error() + ")"
		}
		lv := logView{Stream: string(st), Text: text}
		if len(text) > maxLogShown {
			lv.Cut = int64(len(text) - maxLogShown)
			lv.Text = text[len(text)-maxLogShown:]
		}
		logs = append(logs, lv)
	}
	return logs
}

// cardLink is a card on a task page.
type cardLink struct {
	Label, Href string
}

// cardLinks lists the task's cards with their addresses on this server.
func cardLinks(t *client.Task, flow, run, step, task string) ([]cardLink, error) {
	cards, err := t.Cards()
	if err != nil {
		return nil, err
	}
	var cls []cardLink
	for _, ci := range cards {
		q := url.Values{"attempt": {strconv.Itoa(ci.Attempt)}, "type": {ci.Type}}
		label := ci.Type
		if ci.ID != "" {
			q.Set("id", ci.ID)
			label += " · " + ci.ID
		}
		cls = append(cls, cardLink{label, "/cards/" + url.PathEscape(flow) + "/" + url.PathEscape(run) + "/" + url.PathEscape(step) + "/" + url.PathEscape(task) + "?" + q.Encode()})
	}
	return cls, nil
}

// card serves a card as stored: its own page, which the task page shows in
// a sandboxed frame. The policy lets it show its inline styles and data:
// images and nothing else.
func (s *Server) card(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, err := strconv.Atoi(q.Get("attempt"))
	if err != nil || n < 0 {
		http.Error(w, "attempt: want a number from 0", http.StatusBadRequest)
		return
	}
	run, err := s.c.Flow(r.PathValue("flow")).Run(r.PathValue("run"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := run.Step(r.PathValue("step")).Task(r.PathValue("task"))
	if err == nil {
		t, err = t.AtAttempt(n)
	}
	var page []byte
	var info client.CardInfo
	if err == nil {
		page, info, err = t.Card(q.Get("id"))
	}
	if err == nil && info.Type != q.Get("type") {
		err = fmt.Errorf("%w: task %s has no %s card with id %q", client.ErrNotFound, t.Pathspec(), q.Get("type"), q.Get("id"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'")
	w.Write(page)
}
