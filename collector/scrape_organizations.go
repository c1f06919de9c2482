package collector

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
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
)

// organizationsScraper reads the organizations with their backup summary:
// one list, for which the server looks up each organization's backups.
type organizationsScraper struct{}

func (organizationsScraper) Name() string { return "organizations" }

func (organizationsScraper) Help() string {
	return "v6 and later: each organization's last and first backup time, whether it is backed up, and its type."
}

func (organizationsScraper) Descs() []*prometheus.Desc {
	return []*prometheus.Desc{organizationBackedUpDesc, organizationFirstBackupDesc, organizationLastBackupDesc, organizationInfoDesc}
}

func (organizationsScraper) Scrape(ctx context.Context, t *Target) ([]prometheus.Metric, error) {
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
	return out, nil
}
