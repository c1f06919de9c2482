package collector

import (
	"context"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

var (
	jobEnabledDesc = newDesc("job_enabled",
		"1 if the job is enabled, 0 if disabled (isEnabled).", jobLabels)
	jobLastRunDesc = newDesc("job_last_run_timestamp_seconds",
		"Unix time of the job's last run (lastRun); absent when it never ran.", jobLabels)
	jobNextRunDesc = newDesc("job_next_run_timestamp_seconds",
		"Unix time of the job's next scheduled run (nextRun); absent when none is scheduled.", jobLabels)
	jobLastBackupDesc = newDesc("job_last_backup_timestamp_seconds",
		"v7 and later: Unix time of the job's last successful run (lastBackup); absent when unknown.", jobLabels)
	jobLastStatusDesc = newDesc("job_last_status",
		"1 for the job's last status (lastStatus), 0 for the other known statuses.", jobLabels, "status")
	jobInfoDesc = newDesc("job_info",
		"Descriptive facts about the job, as labels; the value is always 1. backup_type (EntireOrganization or SelectedItems) and repository_id are empty on v1, all_mailboxes on v6 and later.", jobLabels, "organization_id", "all_mailboxes", "backup_type", "repository_id")
)

// knownStatuses are the job statuses the API documents; each gets a series so
// that an alert on a status that is 0 now still has data.
var knownStatuses = []string{"Success", "Warning", "Failed", "Running", "Stopped", "NotConfigured", "Disconnected", "Queued"}

// jobsScraper reports what the job list says of each job. The poll reads
// the list before any scraper runs, collector on or off, since vbo365_up
// and every per-job label depend on it.
type jobsScraper struct{}

func (jobsScraper) Name() string { return jobsCollector }

func (jobsScraper) Help() string {
	return "The job list: each job's enabled state, last and next run, last status and descriptive facts. " +
		"The list itself is read in every poll, since vbo365_up depends on it; turning this off also turns protection off, " +
		"whose figures are per job."
}

func (jobsScraper) Descs() []*prometheus.Desc {
	return []*prometheus.Desc{jobEnabledDesc, jobLastRunDesc, jobNextRunDesc, jobLastBackupDesc, jobLastStatusDesc, jobInfoDesc}
}

// Scrape reads nothing: the facts are known even when a job's mailboxes
// could not be read.
func (jobsScraper) Scrape(_ context.Context, t *Target) ([]prometheus.Metric, error) {
	var out metricList
	for _, j := range t.res.Jobs {
		if j.Job != nil {
			out.jobFacts(j.Job, t.Server, j.ID, j.Name)
		}
	}
	return out, nil
}

func (l *metricList) jobFacts(job *vboapi.Job, labels ...string) {
	l.flag(jobEnabledDesc, job.Enabled, labels...)
	l.timestamp(jobLastRunDesc, job.LastRun, labels...)
	l.timestamp(jobNextRunDesc, job.NextRun, labels...)
	l.timestamp(jobLastBackupDesc, job.LastBackup, labels...)
	// A status the schema does not list passes through as the API spelled
	// it, beside the known ones at 0.
	l.oneHot(jobLastStatusDesc, knownStatuses, job.LastStatus, labels...)
	allMailboxes := ""
	if job.AllMailboxes != nil {
		allMailboxes = strconv.FormatBool(*job.AllMailboxes)
	}
	l.gauge(jobInfoDesc, 1, with(labels, job.OrganizationID, allMailboxes, job.BackupType, job.RepositoryID)...)
}
