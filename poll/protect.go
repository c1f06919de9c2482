package poll

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"

	"github.com/vbo365-exporter/vbo365_exporter/protection"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// protect computes the figures of every selected job into res.Jobs; jobs
// is the server's whole job list. A panic fails the jobs still without
// figures, which keep their series.
func (p *Poller) protect(ctx context.Context, res *ServerResult, jobs []vboapi.Job) {
	defer func() {
		if v := recover(); v != nil {
			err := fmt.Errorf("internal error: %v", v)
			for _, j := range res.Jobs {
				if !j.Success && j.Err == nil {
					j.Err = err
				}
			}
		}
	}()
	var want []*vboapi.Job
	var results []*JobResult
	for _, j := range res.Jobs {
		if j.Job == nil {
			logJob(p.logger, j)
			continue
		}
		want = append(want, j.Job)
		results = append(results, j)
	}
	found, errs := p.protection(ctx, res.APIVersion, jobs, want)
	var on protection.WorkloadSet
	if res.APIVersion.V6Plus() {
		on = protection.WorkloadsNamed(p.cfg.Workloads)
	}
	for k, j := range results {
		f := found[k]
		j.Success, j.Err, j.WorkloadsOn = f != nil, errs[k], on
		if f != nil {
			j.setFigures(f, p.cfg.UnprotectedMailboxSeries, p.cfg.UnprotectedObjectSeries)
		}
		logJob(p.logger, j)
	}
}

// protection gives each job's figures: computed now, or on v6 and later
// with protection_interval the last complete ones of the background
// refresh.
func (p *Poller) protection(ctx context.Context, v vboapi.Version, all []vboapi.Job, want []*vboapi.Job) ([]*figures, []error) {
	if p.refresh != nil && v.V6Plus() {
		return p.refresh.get(ctx, v, all, want)
	}
	start := time.Now()
	return figuresOf(p.computeProtection(ctx, v, all, want), start)
}

func (p *Poller) computeProtection(ctx context.Context, v vboapi.Version, all []vboapi.Job, want []*vboapi.Job) []protection.Result {
	// The mailbox figures are always computed, and listed as mailboxes.
	others := protection.WorkloadsNamed(p.cfg.Workloads) &^ protection.WorkloadsOf(protection.WorkloadMailbox)
	keep := p.cfg.UnprotectedMailboxSeries
	if others != 0 {
		keep = max(keep, p.cfg.UnprotectedObjectSeries)
	}
	if !v.V6Plus() {
		keep, others = p.cfg.UnprotectedMailboxSeries, 0
	}
	return protection.Compute(ctx, p.client, all, want, protection.Options{
		Version:         v,
		Memory:          p.memory,
		PageSize:        p.cfg.PageSize,
		KeepNotBackedUp: keep,
		Workloads:       others,
	})
}

// logJob writes the one log line a job's poll is worth, if any.
func logJob(logger log.Logger, j *JobResult) {
	l := log.With(logger, "job_id", j.ID, "job_name", j.Name)
	if j.Err != nil {
		level.Error(l).Log("msg", "job not scraped; its counts are left out", "err", j.Err)
		return
	}
	c := &j.Figures
	if c.Unrecognized > 0 {
		level.Warn(l).Log("msg", "isBackedUp values that are neither true nor false were counted as not backed up",
			"mailboxes", c.Unrecognized, "example", c.UnrecognizedExample)
	}
	if c.Duplicates > 0 {
		level.Info(l).Log("msg", "the API served some mailboxes more than once; each was counted once", "duplicates", c.Duplicates)
	}
	if c.NullFlagItems > 0 {
		level.Warn(l).Log("msg", "job items with a flag sent as null were read as false: a selection that adds nothing, an exclusion that removes nothing",
			"items", c.NullFlagItems)
	}
	if c.Unresolved > 0 {
		level.Warn(l).Log("msg", "group members that match no user of the organization, or nested groups not found, were counted as not backed up",
			"unresolved", c.Unresolved)
	}
	logWorkloads(l, j)
}

// logWorkloads says which workloads of the job have no figures, and which
// count objects they could not identify as not backed up.
func logWorkloads(l log.Logger, j *JobResult) {
	var unresolved []string
	for w := range protection.Workload(protection.NumWorkloads) {
		if !j.WorkloadsOn.Has(w) || w == protection.WorkloadMailbox {
			continue
		}
		switch f := j.Figures.Workloads[w]; {
		case f.Err != nil:
			level.Warn(l).Log("msg", "workload not scraped; its figures are left out", "workload", w, "err", f.Err)
		case f.Unresolved > 0:
			unresolved = append(unresolved, w.String()+"="+strconv.Itoa(f.Unresolved))
		}
	}
	if len(unresolved) > 0 {
		level.Warn(l).Log("msg", "objects of other workloads that could not be identified were counted as not backed up",
			"unresolved", strings.Join(unresolved, ","))
	}
}
