package collector

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/protection"
)

// WorkloadFigures are one workload's figures of a job, and when the
// reading behind them started: with protection_interval, a site or team
// list that fails keeps the workload's figures of an earlier refresh.
type WorkloadFigures struct {
	protection.WorkloadResult
	At time.Time
}

// workloadSet is the set of the configured workload names; config.Load has
// checked them.
func workloadSet(names []string) protection.WorkloadSet {
	var s protection.WorkloadSet
	for w := range protection.Workload(protection.NumWorkloads) {
		if slices.Contains(names, w.String()) {
			s = s.With(w)
		}
	}
	return s
}

// setWorkloads fills j's workload figures from f, the mailbox's from the
// mailbox figures, which are always computed; each lists at most keep
// objects not backed up.
func (j *JobResult) setWorkloads(on protection.WorkloadSet, f *figures, keep int) {
	j.WorkloadsOn = on
	for w := range protection.Workload(protection.NumWorkloads) {
		if !on.Has(w) {
			continue
		}
		if w == protection.WorkloadMailbox {
			j.Workloads[w] = WorkloadFigures{At: f.at, WorkloadResult: protection.WorkloadResult{
				InScope: f.Mailboxes, BackedUp: f.BackedUp, Unresolved: f.Unresolved,
				OldestBackup: f.OldestBackup, Unprotected: f.Unprotected}}
			continue
		}
		wf := WorkloadFigures{WorkloadResult: f.Workloads[w], At: f.workloadAt(w)}
		wf.Unprotected = wf.Unprotected[:min(len(wf.Unprotected), keep)]
		j.Workloads[w] = wf
	}
}

// logWorkloads says which workloads of the job have no figures, and which
// count objects they could not identify as not backed up.
func logWorkloads(l log.Logger, j *JobResult) {
	var unresolved []string
	for w := range protection.Workload(protection.NumWorkloads) {
		if !j.WorkloadsOn.Has(w) || w == protection.WorkloadMailbox {
			continue
		}
		switch f := j.Workloads[w]; {
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

// emitWorkloads exports the job's figures per workload; a job without
// figures has every workload's success at 0.
func emitWorkloads(ch chan<- prometheus.Metric, labels []string, j *JobResult) {
	for w := range protection.Workload(protection.NumWorkloads) {
		if !j.WorkloadsOn.Has(w) {
			continue
		}
		f := j.Workloads[w]
		wl := append(slices.Clip(labels), w.String())
		ok := j.Success && f.Err == nil
		gauge(ch, workloadSuccessDesc, boolValue(ok), wl...)
		if !ok {
			continue
		}
		gauge(ch, objectsDesc, float64(f.InScope), wl...)
		gauge(ch, objectsBackedUpDesc, float64(f.BackedUp), wl...)
		gauge(ch, objectsUnresolvedDesc, float64(f.Unresolved), wl...)
		gauge(ch, objectsFiguresTimeDesc, float64(f.At.UnixNano())/1e9, wl...)
		if !f.OldestBackup.IsZero() {
			gauge(ch, objectsOldestBackupDesc, float64(f.OldestBackup.UnixNano())/1e9, wl...)
		}
		if w == protection.WorkloadMailbox {
			continue // listed by vbo365_mailbox_not_backed_up
		}
		for _, o := range f.Unprotected {
			gauge(ch, objectNotBackedUpDesc, 1, append(wl, o.ID, o.Address, o.Name)...)
		}
	}
}
