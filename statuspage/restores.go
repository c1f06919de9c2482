package statuspage

import (
	"strconv"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
)

// restoresView is the table of the last restore sessions the restores
// collector counted (those that ended since the exporter started, so an
// empty table after a restart is expected) with the Restore Portal's state
// in its caption. A failed session is marked: who restored what is for a
// glance, the alerts judge the volume.
func restoresView(now time.Time, r *poll.ServerResult) opsView {
	v := opsView{Collector: "restores", Title: "restore sessions",
		Columns: []string{"ended", "organization", "type", "result", "initiated by", "portal", "items", "bytes"}}
	if !outcome(&v, r, "restore sessions") {
		return v
	}
	portal := "not read"
	a := r.Restores
	if a != nil && a.PortalEnabled != nil {
		portal = map[bool]string{true: "on", false: "off"}[*a.PortalEnabled]
	}
	v.Title = "restore sessions (last " + strconv.Itoa(poll.RecentRestoreSessions) + " ended since the exporter started); Restore Portal " + portal
	if a == nil {
		return v
	}
	for _, s := range a.Sessions {
		ended := "–"
		if !s.EndTime.IsZero() {
			ended = ago(now, s.EndTime)
		}
		v.Rows = append(v.Rows, opsRow{ID: s.ID, Alarm: s.Result == "Failed", Cells: []string{ended, orDash(s.Organization),
			orDash(s.Type), orDash(s.Result), orDash(s.InitiatedBy), yesNo(s.Portal()), strconv.Itoa(s.Items), size(s.Bytes)}})
	}
	return v
}
