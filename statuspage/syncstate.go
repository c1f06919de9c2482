package statuspage

import (
	"strings"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// syncStale is how old an organization cache's last synchronization may
// be before its row is marked, as Vbo365OrganizationSyncStale has it.
const syncStale = 26 * time.Hour

// syncView is the table of each organization's last synchronization with
// the server's organization cache (v7 and later), from what the
// organizations collector kept. A failure's message is not shown: it is
// in the exporter's log, and the page is for a glance.
func syncView(now time.Time, r *poll.ServerResult) opsView {
	v := opsView{Collector: "organizations", Title: "organization cache synchronization",
		Columns: []string{"organization", "last finished", "result", "under way"}}
	if !outcome(&v, r, "organization sync state") {
		return v
	}
	if r.APIVersion == vboapi.V6 {
		v.Note = "not read: REST API v6 has no synchronization state (it reads the live directory)"
		return v
	}
	for _, o := range r.OrganizationSync {
		v.Rows = append(v.Rows, syncRow(now, o))
	}
	return v
}

// syncRow marks an organization whose figures may miss users: its last
// synchronization failed, had a result the API does not document, never
// finished, or is over syncStale old.
func syncRow(now time.Time, o poll.OrganizationSync) opsRow {
	st := o.State
	last := "never"
	if !st.LastEnd.IsZero() {
		last = ago(now, st.LastEnd)
	}
	ok, known := st.Succeeded()
	result := "–"
	switch {
	case known && ok:
		result = "Success"
	case known:
		result = "Error (message in the exporter log)"
	case st.LastResult != "":
		result = st.LastResult + " (not documented)"
	}
	underWay := "– (v7 does not say)"
	if running, known := st.Running(); known {
		underWay = "no"
		if running {
			underWay = strings.ToLower(st.CurrentStatus)
		}
	}
	stale := st.LastEnd.IsZero() || now.Sub(st.LastEnd) > syncStale
	return opsRow{ID: o.ID, Cells: []string{o.Name, last, result, underWay}, Alarm: !(known && ok) || stale}
}
