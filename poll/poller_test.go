package poll

import (
	"errors"
	"testing"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/config"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// TestSelectJobs: with no jobs configured every job of the list is read;
// configured ids match whatever their case or braces, take the API's name
// unless one is configured, and an id the server lacks fails alone.
func TestSelectJobs(t *testing.T) {
	list := []vboapi.Job{{ID: "a1b2", Name: "Mail"}, {ID: "c3d4", Name: "Sites"}}
	all := (&Poller{}).selectJobs(list)
	if len(all) != 2 || all[0].Job != &list[0] || all[1].Name != "Sites" {
		t.Fatalf("every job: %+v", all)
	}
	p := &Poller{cfg: config.Server{Jobs: []config.Job{{ID: "{A1B2}"}, {ID: "c3d4", Name: "mine"}, {ID: "ffff", Name: "gone"}}}}
	got := p.selectJobs(list)
	if got[0].ID != "a1b2" || got[0].Name != "Mail" || got[0].Job != &list[0] {
		t.Errorf("braced upper-case id: %+v", got[0])
	}
	if got[1].Name != "mine" || got[1].Job != &list[1] {
		t.Errorf("configured name: %+v", got[1])
	}
	if got[2].Job != nil || !errors.Is(got[2].Err, errJobNotFound) || got[2].Name != "gone" {
		t.Errorf("unknown id: %+v", got[2])
	}
}

// TestCarryErrors: a poll records its own errors and keeps the earlier
// ones where it has none, for the server and each job.
func TestCarryErrors(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	first := &ServerResult{Start: t0, Err: errors.New("HTTP 503"),
		Jobs: []*JobResult{{ID: "a", Err: errors.New("page 3")}, {ID: "b"}}}
	first.carryErrors(nil)
	second := &ServerResult{Start: t0.Add(time.Minute), Jobs: []*JobResult{{ID: "a"}, {ID: "b", Err: errors.New("404")}}}
	second.carryErrors(first)
	if second.LastError != "HTTP 503" || !second.LastErrorAt.Equal(t0) {
		t.Errorf("server: %q at %v", second.LastError, second.LastErrorAt)
	}
	if a := second.Jobs[0]; a.LastError != "page 3" || !a.LastErrorAt.Equal(t0) {
		t.Errorf("job a: %q at %v", a.LastError, a.LastErrorAt)
	}
	if b := second.Jobs[1]; b.LastError != "404" || !b.LastErrorAt.Equal(second.Start) {
		t.Errorf("job b: %q at %v", b.LastError, b.LastErrorAt)
	}
}
