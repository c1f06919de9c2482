package vboapi

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"
)

func fxCopyJobFields(j CopyJob) []fxField {
	return []fxField{
		{"ID", j.ID}, {"Name", strconv.Quote(j.Name)}, {"BackupJobID", j.BackupJobID}, {"RepositoryID", j.RepositoryID},
		{"OrganizationID", strconv.Quote(j.OrganizationID)}, {"Enabled", fxBoolString(j.Enabled)},
		{"LastStatus", strconv.Quote(j.LastStatus)}, {"LastRun", fxTimeString(j.LastRun)}, {"NextRun", fxTimeString(j.NextRun)},
		{"LastBackup", fxTimeString(j.LastBackup)}, {"ScheduleType", j.ScheduleType},
	}
}

func TestFixtureCopyJobs(t *testing.T) {
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, _ := fixtureClient(t, v)
		got, err := c.CopyJobs(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ran := CopyJob{ID: fxCopy1, Name: "Archive copy of Mailboxes daily", BackupJobID: fxJob1, RepositoryID: fxArchive,
			Enabled: fxBool(true), LastStatus: "Success", LastRun: fxDate(2024, 5, 1, 22, 40, 0, 123456700), ScheduleType: "Immediate"}
		// Never ran: isEnabled, lastStatus and lastRun null; nextRun with
		// a +02:00 offset.
		never := CopyJob{ID: fxCopy2, Name: "Weekend archive", BackupJobID: fxJob3, RepositoryID: fxArchive,
			NextRun: fxDate(2024, 5, 4, 0, 0, 0, 0), ScheduleType: "DailyAtTime"}
		if v != V6 {
			ran.LastBackup = fxDate(2024, 5, 1, 22, 52, 10, 0)
		}
		if v == V8 {
			ran.OrganizationID = fxOrg1
		}
		fxCompare(t, "CopyJobs()", got, []CopyJob{ran, never}, fxCopyJobFields)
	})
}

func fxSessionFields(s JobSession) []fxField {
	st := s.Statistics
	return []fxField{
		{"ID", s.ID}, {"JobID", strconv.Quote(s.JobID)}, {"JobType", strconv.Quote(s.JobType)},
		{"RepositoryID", strconv.Quote(s.RepositoryID)}, {"MainSessionID", strconv.Quote(s.MainSessionID)},
		{"Status", s.Status}, {"Details", strconv.Quote(s.Details)},
		{"CreationTime", fxTimeString(s.CreationTime)}, {"EndTime", fxTimeString(s.EndTime)},
		{"Ended", strconv.FormatBool(s.Ended())}, {"RetryCount", strconv.Itoa(s.RetryCount)},
		{"WillBeRetried", fxBoolString(s.WillBeRetried)}, {"Progress", strconv.Itoa(s.Progress)},
		{"ConfigType", strconv.Quote(s.ConfigType)}, {"ProxyID", strconv.Quote(s.ProxyID)},
		{"Statistics", fmt.Sprintf("%+v", st)},
	}
}

// fxWantSessions is what JobSessions makes of testdata/job_sessions/<v>.json
// read through /JobSessions, newest first: a running session (its end
// spelt the .NET zero date on v6, null on v7, the year-9999 sentinel on
// v8), a success, a copy (v7, v8), a warning, a retry and the failure it
// retries (created before midnight of 1 May, ended after it), and an old
// session with neither statistics nor links.
func fxWantSessions(v Version) []JobSession {
	stats := func(pr, pi, rr, wr, tb, po int64, bn string) JobStatistics {
		return JobStatistics{pr, pi, rr, wr, tb, po, bn}
	}
	run := JobSession{ID: fxSessRun, JobID: fxJob1, Status: "Running", CreationTime: fxDate(2024, 5, 2, 22, 0, 0, 100000000),
		Progress: 10, Statistics: stats(0, 0, 0, 0, 1048576, 150, "Detecting")}
	ok := JobSession{ID: fxSessOK, JobID: fxJob1, Status: "Success", CreationTime: fxDate(2024, 5, 1, 22, 0, 4, 523352100),
		EndTime: fxDate(2024, 5, 1, 22, 14, 41, 123456700), Progress: 57,
		Statistics: stats(3363255, 28, 4204068, 2017953, 601743870, 5130, "Source")}
	copied := JobSession{ID: fxSessCopy, JobID: fxCopy1, JobType: "Copy", RepositoryID: fxArchive, Status: "Success",
		CreationTime: fxDate(2024, 5, 1, 22, 40, 0, 123456700), EndTime: fxDate(2024, 5, 1, 22, 52, 10, 0), Progress: 57,
		Statistics: stats(2477188, 25, 3096486, 1486313, 681697170, 6930, "Target")}
	warn := JobSession{ID: fxSessWarn, JobID: fxJob2, Status: "Warning", Details: "Processing finished with warnings for 2 of 40 objects.",
		CreationTime: fxDate(2024, 5, 1, 20, 0, 0, 0), EndTime: fxDate(2024, 5, 1, 20, 31, 7, 250000000), Progress: 40,
		Statistics: stats(1180448, 37, 1475561, 708269, 235500580, 7490, "Target")}
	retry := JobSession{ID: fxSessRetry, JobID: fxJob3, Status: "Success", CreationTime: fxDate(2024, 5, 1, 6, 15, 0, 0),
		EndTime: fxDate(2024, 5, 1, 6, 18, 30, 0), RetryCount: 1, Progress: 12,
		Statistics: stats(52428, 3, 65536, 31457, 10485760, 200, "NA")}
	fail := JobSession{ID: fxSessFail, JobID: fxJob3, Status: "Failed", Details: "Failed to process 3 of 12 objects.",
		CreationTime: fxDate(2024, 4, 30, 23, 55, 0, 0), EndTime: fxDate(2024, 5, 1, 0, 5, 0, 0), Progress: 12,
		Statistics: stats(0, 0, 0, 0, 0, 0, "NA")}
	old := JobSession{ID: fxSessOld, Status: "Success", CreationTime: fxDate(2024, 4, 30, 22, 0, 0, 0),
		EndTime: fxDate(2024, 4, 30, 22, 10, 0, 0), Progress: 57}
	if v == V6 {
		return []JobSession{run, ok, warn, retry, fail, old}
	}
	all := []*JobSession{&run, &ok, &copied, &warn, &retry, &fail, &old}
	for _, s := range all {
		if s.JobType == "" {
			s.JobType = "Backup"
		}
		if s.RepositoryID == "" {
			s.RepositoryID = fxRepo1
		}
		if s != &run { // null while it runs
			s.WillBeRetried = fxBool(s == &fail)
		}
		if v == V8 {
			s.ConfigType, s.ProxyID = "Incremental", fxProxy1
		}
	}
	warn.RepositoryID, retry.MainSessionID = fxRepo2, fxSessFail
	if v == V8 {
		old.JobID, copied.ProxyID, fail.ConfigType = fxJob1, fxProxy2, "Full"
	}
	return []JobSession{run, ok, copied, warn, retry, fail, old}
}

// fxSelect keeps the sessions whose ids are listed.
func fxSelect(all []JobSession, ids ...string) []JobSession {
	var out []JobSession
	for _, s := range all {
		for _, id := range ids {
			if s.ID == id {
				out = append(out, s)
			}
		}
	}
	return out
}

var fxBound = fxDate(2024, 5, 1, 0, 0, 0, 0)

// TestFixtureJobSessions reads the recorded history with each filter. The
// fixture server ignores filters, so what the client keeps shows its own
// filtering; the requests show what it asked the server.
func TestFixtureJobSessions(t *testing.T) {
	type filterCase struct {
		name   string
		filter SessionFilter
		want   func(v Version, all []JobSession) []JobSession
		query  func(v Version) url.Values // the filter parameters asked
	}
	none := func(Version) url.Values { return url.Values{} }
	cases := []filterCase{
		{"all", SessionFilter{}, func(_ Version, all []JobSession) []JobSession { return all }, none},
		{"since", SessionFilter{EndTimeLowerBound: fxBound.In(time.FixedZone("CEST", 2*3600))},
			// The old session goes; the failure created before the bound
			// but ended after it stays.
			func(_ Version, all []JobSession) []JobSession { return all[:len(all)-1] },
			func(Version) url.Values { return url.Values{"endTimeLowerBound": {"2024-05-01T00:00:00Z"}} }},
		{"succeeded", SessionFilter{Status: "Success"},
			func(_ Version, all []JobSession) []JobSession {
				return fxSelect(all, fxSessOK, fxSessCopy, fxSessRetry, fxSessOld)
			},
			func(v Version) url.Values {
				if v == V8 {
					return url.Values{"status": {"Succeeded"}} // the v8 filter's spelling
				}
				return url.Values{}
			}},
		{"copies", SessionFilter{JobType: "Copy"},
			func(v Version, all []JobSession) []JobSession {
				if v == V6 {
					return all // v6 sessions do not say their type: only the server filters
				}
				return fxSelect(all, fxSessCopy)
			},
			func(Version) url.Values { return url.Values{"jobType": {"Copy"}} }},
	}
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		for _, tc := range cases {
			for _, size := range []int{100, 3} {
				t.Run(tc.name+"/pageSize="+strconv.Itoa(size), func(t *testing.T) {
					c, api := fixtureClient(t, v)
					got := fxReadSessions(t, c, tc.filter, size)
					fxCompare(t, "JobSessions()", got, tc.want(v, fxWantSessions(v)), fxSessionFields)
					fxCheckSessionQueries(t, api.requests("/"+string(v)+"/JobSessions"), tc.query(v), size)
				})
			}
		}
	})
}

func fxReadSessions(t *testing.T, c *Client, f SessionFilter, size int) []JobSession {
	t.Helper()
	var got []JobSession
	err := c.JobSessions(context.Background(), f, size, func(s *JobSession) error {
		got = append(got, *s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// fxCheckSessionQueries checks that every page asked carried exactly the
// filter parameters want, and the page size.
func fxCheckSessionQueries(t *testing.T, asked []url.Values, want url.Values, size int) {
	t.Helper()
	if len(asked) == 0 {
		t.Fatal("no request for the session list")
	}
	for _, q := range asked {
		if q.Get("limit") != strconv.Itoa(size) {
			t.Errorf("asked limit %q, want %d", q.Get("limit"), size)
		}
		q.Del("limit")
		q.Del("offset")
		if q.Encode() != want.Encode() {
			t.Errorf("asked ?%s, want the filters ?%s", q.Encode(), want.Encode())
		}
	}
}

// TestFixtureJobSessionsOfJob: v6 reads one job's sessions from
// /Jobs/{id}/JobSessions, which has no filters, and applies the bound
// itself; v7 and v8 ask /JobSessions?jobId=.
func TestFixtureJobSessionsOfJob(t *testing.T) {
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, api := fixtureClient(t, v)
		got := fxReadSessions(t, c, SessionFilter{JobID: fxJob1, EndTimeLowerBound: fxBound}, 100)
		all := fxWantSessions(v)
		want := all[:len(all)-1]
		for i := range want {
			if v != V8 { // the job asked; v8 sessions name their own
				want[i].JobID = fxJob1
			}
		}
		fxCompare(t, "JobSessions(job)", got, want, fxSessionFields)
		perJob := api.requests("/v6/Jobs/" + fxJob1 + "/JobSessions")
		list := api.requests("/" + string(v) + "/JobSessions")
		if v == V6 {
			if len(perJob) != 1 || len(list) != 0 {
				t.Fatalf("v6 asked the job's list %d times and /JobSessions %d times, want 1 and 0", len(perJob), len(list))
			}
			fxCheckSessionQueries(t, perJob, url.Values{}, 100)
			return
		}
		fxCheckSessionQueries(t, list, url.Values{"jobId": {fxJob1}, "endTimeLowerBound": {"2024-05-01T00:00:00Z"}}, 100)
	})
}

func TestFixtureJobSession(t *testing.T) {
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, _ := fixtureClient(t, v)
		got, err := c.JobSession(context.Background(), fxSessOK)
		if err != nil {
			t.Fatal(err)
		}
		fxCompare(t, "JobSession()", []JobSession{got}, fxSelect(fxWantSessions(v), fxSessOK), fxSessionFields)
	})
}

func TestFixtureSessionObjects(t *testing.T) {
	want := []SessionObject{
		{ID: fxAdele + "00000000-0000-0000-0000-000000000000", Type: "User", Status: "Success"},
		{ID: fxAlex, Type: "User", Status: "Warning"},
		{ID: fxSales, Type: "Group", Status: "Failed"},
		{ID: "https://contoso.sharepoint.com/sites/sales", Type: "Site", Status: "Failed"},
		{ID: "19:team@thread.tacv2", Type: "Team", Status: "Success"},
	}
	fields := func(o SessionObject) []fxField {
		return []fxField{{"ID", o.ID}, {"Type", o.Type}, {"Status", o.Status}}
	}
	fxVersions(t, []Version{V7, V8}, func(t *testing.T, v Version) {
		for _, size := range []int{100, 2} {
			c, _ := fixtureClient(t, v)
			var got []SessionObject
			err := c.SessionObjects(context.Background(), fxSessFail, size, func(o *SessionObject) error {
				got = append(got, *o)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			fxCompare(t, "SessionObjects()", got, want, fields)
			n, err := c.SessionObjectCounts(context.Background(), fxSessFail, size)
			if err != nil {
				t.Fatal(err)
			}
			if n != (ObjectCounts{Success: 2, Warning: 1, Failed: 2}) {
				t.Errorf("SessionObjectCounts() = %+v", n)
			}
		}
	})
}
