package collector

import (
	"context"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

var repositoryLabels = []string{"server", "repository_id", "repository_name"}

var (
	repositoryCapacityDesc = newDesc("repository_capacity_bytes",
		"v6 and later: capacity of the repository's store on disk (capacityBytes); absent for a repository on object storage only.", repositoryLabels)
	repositoryFreeDesc = newDesc("repository_free_bytes",
		"v6 and later: free space of the repository's store on disk (freeSpaceBytes); absent for a repository on object storage only.", repositoryLabels)
	repositoryUsedDesc = newDesc("repository_used_bytes",
		"v6 and later: space the repository uses: capacity less free space on disk, else its object storage's used space; absent when neither is known.", repositoryLabels)
	repositoryOutOfSyncDesc = newDesc("repository_out_of_sync",
		"v6 and later: 1 if the repository's proxy must resynchronise with its object storage (isOutOfSync), else 0.", repositoryLabels)
	repositoryOutOfOrderDesc = newDesc("repository_out_of_order",
		"v8: 1 if the repository is in the Invalid state (isOutOfOrder), else 0.", repositoryLabels)
	repositoryOutdatedDesc = newDesc("repository_outdated",
		"v8: 1 if the repository must be upgraded (isOutdated), else 0.", repositoryLabels)
	repositoryStorageUsedDesc = newDesc("repository_object_storage_used_bytes",
		"v6 and later: space the repository uses in the object storage it extends to (usedSpaceBytes).", repositoryLabels)
	repositoryStorageFreeDesc = newDesc("repository_object_storage_free_bytes",
		"v6 and later: space left under the object storage's size limit (freeSpaceBytes); absent without a limit.", repositoryLabels)
	repositoryStorageLimitDesc = newDesc("repository_object_storage_limit_bytes",
		"v6 and later: size limit of the object storage (sizeLimitGB, in GiB, as bytes); absent without a limit.", repositoryLabels)
	repositoryImmutableDesc = newDesc("repository_immutability_enabled",
		"v7 and later: 1 if the object storage keeps backups immutable (enableImmutability), else 0.", repositoryLabels)
	repositoryImmutablePeriodDesc = newDesc("repository_immutability_period_seconds",
		"v8: how long the object storage keeps backups immutable (immutabilityPeriodDays, as seconds).", repositoryLabels)
	repositoryInfoDesc = newDesc("repository_info",
		"v6 and later: descriptive facts about the repository, as labels; object_storage_id and object_storage_type are empty for a repository on disk only, long_term (an archive tier repository) when the server does not say. The value is always 1.",
		repositoryLabels, "proxy_id", "object_storage_id", "object_storage_type", "long_term")
)

// repositoriesScraper reads the backup repositories: one list (two on v6
// and v7 when some repository extends to object storage).
type repositoriesScraper struct{}

func (repositoriesScraper) Name() string { return "repositories" }

func (repositoriesScraper) Help() string {
	return "v6 and later: each backup repository's capacity, free and used space, sync and health flags, and its object storage's use and immutability."
}

func (repositoriesScraper) Descs() []*prometheus.Desc {
	return []*prometheus.Desc{repositoryCapacityDesc, repositoryFreeDesc, repositoryUsedDesc, repositoryOutOfSyncDesc,
		repositoryOutOfOrderDesc, repositoryOutdatedDesc, repositoryStorageUsedDesc, repositoryStorageFreeDesc,
		repositoryStorageLimitDesc, repositoryImmutableDesc, repositoryImmutablePeriodDesc, repositoryInfoDesc}
}

func (repositoriesScraper) Scrape(ctx context.Context, t *Target) ([]prometheus.Metric, error) {
	repos, err := t.Client.Repositories(ctx)
	if err != nil {
		return nil, err
	}
	var out metricList
	for _, r := range repos {
		labels := []string{t.Server, r.ID, r.Name}
		out.number(repositoryCapacityDesc, r.CapacityBytes, labels...)
		out.number(repositoryFreeDesc, r.FreeSpaceBytes, labels...)
		if used, ok := r.UsedBytes(); ok {
			out.gauge(repositoryUsedDesc, float64(used), labels...)
		}
		out.flag(repositoryOutOfSyncDesc, r.OutOfSync, labels...)
		out.flag(repositoryOutOfOrderDesc, r.OutOfOrder, labels...)
		out.flag(repositoryOutdatedDesc, r.Outdated, labels...)
		storageType := ""
		if s := r.ObjectStorage; s != nil {
			storageType = s.Type
			out.number(repositoryStorageUsedDesc, s.UsedSpaceBytes, labels...)
			out.number(repositoryStorageFreeDesc, s.FreeSpaceBytes, labels...)
			if s.SizeLimitEnabled != nil && *s.SizeLimitEnabled && s.SizeLimitGB != nil {
				out.gauge(repositoryStorageLimitDesc, float64(*s.SizeLimitGB<<30), labels...)
			}
			out.flag(repositoryImmutableDesc, s.ImmutabilityEnabled, labels...)
			if s.ImmutabilityPeriodDays != nil {
				out.gauge(repositoryImmutablePeriodDesc, float64(*s.ImmutabilityPeriodDays*86400), labels...)
			}
		}
		longTerm := ""
		if r.LongTerm != nil {
			longTerm = strconv.FormatBool(*r.LongTerm)
		}
		out.gauge(repositoryInfoDesc, 1, with(labels, r.ProxyID, r.ObjectStorageID, storageType, longTerm)...)
	}
	if t.res != nil {
		t.res.Repositories = repos
	}
	return out, nil
}
