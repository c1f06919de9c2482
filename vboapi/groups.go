package vboapi

import (
	"context"
	"net/url"
)

// Group is a group of an organization.
type Group struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Type        string `json:"type"`
	// Site is the URL of the group's own site (a Microsoft 365 group's
	// team site); empty for a group that has none.
	Site string `json:"site"`
}

// Member types of a group.
const (
	MemberUser  = "User"
	MemberGroup = "Group"
)

// GroupMember is a direct member of a group. It has no user id: Login (an
// address) is what identifies it.
type GroupMember struct {
	Name  string `json:"name"`
	Login string `json:"login"`
	Type  string `json:"type"` // Unknown, User or Group
}

// GroupMembers calls each for every direct member of the group.
func (c *Client) GroupMembers(ctx context.Context, orgID, groupID string, pageSize int, each func(*GroupMember) error) error {
	v := c.currentVersion()
	return readList(ctx, c, list{
		endpoint: vpath(v, "/Organizations/{id}/Groups/{id}/Members"),
		path:     vpath(v, "/Organizations/"+url.PathEscape(orgID)+"/Groups/"+url.PathEscape(groupID)+"/Members"),
		query:    dataSource(v),
		paged:    true,
		setID:    true,
		itemKey:  func(m any) string { return m.(*GroupMember).Login },
	}, pageSize, each)
}

// GroupsNamed lists the groups of the organization whose name is name.
func (c *Client) GroupsNamed(ctx context.Context, orgID, name string) ([]Group, error) {
	v := c.currentVersion()
	q := dataSource(v)
	if q == nil {
		q = url.Values{}
	}
	q.Set("groupName", name)
	var groups []Group
	err := readList(ctx, c, list{
		endpoint: vpath(v, "/Organizations/{id}/Groups"),
		path:     vpath(v, "/Organizations/"+url.PathEscape(orgID)+"/Groups"),
		query:    q,
		paged:    true,
		setID:    true,
	}, 100, func(g *Group) error {
		groups = append(groups, *g)
		return nil
	})
	return groups, err
}
