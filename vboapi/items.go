package vboapi

import (
	"context"
	"net/url"
)

// Item types of a job's selected and excluded items.
const (
	ItemUser                = "User"
	ItemGroup               = "Group"
	ItemPartialOrganization = "PartialOrganization"
)

// JobItem is one entry of a job's SelectedItems or ExcludedItems. The flags
// are true only where the API sent JSON true: absent and null are false.
type JobItem struct {
	Type string
	ID   string
	// User is set for User items, Group for Group items.
	User  *User
	Group *Group
	// Mailbox: the user's mailbox (User), every user's (PartialOrganization).
	Mailbox bool
	// Members and MemberMailbox together: the group members' mailboxes.
	Members, MemberMailbox bool
}

type wireJobItem struct {
	Type          string `json:"type"`
	ID            string `json:"id"`
	User          *User  `json:"user"`
	Group         *Group `json:"group"`
	Mailbox       *bool  `json:"mailbox"`
	Members       *bool  `json:"members"`
	MemberMailbox *bool  `json:"memberMailbox"`
}

func isTrue(b *bool) bool { return b != nil && *b }

// SelectedItems lists what a job selects (v6 and later).
func (c *Client) SelectedItems(ctx context.Context, jobID string) ([]JobItem, error) {
	return c.jobItems(ctx, jobID, "/SelectedItems")
}

// ExcludedItems lists what a job excludes (v6 and later).
func (c *Client) ExcludedItems(ctx context.Context, jobID string) ([]JobItem, error) {
	return c.jobItems(ctx, jobID, "/ExcludedItems")
}

func (c *Client) jobItems(ctx context.Context, jobID, which string) ([]JobItem, error) {
	v := c.currentVersion()
	l := list{
		endpoint: vpath(v, "/Jobs/{id}"+which),
		path:     vpath(v, "/Jobs/"+url.PathEscape(jobID)+which),
		paged:    v.Paged(),
	}
	var items []JobItem
	err := readList(ctx, c, l, 10000, func(w *wireJobItem) error {
		items = append(items, JobItem{
			Type: w.Type, ID: w.ID, User: w.User, Group: w.Group,
			Mailbox: isTrue(w.Mailbox), Members: isTrue(w.Members), MemberMailbox: isTrue(w.MemberMailbox),
		})
		return nil
	})
	return items, err
}
