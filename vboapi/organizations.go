package vboapi

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// Organization is a Microsoft 365 organization added to the server. The
// backup summary (BackedUp, FirstBackup, LastBackup) comes with the
// extended view only (OrganizationsExtended); elsewhere it is nil and zero.
type Organization struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	OfficeName string // the Microsoft 365 online name
	Type       string // Office365, OnPremises or Hybrid
	Region     string // Worldwide, Germany, China, USDefence or USGovernment
	BackedUp   *bool
	// FirstBackup and LastBackup are zero when the organization has no
	// backup or the view did not include them.
	FirstBackup, LastBackup time.Time
}

type wireOrganization struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	OfficeName      string  `json:"officeName"`
	Type            string  `json:"type"`
	Region          string  `json:"region"`
	IsBackedup      *bool   `json:"isBackedup"`
	FirstBackuptime *string `json:"firstBackuptime"`
	LastBackuptime  *string `json:"lastBackuptime"`
}

// Organizations lists the organizations (v6 and later).
func (c *Client) Organizations(ctx context.Context) ([]Organization, error) {
	// Required on v6; false spares the server a round trip to each
	// organization's backup state, which the job list does not need.
	return c.organizations(ctx, false)
}

// OrganizationsExtended lists the organizations with their backup summary
// (extendedView=true, v6 and later), at the cost of the server looking up
// each organization's backup state.
func (c *Client) OrganizationsExtended(ctx context.Context) ([]Organization, error) {
	if _, err := c.versionHaving("GET /Organizations", nil); err != nil {
		return nil, err
	}
	return c.organizations(ctx, true)
}

func (c *Client) organizations(ctx context.Context, extended bool) ([]Organization, error) {
	v := c.currentVersion()
	var q url.Values
	if v == V6 || extended {
		q = url.Values{"extendedView": {strconv.FormatBool(extended)}}
	}
	var orgs []Organization
	err := readList(ctx, c, list{endpoint: vpath(v, "/Organizations"), path: vpath(v, "/Organizations"), query: q, paged: v.Paged()},
		10000, func(w *wireOrganization) error {
			if w.ID == "" {
				// Its jobs, users and licences cannot be asked for:
				// it is left out, and the jobs that the job list does
				// not tie to a known organization fail their figures.
				return nil
			}
			orgs = append(orgs, Organization{
				ID: w.ID, Name: w.Name, OfficeName: w.OfficeName, Type: w.Type, Region: w.Region,
				BackedUp: w.IsBackedup, FirstBackup: parseAPITime(w.FirstBackuptime), LastBackup: parseAPITime(w.LastBackuptime),
			})
			return nil
		})
	return orgs, err
}

// OrganizationJobs lists the jobs of one organization (v6 and v7 only: v8
// has organizationId on every job instead).
func (c *Client) OrganizationJobs(ctx context.Context, orgID string) ([]Job, error) {
	v := c.currentVersion()
	return c.v6PlusJobs(ctx, v, vpath(v, "/Organizations/{id}/Jobs"), vpath(v, "/Organizations/"+url.PathEscape(orgID)+"/Jobs"), 0)
}
