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
	ItemSite                = "Site"
	ItemTeam                = "Team"
	// ItemPersonalSites stands for the personal sites of every user of
	// the organization.
	ItemPersonalSites = "PersonalSites"
	// ItemOneDriveFolders names folders to process in every OneDrive; it
	// adds no OneDrive of its own.
	ItemOneDriveFolders = "OneDriveFolders"
)

// JobItem is one entry of a job's SelectedItems or ExcludedItems. The flags
// are true only where the API sent JSON true: absent and null are false.
type JobItem struct {
	Type string
	ID   string
	// User is set for User items, Group for Group items, Site for Site
	// items and Team for Team items.
	User  *User
	Group *Group
	Site  *Site
	Team  *Team
	// Mailbox: the user's mailbox (User), every user's (PartialOrganization).
	Mailbox bool
	// ArchiveMailbox, OneDrive and PersonalSite: the user's archive
	// mailbox, OneDrive and personal site (User); ArchiveMailbox and
	// OneDrive also every user's (PartialOrganization).
	ArchiveMailbox, OneDrive, PersonalSite bool
	// Sites and Teams: the organization's sites and teams
	// (PartialOrganization).
	Sites, Teams bool
	// Members and MemberMailbox together: the group members' mailboxes.
	Members, MemberMailbox bool
	// With Members, the group members' archive mailboxes, OneDrives and
	// personal sites.
	MemberArchiveMailbox, MemberOneDrive, MemberSite bool
	// GroupSite: the group's own site (Group).
	GroupSite bool
}

// wireJobItem decodes the flags as plain booleans: JSON null leaves them
// false, as absent does, and costs no allocation.
type wireJobItem struct {
	Type                 string `json:"type"`
	ID                   string `json:"id"`
	User                 *User  `json:"user"`
	Group                *Group `json:"group"`
	Site                 *Site  `json:"site"`
	Team                 *Team  `json:"team"`
	Mailbox              bool   `json:"mailbox"`
	ArchiveMailbox       bool   `json:"archiveMailbox"`
	OneDrive             bool   `json:"oneDrive"`
	PersonalSite         bool   `json:"personalSite"`
	Sites                bool   `json:"sites"`
	Teams                bool   `json:"teams"`
	Members              bool   `json:"members"`
	MemberMailbox        bool   `json:"memberMailbox"`
	MemberArchiveMailbox bool   `json:"memberArchiveMailbox"`
	MemberOneDrive       bool   `json:"memberOnedrive"`
	MemberSite           bool   `json:"memberSite"`
	GroupSite            bool   `json:"groupSite"`
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
			Type: w.Type, ID: w.ID, User: w.User, Group: w.Group, Site: w.Site, Team: w.Team,
			Mailbox: w.Mailbox, ArchiveMailbox: w.ArchiveMailbox, OneDrive: w.OneDrive, PersonalSite: w.PersonalSite,
			Sites: w.Sites, Teams: w.Teams,
			Members: w.Members, MemberMailbox: w.MemberMailbox,
			MemberArchiveMailbox: w.MemberArchiveMailbox, MemberOneDrive: w.MemberOneDrive, MemberSite: w.MemberSite,
			GroupSite: w.GroupSite,
		})
		return nil
	})
	return items, err
}
