package collector

import (
	"testing"
)

// TestSessionsFixture: each job's last finished session and its session
// under way. On v6 and v7 an old session without links cannot be tied to a
// job, so whether a job runs is unknown and vbo365_job_session_running is
// left out; v6 has no processed objects. The recorded processed objects
// (of the failed session) are served as those of OneDrive hourly's last
// finished session, its retry; the other jobs' last sessions have none.
func TestSessionsFixture(t *testing.T) {
	runFixtureCases(t, sessionsWithFailed(), newSessionsScraper(Collectors{}), nil,
		func(f *fixtureServer) {
			f.serve("/JobSessions", "job_sessions")
			if f.version != "v6" {
				f.serve("/JobSessions/"+fxSessRetry+"/ProcessedObjects", "processed_objects")
				for _, id := range []string{fxSessOK, fxSessWarn} {
					f.serveBody("/JobSessions/"+id+"/ProcessedObjects", `{"offset":0,"limit":1000,"results":[]}`)
				}
			}
		},
		fixtureCase{"v6", `
# HELP vbo365_job_last_session_duration_seconds v6 and later: how long the job's last finished session ran.
# TYPE vbo365_job_last_session_duration_seconds gauge
vbo365_job_last_session_duration_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 876.6001046
vbo365_job_last_session_duration_seconds{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1867.25
vbo365_job_last_session_duration_seconds{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 210
# HELP vbo365_job_last_session_end_timestamp_seconds v6 and later: Unix time at which the job's last finished session ended (endTime).
# TYPE vbo365_job_last_session_end_timestamp_seconds gauge
vbo365_job_last_session_end_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146016811234567e+09
vbo365_job_last_session_end_timestamp_seconds{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1.71459546725e+09
vbo365_job_last_session_end_timestamp_seconds{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 1.71454431e+09
# HELP vbo365_job_last_session_processed_items v6 and later: items (mails, files, ...) the job's last finished session processed (statistics.processedObjects).
# TYPE vbo365_job_last_session_processed_items gauge
vbo365_job_last_session_processed_items{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 5130
vbo365_job_last_session_processed_items{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 7490
vbo365_job_last_session_processed_items{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 200
# HELP vbo365_job_last_session_processed_objects v6 and later: objects (users, groups, sites, teams) the job's last finished session processed (progress).
# TYPE vbo365_job_last_session_processed_objects gauge
vbo365_job_last_session_processed_objects{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 57
vbo365_job_last_session_processed_objects{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 40
vbo365_job_last_session_processed_objects{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 12
# HELP vbo365_job_last_session_processing_rate_bytes_per_second v6 and later: average processing rate of the job's last finished session, in bytes (processingRateBytesPS).
# TYPE vbo365_job_last_session_processing_rate_bytes_per_second gauge
vbo365_job_last_session_processing_rate_bytes_per_second{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 3.363255e+06
vbo365_job_last_session_processing_rate_bytes_per_second{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1.180448e+06
vbo365_job_last_session_processing_rate_bytes_per_second{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 52428
# HELP vbo365_job_last_session_processing_rate_items_per_second v6 and later: average processing rate of the job's last finished session, in items (processingRateItemsPS).
# TYPE vbo365_job_last_session_processing_rate_items_per_second gauge
vbo365_job_last_session_processing_rate_items_per_second{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 28
vbo365_job_last_session_processing_rate_items_per_second{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 37
vbo365_job_last_session_processing_rate_items_per_second{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 3
# HELP vbo365_job_last_session_read_rate_bytes_per_second v6 and later: average read rate of the job's last finished session (readRateBytesPS).
# TYPE vbo365_job_last_session_read_rate_bytes_per_second gauge
vbo365_job_last_session_read_rate_bytes_per_second{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 4.204068e+06
vbo365_job_last_session_read_rate_bytes_per_second{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1.475561e+06
vbo365_job_last_session_read_rate_bytes_per_second{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 65536
# HELP vbo365_job_last_session_start_timestamp_seconds v6 and later: Unix time at which the job's last finished session started (creationTime).
# TYPE vbo365_job_last_session_start_timestamp_seconds gauge
vbo365_job_last_session_start_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146008045233521e+09
vbo365_job_last_session_start_timestamp_seconds{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1.7145936e+09
vbo365_job_last_session_start_timestamp_seconds{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 1.7145441e+09
# HELP vbo365_job_last_session_status v6 and later: 1 for the status of the job's last finished session, 0 for the other known statuses.
# TYPE vbo365_job_last_session_status gauge
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Disconnected"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Failed"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="NotConfigured"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Queued"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Running"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Stopped"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Success"} 1
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Warning"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Disconnected"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Failed"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="NotConfigured"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Queued"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Running"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Stopped"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Success"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Warning"} 1
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Disconnected"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Failed"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="NotConfigured"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Queued"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Running"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Stopped"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Success"} 1
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Warning"} 0
# HELP vbo365_job_last_session_transferred_bytes v6 and later: data the job's last finished session transferred (transferredDataBytes).
# TYPE vbo365_job_last_session_transferred_bytes gauge
vbo365_job_last_session_transferred_bytes{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 6.0174387e+08
vbo365_job_last_session_transferred_bytes{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 2.3550058e+08
vbo365_job_last_session_transferred_bytes{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 1.048576e+07
# HELP vbo365_job_last_session_write_rate_bytes_per_second v6 and later: average write rate of the job's last finished session (writeRateBytesPS).
# TYPE vbo365_job_last_session_write_rate_bytes_per_second gauge
vbo365_job_last_session_write_rate_bytes_per_second{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 2.017953e+06
vbo365_job_last_session_write_rate_bytes_per_second{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 708269
vbo365_job_last_session_write_rate_bytes_per_second{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 31457
# HELP vbo365_job_running_session_processed_objects v6 and later: objects the job's session under way has processed so far (progress); absent when none is.
# TYPE vbo365_job_running_session_processed_objects gauge
vbo365_job_running_session_processed_objects{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 10
# HELP vbo365_job_running_session_start_timestamp_seconds v6 and later: Unix time at which the job's session under way started; absent when none is.
# TYPE vbo365_job_running_session_start_timestamp_seconds gauge
vbo365_job_running_session_start_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146872001e+09
# HELP vbo365_job_running_session_transferred_bytes v6 and later: data the job's session under way has transferred so far; absent when none is.
# TYPE vbo365_job_running_session_transferred_bytes gauge
vbo365_job_running_session_transferred_bytes{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.048576e+06
`},
		fixtureCase{"v7", `
# HELP vbo365_job_last_session_duration_seconds v6 and later: how long the job's last finished session ran.
# TYPE vbo365_job_last_session_duration_seconds gauge
vbo365_job_last_session_duration_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 876.6001046
vbo365_job_last_session_duration_seconds{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1867.25
vbo365_job_last_session_duration_seconds{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 210
# HELP vbo365_job_last_session_end_timestamp_seconds v6 and later: Unix time at which the job's last finished session ended (endTime).
# TYPE vbo365_job_last_session_end_timestamp_seconds gauge
vbo365_job_last_session_end_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146016811234567e+09
vbo365_job_last_session_end_timestamp_seconds{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1.71459546725e+09
vbo365_job_last_session_end_timestamp_seconds{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 1.71454431e+09
# HELP vbo365_job_last_session_failed_object v7 and later, with --collector.sessions.failed-objects: 1 for each object that failed in the job's last finished session, at most that many per job, in API order; object_id is the id of the user, group, site or team.
# TYPE vbo365_job_last_session_failed_object gauge
vbo365_job_last_session_failed_object{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",object_id="a2c4e6f8-0b1d-4f3a-9c5e-7a9b1d3f5e77",object_type="Group",server="east"} 1
vbo365_job_last_session_failed_object{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",object_id="https://contoso.sharepoint.com/sites/sales",object_type="Site",server="east"} 1
# HELP vbo365_job_last_session_objects v7 and later: objects the job's last finished session processed with each status (Success, Warning, Failed), from its ProcessedObjects; read once per session.
# TYPE vbo365_job_last_session_objects gauge
vbo365_job_last_session_objects{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Failed"} 0
vbo365_job_last_session_objects{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Success"} 0
vbo365_job_last_session_objects{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Warning"} 0
vbo365_job_last_session_objects{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Failed"} 0
vbo365_job_last_session_objects{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Success"} 0
vbo365_job_last_session_objects{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Warning"} 0
vbo365_job_last_session_objects{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Failed"} 2
vbo365_job_last_session_objects{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Success"} 2
vbo365_job_last_session_objects{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Warning"} 1
# HELP vbo365_job_last_session_processed_items v6 and later: items (mails, files, ...) the job's last finished session processed (statistics.processedObjects).
# TYPE vbo365_job_last_session_processed_items gauge
vbo365_job_last_session_processed_items{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 5130
vbo365_job_last_session_processed_items{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 7490
vbo365_job_last_session_processed_items{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 200
# HELP vbo365_job_last_session_processed_objects v6 and later: objects (users, groups, sites, teams) the job's last finished session processed (progress).
# TYPE vbo365_job_last_session_processed_objects gauge
vbo365_job_last_session_processed_objects{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 57
vbo365_job_last_session_processed_objects{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 40
vbo365_job_last_session_processed_objects{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 12
# HELP vbo365_job_last_session_processing_rate_bytes_per_second v6 and later: average processing rate of the job's last finished session, in bytes (processingRateBytesPS).
# TYPE vbo365_job_last_session_processing_rate_bytes_per_second gauge
vbo365_job_last_session_processing_rate_bytes_per_second{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 3.363255e+06
vbo365_job_last_session_processing_rate_bytes_per_second{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1.180448e+06
vbo365_job_last_session_processing_rate_bytes_per_second{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 52428
# HELP vbo365_job_last_session_processing_rate_items_per_second v6 and later: average processing rate of the job's last finished session, in items (processingRateItemsPS).
# TYPE vbo365_job_last_session_processing_rate_items_per_second gauge
vbo365_job_last_session_processing_rate_items_per_second{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 28
vbo365_job_last_session_processing_rate_items_per_second{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 37
vbo365_job_last_session_processing_rate_items_per_second{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 3
# HELP vbo365_job_last_session_read_rate_bytes_per_second v6 and later: average read rate of the job's last finished session (readRateBytesPS).
# TYPE vbo365_job_last_session_read_rate_bytes_per_second gauge
vbo365_job_last_session_read_rate_bytes_per_second{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 4.204068e+06
vbo365_job_last_session_read_rate_bytes_per_second{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1.475561e+06
vbo365_job_last_session_read_rate_bytes_per_second{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 65536
# HELP vbo365_job_last_session_start_timestamp_seconds v6 and later: Unix time at which the job's last finished session started (creationTime).
# TYPE vbo365_job_last_session_start_timestamp_seconds gauge
vbo365_job_last_session_start_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146008045233521e+09
vbo365_job_last_session_start_timestamp_seconds{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1.7145936e+09
vbo365_job_last_session_start_timestamp_seconds{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 1.7145441e+09
# HELP vbo365_job_last_session_status v6 and later: 1 for the status of the job's last finished session, 0 for the other known statuses.
# TYPE vbo365_job_last_session_status gauge
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Disconnected"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Failed"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="NotConfigured"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Queued"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Running"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Stopped"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Success"} 1
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Warning"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Disconnected"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Failed"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="NotConfigured"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Queued"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Running"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Stopped"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Success"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Warning"} 1
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Disconnected"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Failed"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="NotConfigured"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Queued"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Running"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Stopped"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Success"} 1
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Warning"} 0
# HELP vbo365_job_last_session_transferred_bytes v6 and later: data the job's last finished session transferred (transferredDataBytes).
# TYPE vbo365_job_last_session_transferred_bytes gauge
vbo365_job_last_session_transferred_bytes{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 6.0174387e+08
vbo365_job_last_session_transferred_bytes{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 2.3550058e+08
vbo365_job_last_session_transferred_bytes{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 1.048576e+07
# HELP vbo365_job_last_session_write_rate_bytes_per_second v6 and later: average write rate of the job's last finished session (writeRateBytesPS).
# TYPE vbo365_job_last_session_write_rate_bytes_per_second gauge
vbo365_job_last_session_write_rate_bytes_per_second{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 2.017953e+06
vbo365_job_last_session_write_rate_bytes_per_second{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 708269
vbo365_job_last_session_write_rate_bytes_per_second{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 31457
# HELP vbo365_job_running_session_processed_objects v6 and later: objects the job's session under way has processed so far (progress); absent when none is.
# TYPE vbo365_job_running_session_processed_objects gauge
vbo365_job_running_session_processed_objects{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 10
# HELP vbo365_job_running_session_start_timestamp_seconds v6 and later: Unix time at which the job's session under way started; absent when none is.
# TYPE vbo365_job_running_session_start_timestamp_seconds gauge
vbo365_job_running_session_start_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146872001e+09
# HELP vbo365_job_running_session_transferred_bytes v6 and later: data the job's session under way has transferred so far; absent when none is.
# TYPE vbo365_job_running_session_transferred_bytes gauge
vbo365_job_running_session_transferred_bytes{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.048576e+06
`},
		fixtureCase{"v8", `
# HELP vbo365_job_last_session_duration_seconds v6 and later: how long the job's last finished session ran.
# TYPE vbo365_job_last_session_duration_seconds gauge
vbo365_job_last_session_duration_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 876.6001046
vbo365_job_last_session_duration_seconds{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1867.25
vbo365_job_last_session_duration_seconds{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 210
# HELP vbo365_job_last_session_end_timestamp_seconds v6 and later: Unix time at which the job's last finished session ended (endTime).
# TYPE vbo365_job_last_session_end_timestamp_seconds gauge
vbo365_job_last_session_end_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146016811234567e+09
vbo365_job_last_session_end_timestamp_seconds{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1.71459546725e+09
vbo365_job_last_session_end_timestamp_seconds{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 1.71454431e+09
# HELP vbo365_job_last_session_failed_object v7 and later, with --collector.sessions.failed-objects: 1 for each object that failed in the job's last finished session, at most that many per job, in API order; object_id is the id of the user, group, site or team.
# TYPE vbo365_job_last_session_failed_object gauge
vbo365_job_last_session_failed_object{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",object_id="a2c4e6f8-0b1d-4f3a-9c5e-7a9b1d3f5e77",object_type="Group",server="east"} 1
vbo365_job_last_session_failed_object{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",object_id="https://contoso.sharepoint.com/sites/sales",object_type="Site",server="east"} 1
# HELP vbo365_job_last_session_objects v7 and later: objects the job's last finished session processed with each status (Success, Warning, Failed), from its ProcessedObjects; read once per session.
# TYPE vbo365_job_last_session_objects gauge
vbo365_job_last_session_objects{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Failed"} 0
vbo365_job_last_session_objects{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Success"} 0
vbo365_job_last_session_objects{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Warning"} 0
vbo365_job_last_session_objects{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Failed"} 0
vbo365_job_last_session_objects{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Success"} 0
vbo365_job_last_session_objects{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Warning"} 0
vbo365_job_last_session_objects{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Failed"} 2
vbo365_job_last_session_objects{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Success"} 2
vbo365_job_last_session_objects{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Warning"} 1
# HELP vbo365_job_last_session_processed_items v6 and later: items (mails, files, ...) the job's last finished session processed (statistics.processedObjects).
# TYPE vbo365_job_last_session_processed_items gauge
vbo365_job_last_session_processed_items{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 5130
vbo365_job_last_session_processed_items{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 7490
vbo365_job_last_session_processed_items{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 200
# HELP vbo365_job_last_session_processed_objects v6 and later: objects (users, groups, sites, teams) the job's last finished session processed (progress).
# TYPE vbo365_job_last_session_processed_objects gauge
vbo365_job_last_session_processed_objects{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 57
vbo365_job_last_session_processed_objects{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 40
vbo365_job_last_session_processed_objects{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 12
# HELP vbo365_job_last_session_processing_rate_bytes_per_second v6 and later: average processing rate of the job's last finished session, in bytes (processingRateBytesPS).
# TYPE vbo365_job_last_session_processing_rate_bytes_per_second gauge
vbo365_job_last_session_processing_rate_bytes_per_second{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 3.363255e+06
vbo365_job_last_session_processing_rate_bytes_per_second{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1.180448e+06
vbo365_job_last_session_processing_rate_bytes_per_second{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 52428
# HELP vbo365_job_last_session_processing_rate_items_per_second v6 and later: average processing rate of the job's last finished session, in items (processingRateItemsPS).
# TYPE vbo365_job_last_session_processing_rate_items_per_second gauge
vbo365_job_last_session_processing_rate_items_per_second{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 28
vbo365_job_last_session_processing_rate_items_per_second{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 37
vbo365_job_last_session_processing_rate_items_per_second{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 3
# HELP vbo365_job_last_session_read_rate_bytes_per_second v6 and later: average read rate of the job's last finished session (readRateBytesPS).
# TYPE vbo365_job_last_session_read_rate_bytes_per_second gauge
vbo365_job_last_session_read_rate_bytes_per_second{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 4.204068e+06
vbo365_job_last_session_read_rate_bytes_per_second{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1.475561e+06
vbo365_job_last_session_read_rate_bytes_per_second{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 65536
# HELP vbo365_job_last_session_start_timestamp_seconds v6 and later: Unix time at which the job's last finished session started (creationTime).
# TYPE vbo365_job_last_session_start_timestamp_seconds gauge
vbo365_job_last_session_start_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146008045233521e+09
vbo365_job_last_session_start_timestamp_seconds{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 1.7145936e+09
vbo365_job_last_session_start_timestamp_seconds{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 1.7145441e+09
# HELP vbo365_job_last_session_status v6 and later: 1 for the status of the job's last finished session, 0 for the other known statuses.
# TYPE vbo365_job_last_session_status gauge
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Disconnected"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Failed"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="NotConfigured"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Queued"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Running"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Stopped"} 0
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Success"} 1
vbo365_job_last_session_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Warning"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Disconnected"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Failed"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="NotConfigured"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Queued"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Running"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Stopped"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Success"} 0
vbo365_job_last_session_status{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east",status="Warning"} 1
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Disconnected"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Failed"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="NotConfigured"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Queued"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Running"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Stopped"} 0
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Success"} 1
vbo365_job_last_session_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Warning"} 0
# HELP vbo365_job_last_session_transferred_bytes v6 and later: data the job's last finished session transferred (transferredDataBytes).
# TYPE vbo365_job_last_session_transferred_bytes gauge
vbo365_job_last_session_transferred_bytes{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 6.0174387e+08
vbo365_job_last_session_transferred_bytes{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 2.3550058e+08
vbo365_job_last_session_transferred_bytes{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 1.048576e+07
# HELP vbo365_job_last_session_write_rate_bytes_per_second v6 and later: average write rate of the job's last finished session (writeRateBytesPS).
# TYPE vbo365_job_last_session_write_rate_bytes_per_second gauge
vbo365_job_last_session_write_rate_bytes_per_second{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 2.017953e+06
vbo365_job_last_session_write_rate_bytes_per_second{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 708269
vbo365_job_last_session_write_rate_bytes_per_second{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 31457
# HELP vbo365_job_running_session_processed_objects v6 and later: objects the job's session under way has processed so far (progress); absent when none is.
# TYPE vbo365_job_running_session_processed_objects gauge
vbo365_job_running_session_processed_objects{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 10
# HELP vbo365_job_running_session_start_timestamp_seconds v6 and later: Unix time at which the job's session under way started; absent when none is.
# TYPE vbo365_job_running_session_start_timestamp_seconds gauge
vbo365_job_running_session_start_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146872001e+09
# HELP vbo365_job_running_session_transferred_bytes v6 and later: data the job's session under way has transferred so far; absent when none is.
# TYPE vbo365_job_running_session_transferred_bytes gauge
vbo365_job_running_session_transferred_bytes{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.048576e+06
# HELP vbo365_job_session_running v6 and later: 1 if the job has a session that has not ended (running, or queued), else 0.
# TYPE vbo365_job_session_running gauge
vbo365_job_session_running{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1
vbo365_job_session_running{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 0
vbo365_job_session_running{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 0
`},
	)
}

// sessionsWithFailed lists 2 failed objects per job: the recorded session
// has exactly 2.
func sessionsWithFailed() Collectors {
	c := DefaultCollectors().Only("sessions")
	c.FailedObjects = 2
	return c
}
