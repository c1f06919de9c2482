package collector

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

var (
	organizationBackedUpDesc = newDesc("organization_backed_up",
		"v6 and later: 1 if the organization has a backup (isBackedup), else 0.", organizationLabels)
	organizationFirstBackupDesc = newDesc("organization_first_backup_timestamp_seconds",
		"v6 and later: Unix time of the organization's first backup (firstBackuptime); absent when it has none.", organizationLabels)
	organizationLastBackupDesc = newDesc("organization_last_backup_timestamp_seconds",
		"v6 and later: Unix time of the organization's last backup (lastBackuptime); absent when it has none.", organizationLabels)
	organizationInfoDesc = newDesc("organization_info",
		"v6 and later: descriptive facts about the organization, as labels: its Microsoft 365 name, its type (Office365, OnPremises or Hybrid) and region. The value is always 1.",
		organizationLabels, "office_name", "organization_type", "region")
	organizationSyncSuccessDesc = newDesc("organization_last_sync_success",
		"v7 and later: 1 if the organization's last finished synchronization with the server's organization cache succeeded, 0 if it failed; absent when none has finished or the result is one the API does not document. "+
			"Job scopes are read from that cache: users added since the last successful synchronization are neither backed up nor counted.", organizationLabels)
	organizationSyncEndDesc = newDesc("organization_last_sync_end_timestamp_seconds",
		"v7 and later: Unix time at which the organization's last synchronization with the organization cache finished, whatever its result (v7 lastSyncTime, v8 lastSyncState.endTime); absent when none has.", organizationLabels)
	organizationSyncRunningDesc = newDesc("organization_sync_running",
		"v8: 1 while a synchronization of the organization with the organization cache is queued or running, else 0; absent on v7, whose API does not say.", organizationLabels)
)

// organizationsScraper reads the organizations with their backup summary:
// one list, for which the server looks up each organization's backups;
// and on v7 and later their synchronization state, in one request on v8
// and one per organization on v7. It remembers the failures it logged so
// that each is logged once, not in every poll.
type organizationsScraper struct {
	logged *syncLog
}

func newOrganizationsScraper(Collectors) Scraper {
	return organizationsScraper{logged: &syncLog{seen: map[string]string{}}}
}

func (organizationsScraper) Name() string { return "organizations" }

func (organizationsScraper) Help() string {
	return "v6 and later: each organization's last and first backup time, whether it is backed up, and its type; " +
		"v7 and later also its synchronization with the organization cache (one request per organization on v7, one in all on v8)."
}

func (organizationsScraper) Descs() []*prometheus.Desc {
	return []*prometheus.Desc{organizationBackedUpDesc, organizationFirstBackupDesc, organizationLastBackupDesc, organizationInfoDesc,
		organizationSyncSuccessDesc, organizationSyncEndDesc, organizationSyncRunningDesc}
}

// Scrape exports the organizations, then their sync state: a sync state
// that cannot be read fails the collector but leaves every series it did
// read, the organizations' own included.
func (s organizationsScraper) Scrape(ctx context.Context, t *Target) ([]prometheus.Metric, error) {
	orgs, err := t.Client.OrganizationsExtended(ctx)
	if err != nil {
		return nil, err
	}
	var out metricList
	for _, o := range orgs {
		labels := []string{t.Server, o.ID, o.Name}
		out.flag(organizationBackedUpDesc, o.BackedUp, labels...)
		out.timestamp(organizationFirstBackupDesc, o.FirstBackup, labels...)
		out.timestamp(organizationLastBackupDesc, o.LastBackup, labels...)
		out.gauge(organizationInfoDesc, 1, with(labels, o.OfficeName, o.Type, o.Region)...)
	}
	states, err := readSyncStates(ctx, t.Client, orgs)
	if errors.Is(err, vboapi.ErrNotInVersion) {
		return out, nil // v6: the organizations are all there is
	}
	var read []poll.OrganizationSync
	for _, o := range orgs {
		st, ok := states[vboapi.NormalizeID(o.ID)]
		if !ok {
			continue
		}
		read = append(read, poll.OrganizationSync{ID: o.ID, Name: o.Name, State: st})
		labels := []string{t.Server, o.ID, o.Name}
		if ok, known := st.Succeeded(); known {
			out.gauge(organizationSyncSuccessDesc, boolValue(ok), labels...)
		}
		out.timestamp(organizationSyncEndDesc, st.LastEnd, labels...)
		if running, known := st.Running(); known {
			out.gauge(organizationSyncRunningDesc, boolValue(running), labels...)
		}
	}
	s.logged.log(log.With(t.logger(), "collector", s.Name()), read)
	if t.res != nil {
		t.res.OrganizationSync = read
	}
	return out, err
}

// readSyncStates reads the organizations' sync states by normalized id:
// all at once on v8, one request per organization on v7, where one that
// fails leaves the others. The error says why some are missing; it wraps
// vboapi.ErrNotInVersion on v6.
func readSyncStates(ctx context.Context, c *vboapi.Client, orgs []vboapi.Organization) (map[string]vboapi.OrganizationSyncState, error) {
	out := map[string]vboapi.OrganizationSyncState{}
	all, err := c.OrganizationSyncStates(ctx)
	if err == nil {
		for _, st := range all {
			out[vboapi.NormalizeID(st.OrganizationID)] = st
		}
		return out, nil
	}
	if !errors.Is(err, vboapi.ErrNotInVersion) || len(orgs) == 0 {
		return out, fmt.Errorf("reading the organizations' sync state: %w", err)
	}
	states := make([]vboapi.OrganizationSyncState, len(orgs))
	errs := make([]error, len(orgs))
	var wg sync.WaitGroup
	for i, o := range orgs {
		wg.Go(func() { states[i], errs[i] = c.OrganizationSyncState(ctx, o.ID) })
	}
	wg.Wait()
	var failed error
	for i, o := range orgs {
		switch {
		case errors.Is(errs[i], vboapi.ErrNotInVersion):
			return nil, errs[i]
		case errs[i] != nil:
			if failed == nil {
				failed = fmt.Errorf("sync state of organization %q: %w", o.Name, errs[i])
			}
		default:
			out[vboapi.NormalizeID(o.ID)] = states[i]
		}
	}
	return out, failed
}

// syncLog is what an organizations scraper logged of each organization's
// last synchronization, by organization id: a failure, or a result the
// API does not document, is logged when first seen, and again only once
// a success came between.
type syncLog struct {
	mu   sync.Mutex
	seen map[string]string
}

func (l *syncLog) log(logger log.Logger, read []poll.OrganizationSync) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, o := range read {
		st := o.State
		key := st.LastResult + "\x00" + st.LastEnd.String() + "\x00" + st.LastError
		_, known := st.Succeeded()
		if st.LastResult == "" || st.LastResult == vboapi.SyncSuccess {
			delete(l.seen, o.ID)
			continue
		}
		if l.seen[o.ID] == key {
			continue
		}
		l.seen[o.ID] = key
		kv := []any{"organization", o.Name, "organization_id", o.ID, "finished", st.LastEnd}
		if known {
			level.Warn(logger).Log(append([]any{"msg", "the organization's last synchronization with the organization cache failed: " +
				"users added since the last successful one are neither backed up nor counted", "sync_error", st.LastError}, kv...)...)
		} else {
			level.Warn(logger).Log(append([]any{"msg", "the organization's last synchronization has a result the API does not document; " +
				"vbo365_organization_last_sync_success is left out", "result", st.LastResult}, kv...)...)
		}
	}
}
