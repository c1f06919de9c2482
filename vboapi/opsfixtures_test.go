package vboapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-kit/log"

	"github.com/vbo365-exporter/vbo365_exporter/contract"
)

// Ids of the operations fixtures, beside those of fixtures_test.go.
const (
	fxProxy1      = "3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91"
	fxProxy2      = "8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02"
	fxPool        = "5d7f9b1c-3e5a-4c7e-8a9c-1b3d5f7a9c2e"
	fxArchive     = "c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13" // archive-tier repository
	fxBranch      = "d0f2b4c6-8e0a-4c3d-9f5b-7a9c1e3f5b24" // names an object storage that is gone
	fxStorage     = "f2b4d6e8-0a2c-4e5f-8b7d-9c1e3a5b7d35"
	fxStorageGone = "a4c6e8f0-2b4d-4f6a-9c8e-0d2f4a6c8e46"
	fxCopy1       = "b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57"
	fxCopy2       = "e8f0a2c4-6e8a-4b9c-9f1b-3a5c7e9a1b68"
	fxLicense     = "c2e4a6b8-0d2f-4a4c-8e6a-9b1d3f5a7c90"

	fxSessRun   = "55e7a9c1-3f5b-4d7e-8a9c-1e3f5b7d9ebd"
	fxSessOK    = "11a3c5e7-9b1d-4f3a-8c5e-7a9b1d3f5a79"
	fxSessCopy  = "66f8b0d2-4a6c-4e8f-9b0d-2f4a6c8e0fce" // v7, v8
	fxSessWarn  = "22b4d6f8-0c2e-4a4b-9d6f-8b0c2e4a6b8a"
	fxSessRetry = "33c5e7a9-1d3f-4b5c-8e7a-9c1d3f5b7c9b"
	fxSessFail  = "44d6f8b0-2e4a-4c6d-9f8b-0d2e4a6c8dac"
	fxSessOld   = "77a9c1e3-5b7d-4f9a-8c1e-3a5b7d9f1adf"
)

// fxOpsRoutes adds the operations fixtures of version v to api.
func fxOpsRoutes(t *testing.T, api *fixtureAPI, v Version) {
	t.Helper()
	p := func(rest string) string { return "/" + string(v) + rest }
	page := v.Paged()
	sessions := fxLoad(t, "job_sessions", v)
	api.routes[p("/License")] = fixtureRoute{body: fxLoad(t, "license", v)}
	api.routes[p("/Organizations/"+fxOrg1+"/LicensingInformation")] = fixtureRoute{body: fxLoad(t, "licensing_information", v)}
	api.routes[p("/BackupRepositories")] = fixtureRoute{body: fxLoad(t, "repositories", v), paged: page}
	api.routes[p("/Proxies")] = fixtureRoute{body: fxLoad(t, "proxies", v), paged: page}
	api.routes[p("/CopyJobs")] = fixtureRoute{body: fxLoad(t, "copy_jobs", v), paged: page}
	api.routes[p("/JobSessions")] = fixtureRoute{body: sessions, paged: true}
	api.routes[p("/JobSessions/"+fxSessOK)] = fixtureRoute{body: fxResult(t, sessions, 1)}
	switch v {
	case V6:
		api.routes[p("/Jobs/"+fxJob1+"/JobSessions")] = fixtureRoute{body: sessions, paged: true}
		api.routes[p("/objectstoragerepositories")] = fixtureRoute{body: fxLoad(t, "object_storage", v)}
	case V7:
		api.routes[p("/objectstoragerepositories")] = fixtureRoute{body: fxLoad(t, "object_storage", v)}
	}
	if v != V6 {
		api.routes[p("/JobSessions/"+fxSessFail+"/ProcessedObjects")] = fixtureRoute{body: fxLoad(t, "processed_objects", v), paged: true}
	}
}

// fxResult is item i of a recorded page, as the single resource serves it.
func fxResult(t *testing.T, pageBody []byte, i int) []byte {
	t.Helper()
	var page struct {
		Results []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(pageBody, &page); err != nil || i >= len(page.Results) {
		t.Fatalf("no result %d in the recorded page: %v", i, err)
	}
	return page.Results[i]
}

func fxInt64(n int64) *int64     { return &n }
func fxInt(n int) *int           { return &n }
func fxFloat(f float64) *float64 { return &f }
func fxPtrString[T any](p *T) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func TestFixtureLicense(t *testing.T) {
	want := map[Version]License{
		V6: {ID: fxLicense, Status: "Valid", Type: "Subscription", LicensedTo: "Contoso Ltd",
			Email: "licensing@contoso.onmicrosoft.com", SupportID: "04021337", ContactPerson: "Megan Bowen",
			Expires: fxDate(2025, 3, 31, 0, 0, 0, 0), SupportExpires: fxDate(2025, 3, 31, 23, 59, 59, 999999900),
			TotalNumber: 250, UsedNumber: 187, Known: LicenseCounts{true, true, true}},
		// gracePeriodExpires null.
		V7: {ID: fxLicense, Status: "Valid", Type: "Subscription", LicensedTo: "Contoso Ltd",
			Email: "licensing@contoso.onmicrosoft.com", SupportID: "04021337", Package: "Veeam ONE",
			Expires: fxDate(2025, 3, 31, 0, 0, 0, 0), TotalNumber: 250, UsedNumber: 187, Known: LicenseCounts{true, true, true}},
		// licenseID null, an expired Rental licence over its limit.
		V8: {Status: "Expired", Type: "Rental", LicensedTo: "Fabrikam Hosting", SupportID: "07310042",
			Expires: fxDate(2024, 4, 30, 0, 0, 0, 0), GracePeriodExpires: fxDate(2024, 5, 30, 0, 0, 0, 0),
			TotalNumber: 500, UsedNumber: 512, NewNumber: 12, Known: LicenseCounts{true, true, true}},
	}
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, _ := fixtureClient(t, v)
		got, err := c.License(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got != want[v] {
			t.Errorf("License() =\n%+v\nwant\n%+v", got, want[v])
		}
	})
}

func TestFixtureOrganizationLicensing(t *testing.T) {
	want := map[Version]OrganizationLicensing{V6: {187, 0, true, true}, V7: {187, 0, true, true}, V8: {212, 12, true, true}}
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, _ := fixtureClient(t, v)
		got, err := c.OrganizationLicensing(context.Background(), fxOrg1)
		if err != nil {
			t.Fatal(err)
		}
		if got != want[v] {
			t.Errorf("OrganizationLicensing() = %+v, want %+v", got, want[v])
		}
	})
}

func TestFixtureOrganizationsExtended(t *testing.T) {
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, api := fixtureClient(t, v)
		got, err := c.OrganizationsExtended(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := []Organization{
			{ID: fxOrg1, Name: "contoso.onmicrosoft.com", OfficeName: "contoso", Type: "Office365", Region: "Worldwide",
				BackedUp: fxBool(true), FirstBackup: fxDate(2023, 11, 20, 21, 3, 17, 447000000),
				LastBackup: fxDate(2024, 5, 1, 22, 14, 41, 123456700)},
			// isBackedup false, both times null.
			{ID: fxOrg2, Name: "Fabrikam.onmicrosoft.com", OfficeName: "Fabrikam", Type: "Office365", Region: "Worldwide",
				BackedUp: fxBool(false)},
		}
		fxCompare(t, "OrganizationsExtended()", got, want, fxOrgExtFields)
		asked := api.requests("/" + string(v) + "/Organizations")
		if len(asked) != 1 || asked[0].Get("extendedView") != "true" {
			t.Errorf("OrganizationsExtended asked %v, want one request with extendedView=true", asked)
		}
	})
}

func fxOrgExtFields(o Organization) []fxField {
	return []fxField{
		{"ID", o.ID}, {"Name", strconv.Quote(o.Name)}, {"OfficeName", strconv.Quote(o.OfficeName)},
		{"Type", o.Type}, {"Region", o.Region}, {"BackedUp", fxBoolString(o.BackedUp)},
		{"FirstBackup", fxTimeString(o.FirstBackup)}, {"LastBackup", fxTimeString(o.LastBackup)},
	}
}

// TestOpsNotInVersion: the operations calls answer ErrNotInVersion, with
// no request sent, where the version lacks the resource.
func TestOpsNotInVersion(t *testing.T) {
	for _, v := range []Version{V1, V6, V7, V8} {
		c, err := New(Options{Server: "none", APIVersion: v, BaseURL: &url.URL{Scheme: "http", Host: "127.0.0.1:1"}, Logger: log.NewNopLogger()})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		calls := map[string]func() error{
			"Health":                func() error { _, err := c.Health(ctx); return err },
			"SessionObjects":        func() error { return c.SessionObjects(ctx, fxSessFail, 10, func(*SessionObject) error { return nil }) },
			"License":               func() error { _, err := c.License(ctx); return err },
			"Repositories":          func() error { _, err := c.Repositories(ctx); return err },
			"Proxies":               func() error { _, err := c.Proxies(ctx, true); return err },
			"CopyJobs":              func() error { _, err := c.CopyJobs(ctx); return err },
			"JobSessions":           func() error { return c.JobSessions(ctx, SessionFilter{}, 10, func(*JobSession) error { return nil }) },
			"JobSession":            func() error { _, err := c.JobSession(ctx, fxSessOK); return err },
			"OrganizationLicensing": func() error { _, err := c.OrganizationLicensing(ctx, fxOrg1); return err },
			"OrganizationsExtended": func() error { _, err := c.OrganizationsExtended(ctx); return err },
		}
		// Calls the version has are not made: the server is unreachable.
		lacks := map[string]bool{"Health": v != V8, "SessionObjects": v == V1 || v == V6}
		for name, call := range calls {
			if v != V1 && !lacks[name] {
				continue
			}
			if err := call(); !errors.Is(err, ErrNotInVersion) {
				t.Errorf("%s %s: %v, want ErrNotInVersion", v, name, err)
			}
		}
		c.Close()
	}
}

// fxAnonymous serves one recorded body at path through Veeam's schema,
// recording whether any request carried a token, and returns a client
// pinned to v: the fixture server demands a token, which /v8/Health does
// not take.
func fxAnonymous(t *testing.T, v Version, path string, body []byte) (*Client, *atomic.Int64) {
	t.Helper()
	var withToken atomic.Int64
	validator, err := contract.New()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(validator.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			withToken.Add(1)
		}
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(body)
	})))
	u, _ := url.Parse(srv.URL)
	c, err := New(Options{Server: "fixture", APIVersion: v, BaseURL: u, Username: "svc", Password: "pw",
		RequestTimeout: 10 * time.Second, Logger: log.NewNopLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		srv.Close()
		validator.Check(t)
	})
	return c, &withToken
}

func TestFixtureHealth(t *testing.T) {
	c, withToken := fxAnonymous(t, V8, "/v8/Health", fxLoad(t, "health", V8))
	got, err := c.Health(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := Health{Status: "Unhealthy", Entries: []HealthEntry{
		{Name: "NATS", Status: "Healthy"}, // description null
		{Name: "PostgreSQL", Status: "Unhealthy", Description: "Failed to connect to the PostgreSQL configuration database."},
	}}
	if fmt.Sprint(got) != fmt.Sprint(want) || got.Healthy() {
		t.Errorf("Health() = %+v (healthy %v), want %+v", got, got.Healthy(), want)
	}
	if n := withToken.Load(); n != 0 {
		t.Errorf("%d requests carried a token; GET /v8/Health is anonymous", n)
	}
}
