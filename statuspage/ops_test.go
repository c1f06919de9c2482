package statuspage

import (
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/exporter-toolkit/web"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// opsTable is the HTML of a server's table of a collector.
func opsTable(t *testing.T, page, server, coll string) string {
	t.Helper()
	i := strings.Index(page, fmt.Sprintf(`data-server="%s" data-collector="%s"`, server, coll))
	if i < 0 {
		t.Fatalf("no %s table for server %s", coll, server)
	}
	table, _, ok := strings.Cut(page[i:], "</table>")
	if !ok {
		t.Fatalf("the %s table for server %s does not end", coll, server)
	}
	return table
}

// opsRowText is the visible text of the row of object id in a table, and
// whether it is marked.
func opsRowText(t *testing.T, table, id string) (text string, alarm bool) {
	t.Helper()
	i := strings.Index(table, `data-id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no row for %s", id)
	}
	tr := strings.LastIndex(table[:i], "<tr")
	row, _, ok := strings.Cut(table[i+strings.Index(table[i:], ">")+1:], "</tr>")
	if !ok {
		t.Fatalf("the row for %s does not end", id)
	}
	return visible(row), strings.Contains(table[tr:i], `class="alarm"`)
}

var alarmedRow = regexp.MustCompile(`<tr class="alarm" data-id="([^"]*)"`)

// alarms lists the ids of a table's marked rows.
func alarms(table string) []string {
	var out []string
	for _, m := range alarmedRow.FindAllStringSubmatch(table, -1) {
		out = append(out, m[1])
	}
	return out
}

// checkOps checks west's licence, repositories and proxies against the
// simulator's truth, and that east's v1 has none of them.
func checkOps(t *testing.T, page string, sim *simulator.Simulator) {
	t.Helper()
	ot, inv := sim.OpsTruth(), sim.InventoryTruth()

	lic := opsTable(t, page, "west", "license")
	days := int(time.Until(ot.LicenseExpires) / (24 * time.Hour))
	want := fmt.Sprintf("%s %s %s (in %d days) %d of %d (%s)", ot.LicenseStatus, inv.License.Type,
		ot.LicenseExpires.UTC().Format("2006-01-02"), days, ot.LicenseUsed, ot.LicenseTotal,
		percent(int64(ot.LicenseUsed), int64(ot.LicenseTotal)))
	if got, alarm := opsRowText(t, lic, "license"); got != want || alarm {
		t.Errorf("licence row = %q (marked %v)\nwant           %q", got, alarm, want)
	}

	repos := opsTable(t, page, "west", "repositories")
	var low []string
	near, archive := false, false
	for _, r := range inv.Repositories {
		var free, capacity string
		var freeBytes, total int64
		immutable := "–"
		if r.Archive {
			archive = archive || r.ImmutableDays > 0 && r.StorageLimitGB > 0
			total = r.StorageLimitGB << 30
			freeBytes = total - r.StorageUsedBytes
			capacity = size(total) + " (object storage limit)"
			immutable = "no"
			if r.ImmutableDays > 0 {
				immutable = fmt.Sprintf("yes, %d days", r.ImmutableDays)
			}
		} else {
			freeBytes, total = r.FreeBytes, r.CapacityBytes
			capacity = size(total)
		}
		free = size(freeBytes)
		if freeBytes*10 < total {
			low = append(low, r.ID)
			near = near || !r.Archive
		}
		want := fmt.Sprintf("%s %s %s %s no no %s", r.Name, free, capacity, percent(freeBytes, total), immutable)
		if got, _ := opsRowText(t, repos, r.ID); got != want {
			t.Errorf("repository row = %q\nwant             %q", got, want)
		}
	}
	if !near || !archive {
		t.Errorf("west has no near-full repository (%v) or no immutable archive repository (%v)", near, archive)
	}
	if got := alarms(repos); !slices.Equal(got, low) {
		t.Errorf("marked repositories %v, want those under 10%% free: %v", got, low)
	}

	prox := opsTable(t, page, "west", "proxies")
	offline := 0
	for _, p := range inv.Proxies {
		want := fmt.Sprintf("%s %s %s", p.HostName, p.Status, p.MaintenanceMode)
		got, alarm := opsRowText(t, prox, p.ID)
		if got != want || alarm != (p.Status == "Offline") {
			t.Errorf("proxy row = %q (marked %v)\nwant        %q", got, alarm, want)
		}
		if !p.Online {
			offline++
		}
	}
	if offline == 0 || offline == len(inv.Proxies) {
		t.Errorf("%d of %d proxies offline; the page should show both", offline, len(inv.Proxies))
	}

	checkSyncTable(t, page, sim)

	for coll, what := range map[string]string{"license": "licence", "repositories": "repositories", "proxies": "proxies", "organizations": "organization sync state",
		"restores": "restore sessions"} {
		want := "not read: REST API v1 has no " + what + " (collector skipped)"
		if got := visible(opsTable(t, page, "east", coll)); !strings.HasSuffix(got, want) {
			t.Errorf("east's %s: %q, want it to end in %q", coll, got, want)
		}
	}
}

// checkSyncTable checks west's organization cache table against the
// simulator's truth: time, result and state, and marked when it failed.
func checkSyncTable(t *testing.T, page string, sim *simulator.Simulator) {
	t.Helper()
	sync := opsTable(t, page, "west", "organizations")
	var failed []string
	for _, st := range sim.SyncTruth() {
		got, alarm := opsRowText(t, sync, st.OrganizationID)
		prefix := st.OrganizationName + " " + st.End.UTC().Format(time.RFC3339) + " ("
		suffix := " ago) " + map[string]string{"Success": "Success", "Error": "Error (message in the exporter log)"}[st.Result] + " no"
		if !strings.HasPrefix(got, prefix) || !strings.HasSuffix(got, suffix) || alarm != (st.Result != "Success") {
			t.Errorf("sync row = %q (marked %v)\nwant %q…%q", got, alarm, prefix, suffix)
		}
		if st.Result != "Success" {
			failed = append(failed, st.OrganizationID)
		}
	}
	if len(failed) == 0 {
		t.Error("no organization of west failed to synchronize; the page should show one")
	}
	if strings.Contains(page, simulator.DefaultSyncError) {
		t.Error("the page shows a synchronization's error message, which is for the log")
	}
}

func ptr[T any](v T) *T { return &v }

// TestStatusPageOps renders the operations tables of made-up polls: every
// kind of repository and proxy, and a collector off, skipped or failed.
func TestStatusPageOps(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ran := func(names ...string) []*poll.CollectorResult {
		var out []*poll.CollectorResult
		for _, n := range names {
			out = append(out, &poll.CollectorResult{Name: n, Duration: time.Millisecond})
		}
		return out
	}
	all := func() []*poll.CollectorResult { return ran("jobs", "license", "repositories", "proxies") }
	failed := func(list []*poll.CollectorResult, name string, err error) []*poll.CollectorResult {
		for _, c := range list {
			if c.Name == name {
				c.Err = err
			}
		}
		return list
	}
	license := &vboapi.License{ID: "L-1", Status: "Valid", Type: "Subscription", LicensedTo: "Contoso",
		Expires: now.Add(200 * 24 * time.Hour), TotalNumber: 250, UsedNumber: 180}
	const (
		licHead   = "licence status type expires units used"
		repoHead  = "repositories repository free capacity free % out of sync out of order immutability"
		proxyHead = "proxies proxy status maintenance"
	)
	tib := int64(1) << 40
	for _, tc := range []struct {
		name   string
		res    poll.ServerResult
		want   map[string]string // visible text of each table after the server's name; no header without rows
		alarms map[string][]string
	}{{
		name: "v8",
		res: poll.ServerResult{Up: true, APIVersion: vboapi.V8, Collectors: all(), License: license,
			Repositories: []vboapi.Repository{
				{ID: "r1", Name: "Primary", CapacityBytes: ptr(int64(100 << 30)), FreeSpaceBytes: ptr(int64(100<<30/50 - 1)),
					OutOfSync: ptr(false), OutOfOrder: ptr(false)},
				{ID: "r2", Name: "Secondary", CapacityBytes: ptr(2 * tib), FreeSpaceBytes: ptr(tib),
					OutOfSync: ptr(true), OutOfOrder: ptr(true), OutOfOrderReason: "The proxy is unavailable."},
				{ID: "r3", Name: "Archive", OutOfSync: ptr(false), OutOfOrder: ptr(false), ObjectStorage: &vboapi.ObjectStorage{
					Type: "AmazonS3Glacier", SizeLimitEnabled: ptr(true), SizeLimitGB: ptr(int64(1024)),
					UsedSpaceBytes: ptr(tib - 10<<30), FreeSpaceBytes: ptr(int64(10 << 30)),
					ImmutabilityEnabled: ptr(true), ImmutabilityPeriodDays: ptr(int64(30))}},
				{ID: "r4", Name: "Blob", OutOfSync: ptr(false), OutOfOrder: ptr(false), ObjectStorage: &vboapi.ObjectStorage{
					Type: "AzureBlob", SizeLimitEnabled: ptr(false), UsedSpaceBytes: ptr(int64(1536 << 20)),
					ImmutabilityEnabled: ptr(false)}},
				{ID: "r5", Name: "<Empty> & new", CapacityBytes: ptr(int64(0)), FreeSpaceBytes: ptr(int64(0))},
			},
			Proxies: []vboapi.Proxy{
				{ID: "p1", HostName: "proxy-a", Status: "Online", MaintenanceMode: "Disabled"},
				{ID: "p2", HostName: "proxy-b", Status: "Offline", MaintenanceMode: "Enabled"},
				{ID: "p3", HostName: "proxy-c", Status: "Maintenance", MaintenanceMode: "Enabled"},
			}},
		want: map[string]string{
			"license": licHead + " Valid Subscription 2026-09-17 (in 200 days) 180 of 250 (72.0%)",
			"repositories": repoHead +
				" Primary 2.0 GiB 100.0 GiB 1.9% no no –" +
				" Secondary 1.0 TiB 2.0 TiB 50.0% yes yes: The proxy is unavailable. –" +
				" Archive 10.0 GiB 1.0 TiB (object storage limit) 0.9% no no yes, 30 days" +
				" Blob – object storage, no limit (1.5 GiB used) – no no no" +
				" <Empty> & new 0 B 0 B – – – –",
			"proxies": proxyHead + " proxy-a Online Disabled proxy-b Offline Enabled proxy-c Maintenance Enabled",
		},
		alarms: map[string][]string{"repositories": {"r1", "r2", "r3"}, "proxies": {"p2"}},
	}, {
		name: "v6 without v8's fields",
		res: poll.ServerResult{Up: true, APIVersion: vboapi.V6, Collectors: all(),
			License: &vboapi.License{Status: "Expired", Type: "Rental", Expires: now.Add(-36 * time.Hour), TotalNumber: 0, UsedNumber: 3},
			Repositories: []vboapi.Repository{{ID: "r1", Name: "Disk", CapacityBytes: ptr(int64(1000)), FreeSpaceBytes: ptr(int64(999)),
				OutOfSync: ptr(false), ObjectStorage: &vboapi.ObjectStorage{Type: "AmazonS3"}}},
			Proxies: []vboapi.Proxy{{ID: "p1", HostName: "proxy-a", Status: "Online"}}},
		want: map[string]string{
			"license":      licHead + " Expired Rental 2026-02-28 (expired 36 hours ago) 3 of 0",
			"repositories": repoHead + " Disk 999 B 1000 B 99.9% no – –",
			"proxies":      proxyHead + " proxy-a Online –",
		},
		alarms: map[string][]string{"license": {"license"}},
	}, {
		name: "v1 skips them",
		res: poll.ServerResult{Up: true, APIVersion: vboapi.V1, Collectors: []*poll.CollectorResult{
			{Name: "jobs"}, {Name: "license", Skipped: true}, {Name: "repositories", Skipped: true}, {Name: "proxies", Skipped: true}}},
		want: map[string]string{
			"license":      "licence not read: REST API v1 has no licence (collector skipped)",
			"repositories": "repositories not read: REST API v1 has no repositories (collector skipped)",
			"proxies":      "proxies not read: REST API v1 has no proxies (collector skipped)",
		},
	}, {
		name: "off",
		res:  poll.ServerResult{Up: true, APIVersion: vboapi.V8, Collectors: ran("jobs", "repositories")},
		want: map[string]string{
			"license":      "licence not read: the license collector is off (--no-collector.license)",
			"repositories": "repositories none",
			"proxies":      "proxies not read: the proxies collector is off (--no-collector.proxies)",
		},
	}, {
		name: "failed",
		res: poll.ServerResult{Up: true, APIVersion: vboapi.V7, License: license,
			Collectors: failed(failed(all(), "license", errors.New(`listing the organizations: GET /v7/Organizations: HTTP 500: "An error has occurred."`)),
				"proxies", errors.New("GET /v7/Proxies: context deadline exceeded"))},
		want: map[string]string{
			"license":      `licence Failed: listing the organizations: GET /v7/Organizations: HTTP 500: "An error has occurred." ` + licHead[len("licence "):] + " Valid Subscription 2026-09-17 (in 200 days) 180 of 250 (72.0%)",
			"repositories": "repositories none",
			"proxies":      "proxies Failed: GET /v7/Proxies: context deadline exceeded not read",
		},
	}, {
		name: "server down",
		res: poll.ServerResult{Err: errors.New("cannot read the job list: HTTP 401"), Collectors: []*poll.CollectorResult{
			{Name: "jobs", Err: errors.New("cannot read the job list: HTTP 401")},
			{Name: "license", Err: errors.New("cannot read the job list: HTTP 401")},
			{Name: "repositories", Skipped: true}}},
		want: map[string]string{
			"license":      "licence Failed: cannot read the job list: HTTP 401 not read",
			"repositories": "repositories not read: the server's REST API version has no repositories (collector skipped)",
			"proxies":      "proxies not read: the proxies collector is off (--no-collector.proxies)",
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.res
			res.Server, res.Start = "north", now.Add(-time.Minute)
			page := render(t, now, &res)
			for _, coll := range []string{"license", "repositories", "proxies"} {
				table := opsTable(t, page, "north", coll)
				if got, want := visible(table[strings.Index(table, ">")+1:]), "north "+tc.want[coll]; got != want {
					t.Errorf("%s:\n got %q\nwant %q", coll, got, want)
				}
				if got := alarms(table); !slices.Equal(got, tc.alarms[coll]) {
					t.Errorf("%s: marked %v, want %v", coll, got, tc.alarms[coll])
				}
			}
			if strings.Contains(page, "<Empty>") || strings.Contains(page, "Contoso") || strings.Contains(page, "L-1") {
				t.Error("the page shows an unescaped name, or the licence's holder or id")
			}
		})
	}
}

// render serves the page of results at now.
func render(t *testing.T, now time.Time, results ...*poll.ServerResult) string {
	t.Helper()
	h, err := New(web.LandingConfig{Name: "VBO365 Exporter"}, func() []*poll.ServerResult { return results })
	if err != nil {
		t.Fatal(err)
	}
	h.now = func() time.Time { return now }
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 {
		t.Fatalf("HTTP %d: %s", rec.Code, body)
	}
	return string(body)
}

func TestSizeAndPercent(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536 << 20: "1.5 GiB", 1 << 40: "1.0 TiB", 1<<62 + 1<<61: "6.0 EiB"} {
		if got := size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
	for _, tc := range []struct {
		part, whole int64
		want        string
	}{{1, 50, "2.0%"}, {199, 10000, "1.9%"}, {29, 100, "29.0%"}, {9999, 10000, "99.9%"}, {10000, 10000, "100.0%"},
		{3, 2, "150.0%"}, {-1, 50, "-2.0%"}, {1<<62 - 1, 1 << 62, "99.9%"}} {
		if got := percent(tc.part, tc.whole); got != tc.want {
			t.Errorf("percent(%d, %d) = %q, want %q", tc.part, tc.whole, got, tc.want)
		}
	}
}

// TestStatusPageSync renders the organization cache table of made-up
// polls: every state of a synchronization on v8 and v7, v6 that has none,
// and the collector failed or off.
func TestStatusPageSync(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	const head = "organization cache synchronization organization last finished result under way"
	at := func(d time.Duration) time.Time { return now.Add(-d) }
	sync := func(id, name string, st vboapi.OrganizationSyncState) poll.OrganizationSync {
		return poll.OrganizationSync{ID: id, Name: name, State: st}
	}
	v8 := []poll.OrganizationSync{
		sync("o1", "contoso", vboapi.OrganizationSyncState{LastResult: "Success", LastEnd: at(30 * time.Minute), RunningKnown: true}),
		sync("o2", "fabrikam", vboapi.OrganizationSyncState{LastResult: "Error", LastEnd: at(time.Hour), LastError: "secret-ish tenant detail",
			CurrentStatus: "Queued", RunningKnown: true}),
		sync("o3", "northwind", vboapi.OrganizationSyncState{CurrentStatus: "Running", RunningKnown: true}),
		sync("o4", "tailspin", vboapi.OrganizationSyncState{LastResult: "Success", LastEnd: at(27 * time.Hour), RunningKnown: true}),
		sync("o5", "<litware>", vboapi.OrganizationSyncState{LastResult: "Cancelled", LastEnd: at(time.Minute), RunningKnown: true}),
	}
	v7 := []poll.OrganizationSync{sync("o1", "contoso", vboapi.OrganizationSyncState{LastResult: "Success", LastEnd: at(2 * time.Hour)})}
	ran := []*poll.CollectorResult{{Name: "jobs"}, {Name: "organizations"}}
	failed := []*poll.CollectorResult{{Name: "jobs"}, {Name: "organizations", Err: errors.New("sync state of organization \"fabrikam\": HTTP 500")}}
	for _, tc := range []struct {
		name   string
		res    poll.ServerResult
		want   string
		alarms []string
	}{
		{"v8", poll.ServerResult{APIVersion: vboapi.V8, Collectors: ran, OrganizationSync: v8}, head +
			" contoso 2026-03-01T11:30:00Z (30m0s ago) Success no" +
			" fabrikam 2026-03-01T11:00:00Z (1h0m0s ago) Error (message in the exporter log) queued" +
			" northwind never – running" +
			" tailspin 2026-02-28T09:00:00Z (27h0m0s ago) Success no" +
			" <litware> 2026-03-01T11:59:00Z (1m0s ago) Cancelled (not documented) no",
			[]string{"o2", "o3", "o4", "o5"}},
		{"v7", poll.ServerResult{APIVersion: vboapi.V7, Collectors: ran, OrganizationSync: v7}, head +
			" contoso 2026-03-01T10:00:00Z (2h0m0s ago) Success – (v7 does not say)", nil},
		{"v7 partly read", poll.ServerResult{APIVersion: vboapi.V7, Collectors: failed, OrganizationSync: v7},
			`organization cache synchronization Failed: sync state of organization "fabrikam": HTTP 500 organization last finished result under way` +
				" contoso 2026-03-01T10:00:00Z (2h0m0s ago) Success – (v7 does not say)", nil},
		{"v8 not read", poll.ServerResult{APIVersion: vboapi.V8, Collectors: failed},
			`organization cache synchronization Failed: sync state of organization "fabrikam": HTTP 500 not read`, nil},
		{"v6", poll.ServerResult{APIVersion: vboapi.V6, Collectors: ran},
			"organization cache synchronization not read: REST API v6 has no synchronization state (it reads the live directory)", nil},
		{"off", poll.ServerResult{APIVersion: vboapi.V8, Collectors: ran[:1]},
			"organization cache synchronization not read: the organizations collector is off (--no-collector.organizations)", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.res
			res.Server, res.Up, res.Start = "north", true, now.Add(-time.Minute)
			page := render(t, now, &res)
			table := opsTable(t, page, "north", "organizations")
			if got, want := visible(table[strings.Index(table, ">")+1:]), "north "+tc.want; got != want {
				t.Errorf("\n got %q\nwant %q", got, want)
			}
			if got := alarms(table); !slices.Equal(got, tc.alarms) {
				t.Errorf("marked %v, want %v", got, tc.alarms)
			}
			if strings.Contains(page, "secret-ish") || strings.Contains(page, "<litware>") {
				t.Error("the page shows a synchronization's message, or an unescaped name")
			}
		})
	}
}
