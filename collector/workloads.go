package collector

import (
	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/protection"
)

var (
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
		"v6 and later: 1 for each listed object of the workload (archive, onedrive, personal_site, site, team; mailboxes are vbo365_mailbox_not_backed_up) of the job that is not backed up, at most unprotected_object_series per job and workload, in address order; object_id is the user, site or team id, address the user's address, the site's URL or the team's address, lower-cased.", jobLabels, "workload", "object_id", "address", "name")
)

// workloads adds the job's figures per workload; a job without figures
// has every workload's success at 0.
func (l *metricList) workloads(labels []string, j *poll.JobResult) {
	for w := range protection.Workload(protection.NumWorkloads) {
		if !j.WorkloadsOn.Has(w) {
			continue
		}
		f := j.Figures.Workloads[w]
		wl := with(labels, w.String())
		ok := j.Success && f.Err == nil
		l.gauge(workloadSuccessDesc, boolValue(ok), wl...)
		if !ok {
			continue
		}
		l.gauge(objectsDesc, float64(f.InScope), wl...)
		l.gauge(objectsBackedUpDesc, float64(f.BackedUp), wl...)
		l.gauge(objectsUnresolvedDesc, float64(f.Unresolved), wl...)
		l.gauge(objectsFiguresTimeDesc, unixSeconds(j.WorkloadsAt[w]), wl...)
		l.timestamp(objectsOldestBackupDesc, f.OldestBackup, wl...)
		if w == protection.WorkloadMailbox {
			continue // listed by vbo365_mailbox_not_backed_up
		}
		for _, o := range f.NotBackedUp {
			l.gauge(objectNotBackedUpDesc, 1, with(wl, o.ID, o.Address, o.Name)...)
		}
	}
}
