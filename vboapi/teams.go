package vboapi

import (
	"context"
	"net/url"
)

// Team is a team of an organization (RESTTeam), or the team of a job's
// Team item.
type Team struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Mail        string `json:"mail"` // the team's address
}

// OrganizationTeams calls each for every team of the organization, reading
// pageSize teams at a time through one setId.
func (c *Client) OrganizationTeams(ctx context.Context, orgID string, pageSize int, each func(*Team) error) error {
	v := c.currentVersion()
	return readList(ctx, c, list{
		endpoint: vpath(v, "/Organizations/{id}/Teams"),
		path:     vpath(v, "/Organizations/"+url.PathEscape(orgID)+"/Teams"),
		query:    dataSource(v),
		paged:    true,
		setID:    true,
		itemKey:  func(t any) string { return t.(*Team).ID },
	}, pageSize, each)
}
