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
	serverInfoDesc = newDesc("server_info",
		"The REST API version the exporter uses with the server, and the product version and installation id from /vN/ServiceInstance (empty on v1); the value is always 1.", serverLabels, "api_version", "product_version", "installation_id")
	unidentifiedJobsDesc = newDesc("jobs_unidentified",
		"Jobs the server's job list gave without an id in the last poll. They are left out of every per-job series, and their mailboxes are counted nowhere; absent when the job list could not be read.", serverLabels)
	lastPollDesc = newDesc("last_poll_timestamp_seconds",
		"Unix time at which the poll these metrics come from started. With min_interval set, scrapes within that interval reuse an earlier poll, so this can lag the scrape time.", serverLabels)

	jobSuccessDesc = newDesc("job_scrape_success",
		"1 if the job's counts come from a complete reading of every list they depend on (v1: every page of its selected mailboxes; v6 and later: its items, the users and group members they name, its repository's user data), else 0; on 0 the counts are left out rather than partial. With protection_interval the reading may be an earlier one: see vbo365_job_figures_timestamp_seconds.", jobLabels)
	jobDurationDesc = newDesc("job_scrape_duration_seconds",
		"Time taken to read what the job's counts depend on (v6 and later: the whole protection refresh, which jobs share).", jobLabels)
	jobMailboxesDesc = newDesc("job_mailboxes",
		"Mailboxes the job should protect, each counted once (v1: its selected mailboxes; v6 and later: its scope, from its items, docs/protection-v6-v8.md).", jobLabels)
	jobBackedUpDesc = newDesc("job_mailboxes_backed_up",
		"Mailboxes of the job that are backed up (v1: isBackedUp true; v6 and later: isMailboxBackedUp true in the job's repository). Missing or unrecognised values count as not backed up.", jobLabels)
	jobUnresolvedDesc = newDesc("job_scope_unresolved",
		"v6 and later: group members of the job's scope that match no user of the organization, and nested groups that could not be found; such members count as not backed up.", jobLabels)
	jobOldestBackupDesc = newDesc("job_oldest_backup_timestamp_seconds",
		"v6 and later: Unix time of the oldest backup (mailboxBackedUpTime) among the job's backed-up mailboxes; absent when none is backed up or one has no time.", jobLabels)
	jobFiguresTimeDesc = newDesc("job_figures_timestamp_seconds",
		"Unix time at which the reading behind the job's counts started: this poll's, or with protection_interval (v6 and later) that of the last complete background refresh, whose figures are kept when a later refresh fails.", jobLabels)
	jobLastBackupDesc = newDesc("job_last_backup_timestamp_seconds",
		"v7 and later: Unix time of the job's last successful run (lastBackup); absent when unknown.", jobLabels)
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
		"Descriptive facts about the job, as labels; the value is always 1. backup_type (EntireOrganization or SelectedItems) and repository_id are empty on v1, all_mailboxes on v6 and later.", jobLabels, "organization_id", "all_mailboxes", "backup_type", "repository_id")
	workloadSuccessDesc = newDesc("job_workload_scrape_success",
		"v6 and later, per workload of the server's workloads setting: 1 if the workload's figures come from a complete reading (the job's, and for sites and teams the organization's site or team list and the repository's site or team data), else 0, when the workload's figures are left out.", jobLabels, "workload")
	objectsDesc = newDesc("job_objects",
		"v6 and later: objects of the workload (mailbox, archive, onedrive, personal_site, site, team) that the job should protect, each counted once; workload=\"mailbox\" equals vbo365_job_mailboxes. A user counts for archive, onedrive and personal_site unless the API shows it cannot have one (docs/protection-v6-v8.md).", jobLabels, "workload")
	objectsBackedUpDesc = newDesc("job_objects_backed_up",
		"v6 and later: objects of the workload in the job's scope that the job's repository holds a backup of (the user data's isArchiveBackedUp, isOneDriveBackedUp, isPersonalSiteBackedUp true; an entry of its site or team data). Missing or unrecognised values count as not backed up.", jobLabels, "workload")
	objectsUnresolvedDesc = newDesc("job_objects_unresolved",
		"v6 and later: objects of the workload's scope that could not be identified (group members that match no user, nested groups that could not be followed); they count as not backed up. Always 0 for sites and teams.", jobLabels, "workload")
	objectsOldestBackupDesc = newDesc("job_objects_oldest_backup_timestamp_seconds",
		"v6 and later: Unix time of the oldest backup among the workload's backed-up objects of the job; absent when none is backed up or one has no time.", jobLabels, "workload")
	objectsFiguresTimeDesc = newDesc("job_objects_figures_timestamp_seconds",
		"v6 and later: Unix time at which the reading behind the workload's figures started; with protection_interval, a site or team list that fails keeps the workload's earlier figures, and this their time.", jobLabels, "workload")
	objectNotBackedUpDesc = newDesc("object_not_backed_up",
		"v6 and later: 1 for each listed object of the workload (archive, onedrive, personal_site, site, team; mailboxes are vbo365_mailbox_not_backed_up) of the job that is not backed up, at most unprotected_object_series per job and workload, in address order; object_id is the user, site or team id, address the user's address, the site's URL or the team's address.", jobLabels, "workload", "object_id", "address", "name")
	collectorSuccessDesc = newDesc("collector_success",
		"1 if the collector read everything it exports in the last poll, else 0 (some or all of its series are then missing). Absent for a collector that is off, or that the server's REST API version lacks (docs/collectors.md).", serverLabels, "collector")
	collectorDurationDesc = newDesc("collector_duration_seconds",
		"Time the collector took in the last poll; collectors run concurrently and share the server's request slots.", serverLabels, "collector")
	mailboxNotBackedUpDesc = newDesc("mailbox_not_backed_up",
		"1 for each listed mailbox of the job that is not backed up; at most unprotected_mailbox_series per job, the first in API order on v1 and in address order on v6 and later (where mailbox_id is the user id, empty for a group member that matches no user).", jobLabels, "mailbox_id", "email", "name")
)

// knownStatuses are the job statuses the API documents; each gets a series so
// that an alert on a status that is 0 now still has data.
var knownStatuses = []string{"Success", "Warning", "Failed", "Running", "Stopped", "NotConfigured", "Disconnected", "Queued"}

var allDescs = []*prometheus.Desc{
	upDesc, scrapeDurationDesc, serverInfoDesc, lastPollDesc, unidentifiedJobsDesc,
	jobSuccessDesc, jobDurationDesc, jobMailboxesDesc, jobBackedUpDesc, jobRatioDesc,
	jobUnresolvedDesc, jobOldestBackupDesc, jobLastBackupDesc, jobFiguresTimeDesc,
	jobEnabledDesc, jobLastRunDesc, jobNextRunDesc, jobLastStatusDesc, jobInfoDesc, mailboxNotBackedUpDesc,
	workloadSuccessDesc, objectsDesc, objectsBackedUpDesc, objectsUnresolvedDesc, objectsOldestBackupDesc, objectsFiguresTimeDesc, objectNotBackedUpDesc,
	collectorSuccessDesc, collectorDurationDesc,
}
