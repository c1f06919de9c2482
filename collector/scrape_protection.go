package collector

import (
	"context"
	"errors"
	"math"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

var (
	jobSuccessDesc = newDesc("job_scrape_success",
		"1 if the job's counts come from a complete reading of every list they depend on (v1: every page of its selected mailboxes; v6 and later: its items, the users and group members they name, its repository's user data), else 0; on 0 the counts are left out rather than partial. With protection_interval the reading may be an earlier one: see vbo365_job_figures_timestamp_seconds.", jobLabels)
	jobDurationDesc = newDesc("job_scrape_duration_seconds",
		"Time taken to read what the job's counts depend on (v6 and later: the whole protection refresh, which jobs share).", jobLabels)
	jobMailboxesDesc = newDesc("job_mailboxes",
		"Mailboxes the job should protect, each counted once (v1: its selected mailboxes; v6 and later: its scope, from its items, docs/protection-v6-v8.md).", jobLabels)
	jobBackedUpDesc = newDesc("job_mailboxes_backed_up",
		"Mailboxes of the job that are backed up (v1: isBackedUp true; v6 and later: isMailboxBackedUp true in the job's repository). Missing or unrecognised values count as not backed up.", jobLabels)
	jobRatioDesc = newDesc("job_backed_up_ratio",
		"vbo365_job_mailboxes_backed_up / vbo365_job_mailboxes; NaN when the job selects no mailboxes.", jobLabels)
	jobFiguresTimeDesc = newDesc("job_figures_timestamp_seconds",
		"Unix time at which the reading behind the job's counts started: this poll's, or with protection_interval (v6 and later) that of the last complete background refresh, whose figures are kept when a later refresh fails.", jobLabels)
	jobUnresolvedDesc = newDesc("job_scope_unresolved",
		"v6 and later: group members of the job's scope that match no user of the organization, and nested groups that could not be found; such members count as not backed up.", jobLabels)
	jobOldestBackupDesc = newDesc("job_oldest_backup_timestamp_seconds",
		"v6 and later: Unix time of the oldest backup (mailboxBackedUpTime) among the job's backed-up mailboxes; absent when none is backed up or one has no time.", jobLabels)
	mailboxNotBackedUpDesc = newDesc("mailbox_not_backed_up",
		"1 for each listed mailbox of the job that is not backed up; at most unprotected_mailbox_series per job, the first in API order on v1 and in address order on v6 and later (where mailbox_id is the user id, empty for a group member that matches no user, and email is lower-cased).", jobLabels, "mailbox_id", "email", "name")
)

// protectionScraper reports each job's protection. The poller computes the
// figures, since with protection_interval its background refresh computes
// them between polls; the scraper has it do so, then turns them into series.
type protectionScraper struct{}

func (protectionScraper) Name() string { return protectionCollector }

func (protectionScraper) Help() string {
	return "Each job's mailbox protection: mailboxes in scope, backed up, their ratio and the mailboxes " +
		"not backed up (v1: selected mailboxes; v6 and later: job items, users, groups and repository data). Off: job facts only."
}

func (protectionScraper) Descs() []*prometheus.Desc {
	return []*prometheus.Desc{jobSuccessDesc, jobDurationDesc, jobMailboxesDesc, jobBackedUpDesc, jobRatioDesc,
		jobUnresolvedDesc, jobOldestBackupDesc, jobFiguresTimeDesc, mailboxNotBackedUpDesc,
		workloadSuccessDesc, objectsDesc, objectsBackedUpDesc, objectsUnresolvedDesc, objectsOldestBackupDesc,
		objectsFiguresTimeDesc, objectNotBackedUpDesc}
}

// Scrape succeeds when every job has figures; the others still export
// their success at 0.
func (protectionScraper) Scrape(ctx context.Context, t *Target) ([]prometheus.Metric, error) {
	if t.protect != nil {
		t.protect(ctx)
	}
	err := jobsWithoutFigures(t.res.Jobs)
	if errors.Is(err, vboapi.ErrNotInVersion) {
		// A job that failed on a call the version lacks (one changed
		// mid-poll) is a failure: it must not skip the whole collector.
		err = errors.New(err.Error())
	}
	return jobFigures(t.res), err
}

// jobFigures makes the protection series of res's jobs, from the job
// results the poll computed; on v6 and later they add what only a scope
// has, and the workloads.
func jobFigures(res *poll.ServerResult) []prometheus.Metric {
	var out metricList
	v6Plus := res.APIVersion.V6Plus()
	for _, j := range res.Jobs {
		labels := []string{res.Server, j.ID, j.Name}
		out.gauge(jobSuccessDesc, boolValue(j.Success), labels...)
		if j.Job != nil {
			// Also on failure: a job that ran into the deadline shows it here.
			out.gauge(jobDurationDesc, j.Duration.Seconds(), labels...)
		}
		if v6Plus {
			out.workloads(labels, j)
		}
		if j.Success {
			out.figures(j, v6Plus, labels...)
		}
	}
	return out
}

// figures adds the counts of a job that has them.
func (l *metricList) figures(j *poll.JobResult, v6Plus bool, labels ...string) {
	c := &j.Figures
	l.gauge(jobMailboxesDesc, float64(c.Mailboxes), labels...)
	l.gauge(jobBackedUpDesc, float64(c.BackedUp), labels...)
	ratio := math.NaN()
	if c.Mailboxes > 0 {
		ratio = float64(c.BackedUp) / float64(c.Mailboxes)
	}
	l.gauge(jobRatioDesc, ratio, labels...)
	l.gauge(jobFiguresTimeDesc, unixSeconds(j.FiguresAt), labels...)
	if v6Plus {
		l.gauge(jobUnresolvedDesc, float64(c.Unresolved), labels...)
		l.timestamp(jobOldestBackupDesc, c.OldestBackup, labels...)
	}
	for _, m := range c.NotBackedUp {
		l.gauge(mailboxNotBackedUpDesc, 1, with(labels, m.ID, m.Address, m.Name)...)
	}
}
