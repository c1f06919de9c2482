package vboapi

import (
	"context"
	"net/url"
)

// User is a user of an organization: a user, shared or public mailbox.
type User struct {
	ID          string `json:"id"`
	Name        string `json:"name"` // the e-mail address
	DisplayName string `json:"displayName"`
	Type        string `json:"type"` // User, Shared or Public
}

// OrganizationUsers calls each for every user of the organization, reading
// pageSize users at a time through one setId.
func (c *Client) OrganizationUsers(ctx context.Context, orgID string, pageSize int, each func(*User) error) error {
	v := c.currentVersion()
	return readList(ctx, c, list{
		endpoint: vpath(v, "/Organizations/{id}/Users"),
		path:     vpath(v, "/Organizations/"+url.PathEscape(orgID)+"/Users"),
		query:    dataSource(v),
		paged:    true,
		setID:    true,
		itemKey:  func(u any) string { return u.(*User).ID },
	}, pageSize, each)
}

// dataSource asks v7 and later to answer from the organization's cache when
// it is synchronised, instead of from Microsoft 365 on every page.
func dataSource(v Version) url.Values {
	if !v.HasDataSource() {
		return nil
	}
	return url.Values{"dataSource": {"PreferLocal"}}
}
