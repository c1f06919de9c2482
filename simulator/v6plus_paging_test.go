package simulator

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSetID(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow}})
	hc := sim.HardCases()
	c := newVClient(t, srv, "v7")
	users := "/Organizations/" + hc.OrganizationID + "/Users"
	members := "/Organizations/" + hc.OrganizationID + "/Groups/" + hc.LargeGroup + "/Members"
	var first, again, second vpage
	c.getJSON(users+"?limit=50", &first)
	c.getJSON(users+"?limit=50", &again)
	if !isUUID(first.SetID) || first.SetID == again.SetID {
		t.Fatalf("setIds %q %q: want fresh uuids", first.SetID, again.SetID)
	}
	c.getJSON(users+"?offset=50&limit=50&setId="+strings.ToUpper(first.SetID), &second)
	if !strings.EqualFold(second.SetID, first.SetID) || len(second.Results) != 50 {
		t.Errorf("second page setId %q, %d results", second.SetID, len(second.Results))
	}
	if !strings.Contains(second.Links["next"].Href, "setId="+second.SetID) {
		t.Errorf("next link %q drops the setId", second.Links["next"].Href)
	}
	for _, q := range []string{
		users + "?setId=" + zeroGUID,      // never issued
		users + "?setId=not-a-guid",       // malformed
		members + "?setId=" + first.SetID, // issued for another list
		"/Organizations/" + hc.OrganizationID + "/Groups?setId=" + first.SetID,
	} {
		status, b := c.get(c.p + q)
		var m struct{ Message string }
		if status != http.StatusBadRequest || json.Unmarshal(b, &m) != nil || m.Message == "" {
			t.Errorf("GET %s: %d %s", q, status, b)
		}
	}
	// UserData has no setId parameter and pages carry none.
	var ud vpage
	c.getJSON("/BackupRepositories/"+sim.ProtectionTruth()[0].RepositoryID+"/UserData", &ud)
	if ud.SetID != "" {
		t.Errorf("user data setId %q", ud.SetID)
	}
}

func TestPagingEdgesV6Plus(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Now: tenantNow}})
	hc := sim.HardCases()
	c := newVClient(t, srv, "v8")
	users := "/Organizations/" + hc.OrganizationID + "/Users"
	for _, q := range []string{"?limit=0", "?limit=-1", "?limit=abc", "?offset=-5", "?offset=x", "?limit=99999999999"} {
		if status, _ := c.get(c.p + users + q); status != http.StatusBadRequest {
			t.Errorf("GET %s%s: %d", users, q, status)
		}
		if status, _ := c.get(c.p + "/Jobs" + q); status != http.StatusBadRequest {
			t.Errorf("GET /Jobs%s: %d", q, status)
		}
	}
	var p vpage
	c.getJSON(users+"?limit=20000", &p)
	if p.Limit != 10000 || len(p.Results) != 200 || p.Links["next"].Href != "" {
		t.Errorf("limit 20000: echoed %d, %d results, next %q", p.Limit, len(p.Results), p.Links["next"].Href)
	}
	c.getJSON(users+"?offset=500&limit=30", &p)
	if len(p.Results) != 0 || p.Offset != 500 || p.Links["prev"].Href == "" {
		t.Errorf("past the end: %+v", p)
	}
	c.getJSON(users+"?offset=190&limit=30", &p)
	if len(p.Results) != 10 || p.Links["next"].Href != "" {
		t.Errorf("last page: %d results", len(p.Results))
	}
	c.getJSON(users, &p)
	if p.Limit != 30 || len(p.Results) != 30 || !strings.HasPrefix(p.Links["next"].Href, "/v8/") {
		t.Errorf("defaults: limit %d, %d results, next %q", p.Limit, len(p.Results), p.Links["next"].Href)
	}
	// The large group takes three pages of 50.
	pages := 0
	for offset := 0; ; offset += 50 {
		var mp vpage
		c.getJSON("/Organizations/"+hc.OrganizationID+"/Groups/"+hc.LargeGroup+"/Members?limit=50&offset="+strconv.Itoa(offset), &mp)
		pages++
		if len(mp.Results) < 50 {
			break
		}
	}
	if pages < 3 {
		t.Errorf("large group in %d pages", pages)
	}
	// Options.MaxPageSize clamps every v6+ page too.
	srv2, sim2 := NewServer(t, Options{Versions: allV6Plus, MaxPageSize: 25, Tenant: TenantOptions{Now: tenantNow}})
	c2 := newVClient(t, srv2, "v6")
	c2.getJSON("/Organizations/"+sim2.HardCases().OrganizationID+"/Users?limit=100", &p)
	if p.Limit != 25 || len(p.Results) != 25 || p.TotalCount == nil || *p.TotalCount != 200 {
		t.Errorf("MaxPageSize: limit %d, %d results, total %v", p.Limit, len(p.Results), p.TotalCount)
	}
	if n := len(c2.all("/Organizations/"+sim2.HardCases().OrganizationID+"/Users", 25)); n != 200 {
		t.Errorf("walk at 25: %d users", n)
	}
}

func TestFaultsOnV6Endpoints(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, Tenant: TenantOptions{Organizations: 2, Now: tenantNow}})
	hc := sim.HardCases()
	c := newVClient(t, srv, "v8")
	org0 := hc.OrganizationID
	org1 := sim.ProtectionTruth()[len(sim.ProtectionTruth())-1].OrganizationID
	repo := sim.ProtectionTruth()[0].RepositoryID

	sim.ResetCounters()
	sim.AddFault(Fault{Endpoint: EndpointUsers, JobID: org1, Kind: StatusError, Status: 503, Requests: []int{1}})
	if status, _ := c.get(c.p + "/Organizations/" + org0 + "/Users"); status != 200 {
		t.Errorf("other organization hit: %d", status)
	}
	if status, b := c.get(c.p + "/Organizations/" + org1 + "/Users"); status != 503 || !strings.Contains(string(b), "An error has occurred.") {
		t.Errorf("first request for org1: %d %s", status, b)
	}
	if status, _ := c.get(c.p + "/Organizations/" + org1 + "/Users"); status != 200 {
		t.Errorf("second request for org1: %d", status)
	}
	if n := sim.Requests(EndpointUsers); n != 3 {
		t.Errorf("users requests %d", n)
	}
	sim.ClearFaults()

	sim.AddFault(Fault{Endpoint: EndpointGroupMembers, Kind: TooManyRequests, RetryAfter: 2 * time.Second})
	resp, _, err := c.do(c.p + "/Organizations/" + org0 + "/Groups/" + hc.LargeGroup + "/Members")
	if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("429: %v %v", err, resp)
	}
	sim.ClearFaults()

	sim.AddFault(Fault{Endpoint: EndpointJobs, Kind: MalformedJSON})
	if status, b := c.get(c.p + "/Jobs"); status != 200 || json.Valid(b) {
		t.Errorf("malformed jobs: %d valid=%v", status, json.Valid(b))
	}
	sim.ClearFaults()

	for _, kind := range []FaultKind{ResetMidBody, Truncated} {
		sim.AddFault(Fault{Endpoint: EndpointUserData, JobID: repo, Kind: kind, Requests: []int{1}})
		sim.ResetCounters()
		if _, _, err := c.do(c.p + "/BackupRepositories/" + repo + "/UserData?limit=500"); err == nil {
			t.Errorf("%s: body read in full", kind)
		}
		if status, _ := c.get(c.p + "/BackupRepositories/" + repo + "/UserData"); status != 200 {
			t.Errorf("%s: next request %d", kind, status)
		}
		sim.ClearFaults()
	}

	sim.AddFault(Fault{Endpoint: EndpointServiceInstance, Kind: HTMLError, Status: 502})
	if resp, _, err := c.do(c.p + "/ServiceInstance"); err != nil || resp.StatusCode != 502 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("html: %v %v", err, resp)
	}
	sim.ClearFaults()

	sim.AddFault(Fault{Endpoint: EndpointSelectedItems, Kind: HugeBody, Size: 1 << 20})
	if _, b := c.get(c.p + "/Jobs/" + hc.ExcludedMemberJob + "/SelectedItems"); len(b) < 1<<20 || !json.Valid(b) {
		t.Errorf("huge: %d bytes, valid %v", len(b), json.Valid(b))
	}
	sim.ClearFaults()

	sim.AddFault(Fault{Endpoint: EndpointOrganizations, Kind: Revoked})
	if status, _ := c.get(c.p + "/Organizations"); status != 401 {
		t.Errorf("revoked: %d", status)
	}
	sim.ClearFaults()
	if status, _ := c.get(c.p + "/Jobs"); status != 401 {
		t.Errorf("token still valid after revoke: %d", status)
	}

	newVClient(t, srv, "v8") // a login works again once the faults are cleared
	sim.AddFault(Fault{Endpoint: EndpointHealth, Kind: SlowDrip})
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v8/Health", nil)
	resp, err = srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || !strings.HasPrefix(`{"offset":0`, string(body)) { //nolint:gocritic // argOrder: the cut-short body is the prefix
		t.Errorf("drip ended by itself or sent %q", body)
	}
	sim.ClearFaults()

	// A spec names the new endpoints.
	f, err := ParseFault("group-members:status=500:job=" + hc.LargeGroup)
	if err != nil || f.Endpoint != EndpointGroupMembers || f.JobID != hc.LargeGroup {
		t.Errorf("ParseFault: %+v %v", f, err)
	}
}

// TestLatencyOnV6Endpoints checks the per-item delay counts results.
func TestLatencyOnV6Endpoints(t *testing.T) {
	srv, sim := NewServer(t, Options{Versions: allV6Plus, PerItemDelay: time.Millisecond, Tenant: TenantOptions{Now: tenantNow}})
	c := newVClient(t, srv, "v8")
	start := time.Now()
	c.get(c.p + "/Organizations/" + sim.HardCases().OrganizationID + "/Users?limit=100")
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("100 users in %v", d)
	}
}
