package collector

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-kit/log/level"

	"github.com/vbo365-exporter/vbo365_exporter/protection"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// readServiceInstance reads the product version of a server of REST API
// v6 or later; it returns false, the server down, when the server no
// longer serves the version in use.
func (p *poller) readServiceInstance(ctx context.Context, res *ServerResult) bool {
	si, err := p.client.ServiceInstance(ctx)
	if err != nil {
		if errors.Is(err, vboapi.ErrLoginFailed) {
			// Going on would only make a second login in this poll, which a
			// server that limits logins counts against the next one.
			p.serverDown(res, "cannot log in", err)
			return false
		}
		if vboapi.StatusCode(err) == http.StatusNotFound {
			p.client.ForgetVersion()
			p.serverDown(res, "cannot read the service instance", err)
			return false
		}
		// Only vbo365_server_info depends on it.
		level.Warn(p.logger).Log("msg", "cannot read the product version", "err", err)
	}
	res.Service = si
	return true
}

// protect computes the protection of every selected job; jobs is the
// server's whole job list.
func (p *poller) protect(ctx context.Context, res *ServerResult, jobs []vboapi.Job) {
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
	if res.APIVersion.Modern() {
		on = workloadSet(p.cfg.Workloads)
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
func (p *poller) protection(ctx context.Context, v vboapi.Version, all []vboapi.Job, want []*vboapi.Job) ([]*figures, []error) {
	if p.refresh != nil && v.Modern() {
		return p.refresh.get(ctx, v, all, want)
	}
	start := time.Now()
	return figuresOf(p.computeProtection(ctx, v, all, want), start)
}

func (p *poller) computeProtection(ctx context.Context, v vboapi.Version, all []vboapi.Job, want []*vboapi.Job) []protection.Result {
	// The mailbox figures are always computed, and listed as mailboxes.
	others := workloadSet(p.cfg.Workloads) &^ protection.WorkloadsOf(protection.WorkloadMailbox)
	keep := p.cfg.UnprotectedMailboxSeries
	if others != 0 {
		keep = max(keep, p.cfg.UnprotectedObjectSeries)
	}
	if !v.Modern() {
		keep, others = p.cfg.UnprotectedMailboxSeries, 0
	}
	return protection.Compute(ctx, p.client, all, want, protection.Options{
		Version:         v,
		Memory:          p.memory,
		PageSize:        p.cfg.PageSize,
		KeepUnprotected: keep,
		Workloads:       others,
	})
}
