package collector

import (
	"testing"
)

// TestCopyJobsFixture: a copy job that ran and one that never did. A copy
// job without organizationId (v6, v7, and one on v8) takes its backup job's.
func TestCopyJobsFixture(t *testing.T) {
	runFixtureCases(t, DefaultCollectors().Only("copyjobs"), copyJobsScraper{}, nil,
		func(f *fixtureServer) { f.serve("/CopyJobs", "copy_jobs") },
		fixtureCase{"v6", `
# HELP vbo365_copy_job_enabled v6 and later: 1 if the backup copy job is enabled, 0 if disabled (isEnabled).
# TYPE vbo365_copy_job_enabled gauge
vbo365_copy_job_enabled{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east"} 1
# HELP vbo365_copy_job_info v6 and later: descriptive facts about the copy job, as labels: the backup job whose restore points it copies, the archive repository it copies to, the organization (of the backup job on v6 and v7) and its schedule type (Immediate, Periodically or DailyAtTime). The value is always 1.
# TYPE vbo365_copy_job_info gauge
vbo365_copy_job_info{backup_job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",schedule_type="Immediate",server="east"} 1
vbo365_copy_job_info{backup_job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_id="e8f0a2c4-6e8a-4b9c-9f1b-3a5c7e9a1b68",job_name="Weekend archive",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",schedule_type="DailyAtTime",server="east"} 1
# HELP vbo365_copy_job_last_run_timestamp_seconds v6 and later: Unix time of the copy job's last run (lastRun); absent when it never ran.
# TYPE vbo365_copy_job_last_run_timestamp_seconds gauge
vbo365_copy_job_last_run_timestamp_seconds{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east"} 1.7146032001234567e+09
# HELP vbo365_copy_job_last_status v6 and later: 1 for the copy job's last status (lastStatus), 0 for the other known statuses.
# TYPE vbo365_copy_job_last_status gauge
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Disconnected"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Failed"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="NotConfigured"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Queued"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Running"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Stopped"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Success"} 1
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Warning"} 0
# HELP vbo365_copy_job_next_run_timestamp_seconds v6 and later: Unix time of the copy job's next scheduled run (nextRun); absent when none is scheduled, as for a copy job that runs after its backup job.
# TYPE vbo365_copy_job_next_run_timestamp_seconds gauge
vbo365_copy_job_next_run_timestamp_seconds{job_id="e8f0a2c4-6e8a-4b9c-9f1b-3a5c7e9a1b68",job_name="Weekend archive",server="east"} 1.7147808e+09
`},
		fixtureCase{"v7", `
# HELP vbo365_copy_job_enabled v6 and later: 1 if the backup copy job is enabled, 0 if disabled (isEnabled).
# TYPE vbo365_copy_job_enabled gauge
vbo365_copy_job_enabled{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east"} 1
# HELP vbo365_copy_job_info v6 and later: descriptive facts about the copy job, as labels: the backup job whose restore points it copies, the archive repository it copies to, the organization (of the backup job on v6 and v7) and its schedule type (Immediate, Periodically or DailyAtTime). The value is always 1.
# TYPE vbo365_copy_job_info gauge
vbo365_copy_job_info{backup_job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",schedule_type="Immediate",server="east"} 1
vbo365_copy_job_info{backup_job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_id="e8f0a2c4-6e8a-4b9c-9f1b-3a5c7e9a1b68",job_name="Weekend archive",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",schedule_type="DailyAtTime",server="east"} 1
# HELP vbo365_copy_job_last_backup_timestamp_seconds v7 and later: Unix time of the copy job's last successful run (lastBackup); absent when unknown.
# TYPE vbo365_copy_job_last_backup_timestamp_seconds gauge
vbo365_copy_job_last_backup_timestamp_seconds{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east"} 1.71460393e+09
# HELP vbo365_copy_job_last_run_timestamp_seconds v6 and later: Unix time of the copy job's last run (lastRun); absent when it never ran.
# TYPE vbo365_copy_job_last_run_timestamp_seconds gauge
vbo365_copy_job_last_run_timestamp_seconds{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east"} 1.7146032001234567e+09
# HELP vbo365_copy_job_last_status v6 and later: 1 for the copy job's last status (lastStatus), 0 for the other known statuses.
# TYPE vbo365_copy_job_last_status gauge
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Disconnected"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Failed"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="NotConfigured"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Queued"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Running"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Stopped"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Success"} 1
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Warning"} 0
# HELP vbo365_copy_job_next_run_timestamp_seconds v6 and later: Unix time of the copy job's next scheduled run (nextRun); absent when none is scheduled, as for a copy job that runs after its backup job.
# TYPE vbo365_copy_job_next_run_timestamp_seconds gauge
vbo365_copy_job_next_run_timestamp_seconds{job_id="e8f0a2c4-6e8a-4b9c-9f1b-3a5c7e9a1b68",job_name="Weekend archive",server="east"} 1.7147808e+09
`},
		fixtureCase{"v8", `
# HELP vbo365_copy_job_enabled v6 and later: 1 if the backup copy job is enabled, 0 if disabled (isEnabled).
# TYPE vbo365_copy_job_enabled gauge
vbo365_copy_job_enabled{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east"} 1
# HELP vbo365_copy_job_info v6 and later: descriptive facts about the copy job, as labels: the backup job whose restore points it copies, the archive repository it copies to, the organization (of the backup job on v6 and v7) and its schedule type (Immediate, Periodically or DailyAtTime). The value is always 1.
# TYPE vbo365_copy_job_info gauge
vbo365_copy_job_info{backup_job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",schedule_type="Immediate",server="east"} 1
vbo365_copy_job_info{backup_job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_id="e8f0a2c4-6e8a-4b9c-9f1b-3a5c7e9a1b68",job_name="Weekend archive",organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",schedule_type="DailyAtTime",server="east"} 1
# HELP vbo365_copy_job_last_backup_timestamp_seconds v7 and later: Unix time of the copy job's last successful run (lastBackup); absent when unknown.
# TYPE vbo365_copy_job_last_backup_timestamp_seconds gauge
vbo365_copy_job_last_backup_timestamp_seconds{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east"} 1.71460393e+09
# HELP vbo365_copy_job_last_run_timestamp_seconds v6 and later: Unix time of the copy job's last run (lastRun); absent when it never ran.
# TYPE vbo365_copy_job_last_run_timestamp_seconds gauge
vbo365_copy_job_last_run_timestamp_seconds{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east"} 1.7146032001234567e+09
# HELP vbo365_copy_job_last_status v6 and later: 1 for the copy job's last status (lastStatus), 0 for the other known statuses.
# TYPE vbo365_copy_job_last_status gauge
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Disconnected"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Failed"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="NotConfigured"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Queued"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Running"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Stopped"} 0
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Success"} 1
vbo365_copy_job_last_status{job_id="b6d8f0a2-4c6e-4a7b-8d9f-1e3a5c7e9f57",job_name="Archive copy of Mailboxes daily",server="east",status="Warning"} 0
# HELP vbo365_copy_job_next_run_timestamp_seconds v6 and later: Unix time of the copy job's next scheduled run (nextRun); absent when none is scheduled, as for a copy job that runs after its backup job.
# TYPE vbo365_copy_job_next_run_timestamp_seconds gauge
vbo365_copy_job_next_run_timestamp_seconds{job_id="e8f0a2c4-6e8a-4b9c-9f1b-3a5c7e9a1b68",job_name="Weekend archive",server="east"} 1.7147808e+09
`},
	)
}
