// Package statuspage renders the exporter's landing page with a table of the
// last poll of every server and job, and of each server's licence,
// repositories and proxies, for people checking on the exporter without a
// Prometheus query at hand.
//
// Tests: statuspage_test.go (statuspage.go, template.go) and ops_test.go
// (ops.go, syncstate.go).
package statuspage

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/prometheus/exporter-toolkit/web"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/protection"
)

// marker is replaced, per request, by the status table inside the toolkit's
// landing page, so the page keeps the toolkit's look and links.
const marker = "<!--vbo365-status-->"

// Handler serves the landing page with the status table.
type Handler struct {
	before, after []byte // the toolkit's page around the table, rendered once
	results       func() []*poll.ServerResult
	now           func() time.Time
}

// New builds the page from the toolkit landing config. results must return
// what the last polls found without polling: rendering the page never calls
// the API.
func New(cfg web.LandingConfig, results func() []*poll.ServerResult) (*Handler, error) {
	cfg.ExtraHTML += marker
	cfg.ExtraCSS += css
	landing, err := web.NewLandingPage(cfg)
	if err != nil {
		return nil, err
	}
	// The toolkit's page depends on its config only, so it is rendered once
	// and split where the table goes.
	rec := httptest.NewRecorder()
	landing.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	before, after, found := bytes.Cut(rec.Body.Bytes(), []byte(marker))
	if rec.Code != http.StatusOK || !found {
		return nil, fmt.Errorf("the landing page did not render (HTTP %d)", rec.Code)
	}
	return &Handler{before: before, after: after, results: results, now: time.Now}, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	var table bytes.Buffer
	if err := tableTemplate.Execute(&table, h.view()); err != nil {
		http.Error(w, "rendering the status table: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(h.before)
	w.Write(table.Bytes())
	w.Write(h.after)
}

type serverView struct {
	Name, Up, Polled, Duration, LastError, LastErrorAt string
	Jobs                                               []jobView
	Ops                                                []opsView // licence, proxies, repositories, organization sync, restores
}

type jobView struct {
	Name, ID, Success, Mailboxes, BackedUp, Ratio, NotBackedUp, Workloads, LastError, LastErrorAt string
	Alarm                                                                                         bool
}

func (h *Handler) view() []serverView {
	now := h.now()
	var out []serverView
	for _, r := range h.results() {
		sv := serverView{
			Name:     r.Server,
			Up:       yesNo(r.Up),
			Polled:   ago(now, r.Start),
			Duration: r.Duration.Round(time.Millisecond).String(),
		}
		if r.LastError != "" {
			sv.LastError, sv.LastErrorAt = r.LastError, ago(now, r.LastErrorAt)
		}
		for _, j := range r.Jobs {
			jv := jobView{Name: j.Name, ID: j.ID, Success: yesNo(j.Success), Mailboxes: "–", BackedUp: "–", Ratio: "–", NotBackedUp: "–",
				Workloads: otherWorkloads(j)}
			if j.Success {
				c := &j.Figures
				jv.Mailboxes, jv.BackedUp = fmt.Sprint(c.Mailboxes), fmt.Sprint(c.BackedUp)
				jv.NotBackedUp = fmt.Sprint(c.Mailboxes - c.BackedUp)
				jv.Ratio = "NaN (no mailboxes)"
				if c.Mailboxes > 0 {
					jv.Ratio = fmt.Sprintf("%.4f", math.Floor(float64(c.BackedUp)/float64(c.Mailboxes)*1e4)/1e4)
				}
				jv.Alarm = c.Mailboxes > c.BackedUp
			} else {
				jv.Alarm = true
			}
			if j.LastError != "" {
				jv.LastError, jv.LastErrorAt = j.LastError, ago(now, j.LastErrorAt)
			}
			sv.Jobs = append(sv.Jobs, jv)
		}
		sv.Ops = opsViews(now, r)
		out = append(out, sv)
	}
	return out
}

// otherWorkloads sums up the job's workloads beside the mailbox: those
// with objects not backed up, and those that could not be read; "–" when
// the server exports none (v1, or its workloads setting).
func otherWorkloads(j *poll.JobResult) string {
	var parts []string
	exported := false
	for w := range protection.Workload(protection.NumWorkloads) {
		if w == protection.WorkloadMailbox || !j.WorkloadsOn.Has(w) {
			continue
		}
		exported = true
		switch f := j.Figures.Workloads[w]; {
		case !j.Success:
		case f.Err != nil:
			parts = append(parts, w.String()+" not read")
		case f.InScope > f.BackedUp:
			parts = append(parts, fmt.Sprintf("%s %d of %d", w, f.InScope-f.BackedUp, f.InScope))
		}
	}
	switch {
	case !exported || !j.Success:
		return "–"
	case len(parts) == 0:
		return "none"
	}
	return strings.Join(parts, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func ago(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%s (%s ago)", t.UTC().Format(time.RFC3339), now.Sub(t).Round(time.Second))
}
