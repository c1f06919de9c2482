package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

var (
	copyJobEnabledDesc = newDesc("copy_job_enabled",
		"v6 and later: 1 if the backup copy job is enabled, 0 if disabled (isEnabled).", jobLabels)
	copyJobLastRunDesc = newDesc("copy_job_last_run_timestamp_seconds",
		"v6 and later: Unix time of the copy job's last run (lastRun); absent when it never ran.", jobLabels)
	copyJobNextRunDesc = newDesc("copy_job_next_run_timestamp_seconds",
		"v6 and later: Unix time of the copy job's next scheduled run (nextRun); absent when none is scheduled, as for a copy job that runs after its backup job.", jobLabels)
	copyJobLastBackupDesc = newDesc("copy_job_last_backup_timestamp_seconds",
		"v7 and later: Unix time of the copy job's last successful run (lastBackup); absent when unknown.", jobLabels)
	copyJobLastStatusDesc = newDesc("copy_job_last_status",
		"v6 and later: 1 for the copy job's last status (lastStatus), 0 for the other known statuses.", jobLabels, "status")
	copyJobInfoDesc = newDesc("copy_job_info",
		"v6 and later: descriptive facts about the copy job, as labels: the backup job whose restore points it copies, the archive repository it copies to, the organization (of the backup job on v6 and v7) and its schedule type (Immediate, Periodically or DailyAtTime). The value is always 1.",
		jobLabels, "backup_job_id", "repository_id", "organization_id", "schedule_type")
)

// copyJobsScraper reads the backup copy jobs: one list.
type copyJobsScraper struct{}

func (copyJobsScraper) Name() string { return "copyjobs" }

func (copyJobsScraper) Help() string {
	return "v6 and later: each backup copy job's enabled state, last and next run, last successful run, last status and descriptive facts."
}

func (copyJobsScraper) Descs() []*prometheus.Desc {
	return []*prometheus.Desc{copyJobEnabledDesc, copyJobLastRunDesc, copyJobNextRunDesc, copyJobLastBackupDesc,
		copyJobLastStatusDesc, copyJobInfoDesc}
}

func (copyJobsScraper) Scrape(ctx context.Context, t *Target) ([]prometheus.Metric, error) {
	copies, err := t.Client.CopyJobs(ctx)
	if err != nil {
		return nil, err
	}
	orgOf := map[string]string{}
	for _, j := range t.ServerJobs {
		orgOf[vboapi.NormalizeID(j.ID)] = j.OrganizationID
	}
	var out metricList
	for _, c := range copies {
		labels := []string{t.Server, c.ID, c.Name}
		out.flag(copyJobEnabledDesc, c.Enabled, labels...)
		out.timestamp(copyJobLastRunDesc, c.LastRun, labels...)
		out.timestamp(copyJobNextRunDesc, c.NextRun, labels...)
		out.timestamp(copyJobLastBackupDesc, c.LastBackup, labels...)
		out.oneHot(copyJobLastStatusDesc, knownStatuses, c.LastStatus, labels...)
		org := c.OrganizationID
		if org == "" {
			org = orgOf[vboapi.NormalizeID(c.BackupJobID)]
		}
		out.gauge(copyJobInfoDesc, 1, with(labels, c.BackupJobID, c.RepositoryID, org, c.ScheduleType)...)
	}
	return out, nil
}
