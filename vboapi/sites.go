package vboapi

import (
	"context"
	"net/url"
)

// Site is a SharePoint site of an organization (RESTSite), or the site of
// a job's Site item (RESTJobSite).
type Site struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	Title string `json:"title"`
}

// OrganizationSites calls each for every top-level site of the
// organization (parentId=root: a site's backup holds its subsites),
// personal sites left out (they are the users'), reading pageSize sites at
// a time through one setId.
func (c *Client) OrganizationSites(ctx context.Context, orgID string, pageSize int, each func(*Site) error) error {
	v := c.currentVersion()
	q := dataSource(v)
	if q == nil {
		q = url.Values{}
	}
	q.Set("parentId", "root")
	return readList(ctx, c, list{
		endpoint: vpath(v, "/Organizations/{id}/Sites"),
		path:     vpath(v, "/Organizations/"+url.PathEscape(orgID)+"/Sites"),
		query:    q,
		paged:    true,
		setID:    true,
		itemKey:  func(s any) string { return s.(*Site).ID },
	}, pageSize, each)
}
