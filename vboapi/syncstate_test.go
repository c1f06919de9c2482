package vboapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"testing"

	"github.com/go-kit/log"

	"github.com/vbo365-exporter/vbo365_exporter/contract"
)

// fxOrgGone is an organization the v8 sync state names but the
// organization list no longer has.
const fxOrgGone = "9a1c3e5b-7d9f-4b2a-8c4e-6a8b0c2d4e15"

func TestFixtureOrganizationSyncState(t *testing.T) {
	c, api := fixtureClient(t, V7)
	api.routes["/v7/Organizations/"+fxOrg1+"/SyncState"] = fixtureRoute{body: fxLoad(t, "syncstate", V7)}
	got, err := c.OrganizationSyncState(context.Background(), fxOrg1)
	if err != nil {
		t.Fatal(err)
	}
	want := OrganizationSyncState{OrganizationID: fxOrg1, LastResult: SyncError, LastType: "Incremental",
		LastEnd:   fxDate(2024, 5, 2, 3, 15, 42, 123456700),
		LastError: "Failed to synchronize organization objects: the remote server returned an error: (401) Unauthorized."}
	if got != want {
		t.Errorf("OrganizationSyncState() =\n%+v\nwant\n%+v", got, want)
	}
	if ok, known := got.Succeeded(); ok || !known {
		t.Errorf("Succeeded() = %v, %v; want false, true", ok, known)
	}
	if _, known := got.Running(); known {
		t.Error("Running() is known on v7, whose answer has no current state")
	}
}

func TestFixtureOrganizationSyncStates(t *testing.T) {
	c, api := fixtureClient(t, V8)
	api.routes["/v8/Organizations/SyncState"] = fixtureRoute{body: fxLoad(t, "syncstate", V8)}
	got, err := c.OrganizationSyncStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []OrganizationSyncState{
		{OrganizationID: fxOrg1, LastResult: SyncSuccess, LastType: "Incremental",
			LastStart: fxDate(2024, 5, 2, 3, 10, 0, 0), LastEnd: fxDate(2024, 5, 2, 3, 12, 31, 500000000),
			CurrentStatus: "Queued", CurrentType: "Full", Scheduled: fxDate(2024, 5, 2, 9, 0, 0, 0), RunningKnown: true},
		// lastSyncState null: the first synchronization is running.
		{OrganizationID: fxOrg2, CurrentStatus: "Running", CurrentType: "Full",
			Scheduled: fxDate(2024, 5, 2, 8, 58, 0, 0), Started: fxDate(2024, 5, 2, 8, 58, 4, 250000000), RunningKnown: true},
		// currentSyncState absent: none under way.
		{OrganizationID: fxOrgGone, LastResult: SyncError, LastType: "Full",
			LastStart: fxDate(2024, 5, 1, 23, 0, 0, 0), LastEnd: fxDate(2024, 5, 1, 23, 4, 10, 0),
			LastError: "Failed to synchronize organization objects: the application does not have the required permissions.", RunningKnown: true},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OrganizationSyncStates() =\n%+v\nwant\n%+v", got, want)
	}
	if n := len(api.requests("/v8/Organizations/SyncState")); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestSyncStateDecodeCases: every case is a body Veeam's schema allows
// (checked), or one with a value it does not document, which is passed
// through and counts as neither success nor failure.
func TestSyncStateDecodeCases(t *testing.T) {
	cases := []struct {
		name, v, body string
		valid         bool // conforms to the schema
		want          OrganizationSyncState
		ok, okKnown   bool
		run, runKnown bool
	}{
		{"v7 never synced", "v7", `{"type":null,"status":"None","lastSyncTime":null,"error":null}`, true,
			OrganizationSyncState{OrganizationID: "o"}, false, false, false, false},
		{"v7 empty", "v7", `{}`, true, OrganizationSyncState{OrganizationID: "o"}, false, false, false, false},
		{"v7 success", "v7", `{"type":"Full","status":"Success","lastSyncTime":"2024-05-02T03:15:42Z"}`, true,
			OrganizationSyncState{OrganizationID: "o", LastResult: "Success", LastType: "Full", LastEnd: fxDate(2024, 5, 2, 3, 15, 42, 0)},
			true, true, false, false},
		{"v7 unknown status", "v7", `{"status":"Warning","lastSyncTime":"0001-01-01T00:00:00"}`, false,
			OrganizationSyncState{OrganizationID: "o", LastResult: "Warning"}, false, false, false, false},
		{"v8 all null", "v8", `{"organizationId":"2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21","lastSyncState":null}`, true,
			OrganizationSyncState{OrganizationID: fxOrg1, RunningKnown: true}, false, false, false, true},
		{"v8 empty", "v8", `{}`, true, OrganizationSyncState{OrganizationID: "o", RunningKnown: true}, false, false, false, true},
		{"v8 empty last state", "v8", `{"lastSyncState":{},"currentSyncState":{}}`, true,
			OrganizationSyncState{OrganizationID: "o", RunningKnown: true}, false, false, false, true},
		{"v8 unknown values", "v8", `{"lastSyncState":{"result":"Cancelled","endTime":"2024-05-02T03:15:42Z"},"currentSyncState":{"status":"Paused"}}`, false,
			OrganizationSyncState{OrganizationID: "o", LastResult: "Cancelled", LastEnd: fxDate(2024, 5, 2, 3, 15, 42, 0), CurrentStatus: "Paused", RunningKnown: true},
			false, false, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := contract.ValidateFixture(tc.v, http.MethodGet, "/Organizations/{organizationId}/SyncState", http.StatusOK, []byte(tc.body))
			if (err == nil) != tc.valid {
				t.Errorf("schema validation: %v, want valid %v", err, tc.valid)
			}
			got, err := DecodeSyncState(Version(tc.v), "o", []byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got\n%+v\nwant\n%+v", got, tc.want)
			}
			if ok, known := got.Succeeded(); ok != tc.ok || known != tc.okKnown {
				t.Errorf("Succeeded() = %v, %v; want %v, %v", ok, known, tc.ok, tc.okKnown)
			}
			if run, known := got.Running(); run != tc.run || known != tc.runKnown {
				t.Errorf("Running() = %v, %v; want %v, %v", run, known, tc.run, tc.runKnown)
			}
		})
	}
}

func TestDecodeSyncStatesRefuses(t *testing.T) {
	for _, body := range []string{`{}`, `null`, `[null]`, `[{"organizationId":1}]`, `[{"lastSyncState":[]}]`, `[] []`, `{"results":[]}`} {
		if got, err := DecodeSyncStates([]byte(body)); err == nil {
			t.Errorf("DecodeSyncStates(%s) = %+v, want an error", body, got)
		}
	}
	if got, err := DecodeSyncStates([]byte(`[]`)); err != nil || len(got) != 0 {
		t.Errorf("DecodeSyncStates([]) = %+v, %v; want none", got, err)
	}
}

func TestSyncStateNotInVersion(t *testing.T) {
	for _, v := range []Version{V1, V6, V7} {
		c, err := New(Options{Server: "none", APIVersion: v, BaseURL: &url.URL{Scheme: "http", Host: "127.0.0.1:1"}, Logger: log.NewNopLogger()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.OrganizationSyncStates(context.Background()); !errors.Is(err, ErrNotInVersion) {
			t.Errorf("%s OrganizationSyncStates: %v, want ErrNotInVersion", v, err)
		}
		if v != V7 {
			if _, err := c.OrganizationSyncState(context.Background(), fxOrg1); !errors.Is(err, ErrNotInVersion) {
				t.Errorf("%s OrganizationSyncState: %v, want ErrNotInVersion", v, err)
			}
		}
		c.Close()
	}
}

// FuzzDecodeSyncState: whatever the body, the decoders do not panic, an
// answer they accept is one JSON value of the right kind, and nothing they
// return says more than the body does.
func FuzzDecodeSyncState(f *testing.F) {
	for _, v := range []Version{V7, V8} {
		b, err := os.ReadFile(fixturePath("syncstate", v))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{}`, `[]`, `null`, `[null]`, `[{}]`, `{"status":"None"}`, `{"status":"Error","error":null,"lastSyncTime":"x"}`,
		`[{"organizationId":"a","lastSyncState":null,"currentSyncState":{"status":"Running"}}]`,
		`[{"lastSyncState":{"result":"Success","endTime":"2024-05-02T03:15:42.1234567"}}]`,
		`{"status":"Success","status":"Error"}`, `{"lastSyncState":{"result":1}}`, "\xef\xbb\xbf[]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ref any
		refErr := json.Unmarshal(data, &ref)
		if states, err := DecodeSyncStates(data); err == nil {
			arr, isArray := ref.([]any)
			if refErr != nil || !isArray || len(arr) != len(states) {
				t.Fatalf("accepted %q as %d states; encoding/json reads %v (%v)", data, len(states), ref, refErr)
			}
			for _, s := range states {
				checkSyncState(t, s, V8, data)
			}
		}
		for _, v := range []Version{V7, V8} {
			s, err := DecodeSyncState(v, "o", data)
			if err != nil {
				continue
			}
			if _, isObject := ref.(map[string]any); refErr != nil || (!isObject && ref != nil) {
				t.Fatalf("%s accepted %q, which encoding/json reads as %v (%v)", v, data, ref, refErr)
			}
			checkSyncState(t, s, v, data)
		}
	})
}

// checkSyncState fails t when s claims what no body of version v says.
func checkSyncState(t *testing.T, s OrganizationSyncState, v Version, data []byte) {
	t.Helper()
	if s.RunningKnown != (v == V8) {
		t.Fatalf("%s: RunningKnown %v from %q", v, s.RunningKnown, data)
	}
	ok, known := s.Succeeded()
	if known != (s.LastResult == SyncSuccess || s.LastResult == SyncError) || (ok && s.LastResult != SyncSuccess) {
		t.Fatalf("%s: Succeeded() = %v, %v for result %q from %q", v, ok, known, s.LastResult, data)
	}
	if v == V7 && (s.LastResult == "None" || s.CurrentStatus != "") {
		t.Fatalf("v7: result %q, current %q from %q", s.LastResult, s.CurrentStatus, data)
	}
}
