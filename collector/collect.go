package collector

import (
	"context"
	"math"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// scrape is the collector for one scrape: it polls under the scrape's
// context and turns the results into const metrics, so that a job or server
// that disappears leaves no stale series behind.
type scrape struct {
	e   *Exporter
	ctx context.Context
}

// Collector returns a prometheus.Collector that polls every server under ctx
// when it is collected. Register it on a registry made for this scrape.
func (e *Exporter) Collector(ctx context.Context) prometheus.Collector {
	return &scrape{e: e, ctx: ctx}
}

// Describe implements prometheus.Collector.
func (s *scrape) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range allDescs {
		ch <- d
	}
	for _, sc := range scrapers {
		for _, d := range sc.new(Collectors{}).Descs() {
			ch <- d
		}
	}
}

// Collect implements prometheus.Collector.
func (s *scrape) Collect(ch chan<- prometheus.Metric) {
	for _, r := range s.e.Poll(s.ctx) {
		emitServer(ch, r)
	}
}

func gauge(ch chan<- prometheus.Metric, d *prometheus.Desc, v float64, labels ...string) {
	ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func emitServer(ch chan<- prometheus.Metric, r *ServerResult) {
	gauge(ch, upDesc, boolValue(r.Up), r.Server)
	gauge(ch, scrapeDurationDesc, r.Duration.Seconds(), r.Server)
	if r.APIVersion != "" {
		gauge(ch, serverInfoDesc, 1, r.Server, string(r.APIVersion), r.Service.Version, r.Service.InstallationID)
	}
	gauge(ch, lastPollDesc, float64(r.Start.UnixNano())/1e9, r.Server)
	if r.Up {
		gauge(ch, unidentifiedJobsDesc, float64(r.UnidentifiedJobs), r.Server)
	}
	facts, figures := r.collector(jobsCollector) != nil, r.collector(protectionCollector) != nil
	for _, j := range r.Jobs {
		emitJob(ch, r.Server, r.APIVersion.Modern(), j, facts, figures)
	}
	for _, c := range r.Collectors {
		if c.Skipped {
			continue
		}
		gauge(ch, collectorSuccessDesc, boolValue(c.Err == nil), r.Server, c.Name)
		gauge(ch, collectorDurationDesc, c.Duration.Seconds(), r.Server, c.Name)
		for _, m := range c.Metrics {
			ch <- m
		}
	}
}

// emitJob exports one job: its facts from the job list, its figures from
// the protection collector; modern (v6 and later) adds what only a scope
// has.
func emitJob(ch chan<- prometheus.Metric, server string, modern bool, j *JobResult, facts, figures bool) {
	labels := []string{server, j.ID, j.Name}
	if figures {
		gauge(ch, jobSuccessDesc, boolValue(j.Success), labels...)
	}
	if j.Job != nil {
		if facts {
			emitJobFacts(ch, labels, j)
		}
		if figures {
			// Also on failure: a job that ran into the deadline shows it here.
			gauge(ch, jobDurationDesc, j.Duration.Seconds(), labels...)
		}
	}
	if figures && modern {
		emitWorkloads(ch, labels, j)
	}
	if !figures || !j.Success {
		return
	}
	c := j.Counts
	gauge(ch, jobMailboxesDesc, float64(c.Mailboxes), labels...)
	gauge(ch, jobBackedUpDesc, float64(c.BackedUp), labels...)
	ratio := math.NaN()
	if c.Mailboxes > 0 {
		ratio = float64(c.BackedUp) / float64(c.Mailboxes)
	}
	gauge(ch, jobRatioDesc, ratio, labels...)
	gauge(ch, jobFiguresTimeDesc, float64(j.FiguresAt.UnixNano())/1e9, labels...)
	if modern {
		gauge(ch, jobUnresolvedDesc, float64(j.Unresolved), labels...)
		if !j.OldestBackup.IsZero() {
			gauge(ch, jobOldestBackupDesc, float64(j.OldestBackup.UnixNano())/1e9, labels...)
		}
	}
	for _, m := range c.Unprotected {
		gauge(ch, mailboxNotBackedUpDesc, 1, append(labels, m.ID, m.Email, m.Name)...)
	}
}

// emitJobFacts exports what the job list says, which is known even when the
// job's mailboxes could not be read.
func emitJobFacts(ch chan<- prometheus.Metric, labels []string, j *JobResult) {
	job := j.Job
	if job.Enabled != nil {
		gauge(ch, jobEnabledDesc, boolValue(*job.Enabled), labels...)
	}
	if !job.LastRun.IsZero() {
		gauge(ch, jobLastRunDesc, float64(job.LastRun.UnixNano())/1e9, labels...)
	}
	if !job.NextRun.IsZero() {
		gauge(ch, jobNextRunDesc, float64(job.NextRun.UnixNano())/1e9, labels...)
	}
	if !job.LastBackup.IsZero() {
		gauge(ch, jobLastBackupDesc, float64(job.LastBackup.UnixNano())/1e9, labels...)
	}
	// A status the schema does not list passes through as the API spelled
	// it, beside the known ones at 0, as metricList.oneHot does.
	var status metricList
	status.oneHot(jobLastStatusDesc, knownStatuses, job.LastStatus, labels...)
	for _, m := range status {
		ch <- m
	}
	allMailboxes := ""
	if job.AllMailboxes != nil {
		allMailboxes = strconv.FormatBool(*job.AllMailboxes)
	}
	gauge(ch, jobInfoDesc, 1, append(labels, job.OrganizationID, allMailboxes, job.BackupType, job.RepositoryID)...)
}
