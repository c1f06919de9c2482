package statuspage

import (
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// opsView is one operations collector's table of a server: what it read in
// the last poll, or why it read nothing.
type opsView struct {
	Collector string // its name, as in --collector.<name>
	Title     string
	Columns   []string // shown with rows only
	Rows      []opsRow
	// Note stands for the rows when there are none: the collector is off,
	// was skipped, failed, or the server has none.
	Note string
	Err  string // why it failed
}

type opsRow struct {
	ID    string // the object's id, as data-id
	Cells []string
	Alarm bool
}

// opsViews are the licence, proxies, repositories, organization sync and
// restore session tables of r, from what the last poll kept: none of them
// calls the API.
func opsViews(now time.Time, r *poll.ServerResult) []opsView {
	lic := opsView{Collector: "license", Title: "licence", Columns: []string{"status", "type", "expires", "units used"}}
	if outcome(&lic, r, "licence") && r.License != nil {
		lic.Rows = []opsRow{licenseRow(now, r.License)}
	}
	repos := opsView{Collector: "repositories", Title: "repositories",
		Columns: []string{"repository", "free", "capacity", "free %", "out of sync", "out of order", "immutability"}}
	if outcome(&repos, r, "repositories") {
		for _, rp := range r.Repositories {
			repos.Rows = append(repos.Rows, repositoryRow(rp))
		}
	}
	proxies := opsView{Collector: "proxies", Title: "proxies", Columns: []string{"proxy", "status", "maintenance"}}
	if outcome(&proxies, r, "proxies") {
		for _, p := range r.Proxies {
			proxies.Rows = append(proxies.Rows, proxyRow(p))
		}
	}
	sync, restores := syncView(now, r), restoresView(now, r)
	for _, v := range []*opsView{&lic, &repos, &proxies, &sync, &restores} {
		if len(v.Rows) == 0 && v.Note == "" {
			v.Note = "none"
			if v.Err != "" {
				v.Note = "not read"
			}
		}
	}
	// The two small tables first, so that they fit side by side.
	return []opsView{lic, proxies, repos, sync, restores}
}

// outcome fills v's note or error from the outcome of its collector in r,
// and reports whether the collector ran, so that what it kept can be
// shown (a failed licence collector may have read the licence itself).
func outcome(v *opsView, r *poll.ServerResult, what string) (ran bool) {
	var c *poll.CollectorResult
	for _, cr := range r.Collectors {
		if cr.Name == v.Collector {
			c = cr
		}
	}
	switch {
	case c == nil:
		v.Note = fmt.Sprintf("not read: the %s collector is off (--no-collector.%s)", v.Collector, v.Collector)
		return false
	case c.Skipped:
		api := "the server's REST API version"
		if r.APIVersion != "" {
			api = "REST API " + string(r.APIVersion)
		}
		v.Note = fmt.Sprintf("not read: %s has no %s (collector skipped)", api, what)
		return false
	case c.Err != nil:
		v.Err = c.Err.Error()
	}
	return true
}

func licenseRow(now time.Time, l *vboapi.License) opsRow {
	expires := "–"
	if !l.Expires.IsZero() {
		expires = l.Expires.UTC().Format(time.DateOnly) + " (" + untilExpiry(now, l.Expires) + ")"
	}
	units := fmt.Sprintf("%d of %d", l.UsedNumber, l.TotalNumber)
	if l.TotalNumber > 0 {
		units += " (" + percent(int64(l.UsedNumber), int64(l.TotalNumber)) + ")"
	}
	return opsRow{
		ID:    "license",
		Cells: []string{orDash(l.Status), orDash(l.Type), expires, units},
		Alarm: l.Status != "Valid" || l.UsedNumber > l.TotalNumber || (!l.Expires.IsZero() && !l.Expires.After(now)),
	}
}

// repositoryRow shows the store on disk, else the object storage's size
// limit, else the object storage's use.
func repositoryRow(r vboapi.Repository) opsRow {
	row := opsRow{ID: r.ID}
	free, capacity, share := "–", "–", "–"
	s := r.ObjectStorage
	switch {
	case r.CapacityBytes != nil && r.FreeSpaceBytes != nil:
		free, capacity = size(*r.FreeSpaceBytes), size(*r.CapacityBytes)
		row.Alarm = lowShare(*r.FreeSpaceBytes, *r.CapacityBytes)
		if *r.CapacityBytes > 0 {
			share = percent(*r.FreeSpaceBytes, *r.CapacityBytes)
		}
	case s != nil && s.SizeLimitEnabled != nil && *s.SizeLimitEnabled && s.SizeLimitGB != nil && s.FreeSpaceBytes != nil:
		limit := *s.SizeLimitGB << 30
		free, capacity = size(*s.FreeSpaceBytes), size(limit)+" (object storage limit)"
		row.Alarm = lowShare(*s.FreeSpaceBytes, limit)
		if limit > 0 {
			share = percent(*s.FreeSpaceBytes, limit)
		}
	case s != nil:
		capacity = "object storage, no limit"
		if s.UsedSpaceBytes != nil {
			capacity += " (" + size(*s.UsedSpaceBytes) + " used)"
		}
	}
	outOfOrder := flag(r.OutOfOrder)
	if r.OutOfOrder != nil && *r.OutOfOrder && r.OutOfOrderReason != "" {
		outOfOrder += ": " + r.OutOfOrderReason
	}
	immutable := "–"
	if s != nil && s.ImmutabilityEnabled != nil {
		immutable = yesNo(*s.ImmutabilityEnabled)
		if *s.ImmutabilityEnabled && s.ImmutabilityPeriodDays != nil {
			immutable += fmt.Sprintf(", %d days", *s.ImmutabilityPeriodDays)
		}
	}
	row.Alarm = row.Alarm || isTrue(r.OutOfSync) || isTrue(r.OutOfOrder)
	row.Cells = []string{r.Name, free, capacity, share, flag(r.OutOfSync), outOfOrder, immutable}
	return row
}

// proxyRow shows the status as the API spelled it, and marks Offline only:
// a status the schema does not list (Maintenance) is not an outage.
func proxyRow(p vboapi.Proxy) opsRow {
	return opsRow{ID: p.ID, Cells: []string{p.HostName, orDash(p.Status), orDash(p.MaintenanceMode)}, Alarm: p.Status == "Offline"}
}

// lowShare reports whether less than a tenth is free: the repository's
// row is then marked (the simulator's near-full repository has 2%).
func lowShare(free, capacity int64) bool {
	return capacity > 0 && free*10 < capacity
}

// percent is part of whole floored to a tenth of a percent, exactly, so
// that a repository with 1.99% free never shows 2.0%.
func percent(part, whole int64) string {
	q := new(big.Int).Mul(big.NewInt(part), big.NewInt(1000))
	tenths := q.Quo(q, big.NewInt(whole)).Int64() // toward zero
	sign := ""
	if tenths < 0 {
		sign, tenths = "-", -tenths
	}
	return fmt.Sprintf("%s%d.%d%%", sign, tenths/10, tenths%10)
}

// size is n in binary units with one decimal.
func size(n int64) string {
	const units = "KMGTPE"
	if n < 1024 && n > -1024 {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/1024, 0
	for math.Abs(v) >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %ciB", v, units[i])
}

// untilExpiry says how far expiry t is from now: in days from two days,
// in hours from two hours, else in minutes.
func untilExpiry(now, t time.Time) string {
	d := t.Sub(now)
	abs := d.Abs()
	var span string
	switch {
	case abs >= 48*time.Hour:
		span = fmt.Sprintf("%d days", abs/(24*time.Hour))
	case abs >= 2*time.Hour:
		span = fmt.Sprintf("%d hours", abs/time.Hour)
	default:
		span = fmt.Sprintf("%d min", abs/time.Minute)
	}
	if d < 0 {
		return "expired " + span + " ago"
	}
	return "in " + span
}

// flag is yes, no, or a dash when the server did not say.
func flag(b *bool) string {
	if b == nil {
		return "–"
	}
	return yesNo(*b)
}

func isTrue(b *bool) bool { return b != nil && *b }

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
