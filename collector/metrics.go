package collector

import "github.com/prometheus/client_golang/prometheus"

const namespace = "vbo365"

var (
	serverLabels = []string{"server"}
	jobLabels    = []string{"server", "job_id", "job_name"}
)

func newDesc(name, help string, labels []string, extra ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, append(append([]string(nil), labels...), extra...), nil)
}

var (
	upDesc = newDesc("up",
		"1 if the exporter logged in to the VBO365 server and read its job list in the last poll, else 0.", serverLabels)
	scrapeDurationDesc = newDesc("scrape_duration_seconds",
		"Time the last poll of the VBO365 server took, all jobs included.", serverLabels)
	lastPollDesc = newDesc("last_poll_timestamp_seconds",
		"Unix time at which the poll these metrics come from started. With min_interval set, scrapes within that interval reuse an earlier poll, so this can lag the scrape time.", serverLabels)

	jobSuccessDesc = newDesc("job_scrape_success",
		"1 if every page of the job's selected mailboxes was read, else 0; on 0 the job's mailbox counts are left out rather than partial.", jobLabels)
	jobDurationDesc = newDesc("job_scrape_duration_seconds",
		"Time taken to read every page of the job's selected mailboxes.", jobLabels)
	jobMailboxesDesc = newDesc("job_mailboxes",
		"Mailboxes selected by the job (every page, each mailbox counted once).", jobLabels)
	jobBackedUpDesc = newDesc("job_mailboxes_backed_up",
		"Mailboxes selected by the job whose isBackedUp is true. Missing or unrecognised values count as not backed up.", jobLabels)
	jobRatioDesc = newDesc("job_backed_up_ratio",
		"vbo365_job_mailboxes_backed_up / vbo365_job_mailboxes; NaN when the job selects no mailboxes.", jobLabels)
	jobEnabledDesc = newDesc("job_enabled",
		"1 if the job is enabled, 0 if disabled (isEnabled).", jobLabels)
	jobLastRunDesc = newDesc("job_last_run_timestamp_seconds",
		"Unix time of the job's last run (lastRun); absent when it never ran.", jobLabels)
	jobNextRunDesc = newDesc("job_next_run_timestamp_seconds",
		"Unix time of the job's next scheduled run (nextRun); absent when none is scheduled.", jobLabels)
	jobLastStatusDesc = newDesc("job_last_status",
		"1 for the job's last status (lastStatus), 0 for the other known statuses.", jobLabels, "status")
	jobInfoDesc = newDesc("job_info",
		"Descriptive facts about the job, as labels; the value is always 1.", jobLabels, "organization_id", "all_mailboxes")
	mailboxNotBackedUpDesc = newDesc("mailbox_not_backed_up",
		"1 for each listed mailbox of the job that is not backed up; at most unprotected_mailbox_series per job, first in API order.", jobLabels, "mailbox_id", "email", "name")
)

// knownStatuses are the job statuses the API documents; each gets a series so
// that an alert on a status that is 0 now still has data.
var knownStatuses = []string{"Success", "Warning", "Failed", "Running", "Stopped", "NotConfigured", "Disconnected", "Queued"}

var allDescs = []*prometheus.Desc{
	upDesc, scrapeDurationDesc, lastPollDesc,
	jobSuccessDesc, jobDurationDesc, jobMailboxesDesc, jobBackedUpDesc, jobRatioDesc,
	jobEnabledDesc, jobLastRunDesc, jobNextRunDesc, jobLastStatusDesc, jobInfoDesc, mailboxNotBackedUpDesc,
}
