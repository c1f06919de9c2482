package vboapi

import (
	"context"
	"net/url"
)

// Organization is a Microsoft 365 organization added to the server.
type Organization struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Organizations lists the organizations (v6 and later).
func (c *Client) Organizations(ctx context.Context) ([]Organization, error) {
	v := c.currentVersion()
	var q url.Values
	if v == V6 {
		// Required on v6; false spares the server a round trip to each
		// organization's backup state, which is not used here.
		q = url.Values{"extendedView": {"false"}}
	}
	var orgs []Organization
	err := readList(ctx, c, list{endpoint: vpath(v, "/Organizations"), path: vpath(v, "/Organizations"), query: q, paged: v.Paged()},
		10000, func(o *Organization) error {
			orgs = append(orgs, *o)
			return nil
		})
	return orgs, err
}

// OrganizationJobs lists the jobs of one organization (v6 and v7 only: v8
// has organizationId on every job instead).
func (c *Client) OrganizationJobs(ctx context.Context, orgID string) ([]Job, error) {
	v := c.currentVersion()
	return c.modernJobs(ctx, v, vpath(v, "/Organizations/{id}/Jobs"), vpath(v, "/Organizations/"+url.PathEscape(orgID)+"/Jobs"), 0)
}
