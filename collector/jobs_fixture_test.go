package collector

import (
	"testing"
)

// TestJobsFixture: the job list's facts. v6 has no lastBackup, and on v6
// and v7 the organization comes from each organization's job list; the
// .NET zero date and nulls leave their series out.
func TestJobsFixture(t *testing.T) {
	runFixtureCases(t, DefaultCollectors().Only(jobsCollector), jobsScraper{}, nil,
		func(*fixtureServer) {},
		fixtureCase{"v6", `
# HELP vbo365_job_enabled 1 if the job is enabled, 0 if disabled (isEnabled).
# TYPE vbo365_job_enabled gauge
vbo365_job_enabled{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1
vbo365_job_enabled{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 0
# HELP vbo365_job_info Descriptive facts about the job, as labels; the value is always 1. backup_type (EntireOrganization or SelectedItems) and repository_id are empty on v1, all_mailboxes on v6 and later.
# TYPE vbo365_job_info gauge
vbo365_job_info{all_mailboxes="",backup_type="EntireOrganization",job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="e1a7c3d9-6b2f-4a8e-9d14-5c0b7e2f8a63",server="east"} 1
vbo365_job_info{all_mailboxes="",backup_type="SelectedItems",job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",server="east"} 1
vbo365_job_info{all_mailboxes="",backup_type="SelectedItems",job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",server="east"} 1
# HELP vbo365_job_last_run_timestamp_seconds Unix time of the job's last run (lastRun); absent when it never ran.
# TYPE vbo365_job_last_run_timestamp_seconds gauge
vbo365_job_last_run_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146008045233521e+09
vbo365_job_last_run_timestamp_seconds{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 1.714629603e+09
# HELP vbo365_job_last_status 1 for the job's last status (lastStatus), 0 for the other known statuses.
# TYPE vbo365_job_last_status gauge
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Disconnected"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Failed"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="NotConfigured"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Queued"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Running"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Stopped"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Success"} 1
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Warning"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Disconnected"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Failed"} 1
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="NotConfigured"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Queued"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Running"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Stopped"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Success"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Warning"} 0
# HELP vbo365_job_next_run_timestamp_seconds Unix time of the job's next scheduled run (nextRun); absent when none is scheduled.
# TYPE vbo365_job_next_run_timestamp_seconds gauge
vbo365_job_next_run_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146872e+09
`},
		fixtureCase{"v7", `
# HELP vbo365_job_enabled 1 if the job is enabled, 0 if disabled (isEnabled).
# TYPE vbo365_job_enabled gauge
vbo365_job_enabled{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1
vbo365_job_enabled{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 0
# HELP vbo365_job_info Descriptive facts about the job, as labels; the value is always 1. backup_type (EntireOrganization or SelectedItems) and repository_id are empty on v1, all_mailboxes on v6 and later.
# TYPE vbo365_job_info gauge
vbo365_job_info{all_mailboxes="",backup_type="EntireOrganization",job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="e1a7c3d9-6b2f-4a8e-9d14-5c0b7e2f8a63",server="east"} 1
vbo365_job_info{all_mailboxes="",backup_type="SelectedItems",job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",server="east"} 1
vbo365_job_info{all_mailboxes="",backup_type="SelectedItems",job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",server="east"} 1
# HELP vbo365_job_last_backup_timestamp_seconds v7 and later: Unix time of the job's last successful run (lastBackup); absent when unknown.
# TYPE vbo365_job_last_backup_timestamp_seconds gauge
vbo365_job_last_backup_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146016811234567e+09
# HELP vbo365_job_last_run_timestamp_seconds Unix time of the job's last run (lastRun); absent when it never ran.
# TYPE vbo365_job_last_run_timestamp_seconds gauge
vbo365_job_last_run_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146008045233521e+09
vbo365_job_last_run_timestamp_seconds{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 1.714629603e+09
# HELP vbo365_job_last_status 1 for the job's last status (lastStatus), 0 for the other known statuses.
# TYPE vbo365_job_last_status gauge
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Disconnected"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Failed"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="NotConfigured"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Queued"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Running"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Stopped"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Success"} 1
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Warning"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Disconnected"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Failed"} 1
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="NotConfigured"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Queued"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Running"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Stopped"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Success"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Warning"} 0
# HELP vbo365_job_next_run_timestamp_seconds Unix time of the job's next scheduled run (nextRun); absent when none is scheduled.
# TYPE vbo365_job_next_run_timestamp_seconds gauge
vbo365_job_next_run_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146872e+09
`},
		fixtureCase{"v8", `
# HELP vbo365_job_enabled 1 if the job is enabled, 0 if disabled (isEnabled).
# TYPE vbo365_job_enabled gauge
vbo365_job_enabled{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1
vbo365_job_enabled{job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",server="east"} 0
# HELP vbo365_job_info Descriptive facts about the job, as labels; the value is always 1. backup_type (EntireOrganization or SelectedItems) and repository_id are empty on v1, all_mailboxes on v6 and later.
# TYPE vbo365_job_info gauge
vbo365_job_info{all_mailboxes="",backup_type="EntireOrganization",job_id="9c1d7e3a-2f5b-4a80-b6d4-1e3f5a7c9b25",job_name="Entire organization",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="e1a7c3d9-6b2f-4a8e-9d14-5c0b7e2f8a63",server="east"} 1
vbo365_job_info{all_mailboxes="",backup_type="SelectedItems",job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",server="east"} 1
vbo365_job_info{all_mailboxes="",backup_type="SelectedItems",job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",server="east"} 1
# HELP vbo365_job_last_backup_timestamp_seconds v7 and later: Unix time of the job's last successful run (lastBackup); absent when unknown.
# TYPE vbo365_job_last_backup_timestamp_seconds gauge
vbo365_job_last_backup_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146016811234567e+09
# HELP vbo365_job_last_run_timestamp_seconds Unix time of the job's last run (lastRun); absent when it never ran.
# TYPE vbo365_job_last_run_timestamp_seconds gauge
vbo365_job_last_run_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146008045233521e+09
vbo365_job_last_run_timestamp_seconds{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east"} 1.714629603e+09
# HELP vbo365_job_last_status 1 for the job's last status (lastStatus), 0 for the other known statuses.
# TYPE vbo365_job_last_status gauge
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Disconnected"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Failed"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="NotConfigured"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Queued"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Running"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Stopped"} 0
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Success"} 1
vbo365_job_last_status{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east",status="Warning"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Disconnected"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Failed"} 1
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="NotConfigured"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Queued"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Running"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Stopped"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Success"} 0
vbo365_job_last_status{job_id="d3f6a9c2-8e1b-4c57-9a0d-6b2e4f8a1c37",job_name="OneDrive hourly",server="east",status="Warning"} 0
# HELP vbo365_job_next_run_timestamp_seconds Unix time of the job's next scheduled run (nextRun); absent when none is scheduled.
# TYPE vbo365_job_next_run_timestamp_seconds gauge
vbo365_job_next_run_timestamp_seconds{job_id="5a8e2c14-7b3f-4d96-a1e0-2f4c6b8d0e13",job_name="Mailboxes daily",server="east"} 1.7146872e+09
`},
	)
}
