package exportertest

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// Scrape is one parsed /metrics answer, with its text kept for messages.
type Scrape struct {
	Body     string
	Families map[string]*dto.MetricFamily
}

// ParseMetrics parses the text format, failing the test on a malformed
// answer: a body Prometheus could not ingest is a failure in itself.
func ParseMetrics(t testing.TB, body string) Scrape {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parsing /metrics: %v\n%s", err, body)
	}
	return Scrape{Body: body, Families: fams}
}

// Samples returns the values of name whose labels include want, keyed by
// the full label set rendered as name{a="b",...} for messages.
func (s Scrape) Samples(name string, want map[string]string) map[string]float64 {
	out := map[string]float64{}
	for _, m := range s.Families[name].GetMetric() {
		labels := map[string]string{}
		for _, lp := range m.GetLabel() {
			labels[lp.GetName()] = lp.GetValue()
		}
		if !includes(labels, want) {
			continue
		}
		switch {
		case m.Gauge != nil:
			out[SeriesName(name, labels)] = m.GetGauge().GetValue()
		case m.Counter != nil:
			out[SeriesName(name, labels)] = m.GetCounter().GetValue()
		case m.Untyped != nil:
			out[SeriesName(name, labels)] = m.GetUntyped().GetValue()
		}
	}
	return out
}

func includes(labels, want map[string]string) bool {
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// Value returns the single sample of name matching want; ok is false when
// there is none, and the test fails when there are several, since a
// selector meant to name one series that matches two hides a bug.
func (s Scrape) Value(t testing.TB, name string, want map[string]string) (float64, bool) {
	t.Helper()
	got := s.Samples(name, want)
	switch len(got) {
	case 0:
		return 0, false
	case 1:
		for _, v := range got {
			return v, true
		}
	}
	t.Fatalf("%s: %d series match, want at most 1: %v", SeriesName(name, want), len(got), got)
	return 0, false
}

// SeriesName renders a series with its labels sorted, so that messages
// and map keys do not depend on map order.
func SeriesName(name string, labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", k, labels[k])
	}
	b.WriteByte('}')
	return b.String()
}

// Bool is a flag as the exporter exposes it.
func Bool(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// CheckJobs compares every per-job series of one scrape with the
// simulator's ground truth.
func CheckJobs(t testing.TB, s Scrape, server string, truth []simulator.JobTruth) {
	t.Helper()
	if got := len(s.Samples("vbo365_job_scrape_success", map[string]string{"server": server})); got != len(truth) {
		t.Errorf("vbo365_job_scrape_success: %d series for server %q, want %d (one per job)", got, server, len(truth))
	}
	for _, j := range truth {
		sel := map[string]string{"server": server, "job_id": j.ID, "job_name": j.Name}
		expect := func(name string, want float64) {
			t.Helper()
			got, ok := s.Value(t, name, sel)
			switch {
			case !ok:
				t.Errorf("%s missing", SeriesName(name, sel))
			case math.IsNaN(want) && !math.IsNaN(got):
				t.Errorf("%s = %v, want NaN", SeriesName(name, sel), got)
			case !math.IsNaN(want) && got != want:
				t.Errorf("%s = %v, want %v", SeriesName(name, sel), got, want)
			}
		}
		expect("vbo365_job_scrape_success", 1)
		expect("vbo365_job_mailboxes", float64(j.Mailboxes))
		expect("vbo365_job_mailboxes_backed_up", float64(j.BackedUp))
		ratio := math.NaN()
		if j.Mailboxes > 0 {
			ratio = float64(j.BackedUp) / float64(j.Mailboxes)
		}
		expect("vbo365_job_backed_up_ratio", ratio)
		expect("vbo365_job_enabled", Bool(j.Enabled))
		if !j.LastRun.IsZero() {
			expect("vbo365_job_last_run_timestamp_seconds", float64(j.LastRun.Unix())+float64(j.LastRun.Nanosecond())/1e9)
		}
		if j.LastStatus != "" {
			st := map[string]string{"status": j.LastStatus}
			for k, v := range sel {
				st[k] = v
			}
			if got, ok := s.Value(t, "vbo365_job_last_status", st); !ok || got != 1 {
				t.Errorf("%s = %v (present %v), want 1", SeriesName("vbo365_job_last_status", st), got, ok)
			}
		}
	}
}
