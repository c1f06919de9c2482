package vboapi

import (
	"context"
	"fmt"
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
	// NullFlags is true when the server sent one of the flags above as
	// null: it reads as false, and the exporter says so once per job.
	NullFlags bool
}

// wireJobItem decodes the flags as itemFlags, which cost no allocation
// and remember a JSON null.
type wireJobItem struct {
	Type                 string   `json:"type"`
	ID                   string   `json:"id"`
	User                 *User    `json:"user"`
	Group                *Group   `json:"group"`
	Site                 *Site    `json:"site"`
	Team                 *Team    `json:"team"`
	Mailbox              itemFlag `json:"mailbox"`
	ArchiveMailbox       itemFlag `json:"archiveMailbox"`
	OneDrive             itemFlag `json:"oneDrive"`
	PersonalSite         itemFlag `json:"personalSite"`
	Sites                itemFlag `json:"sites"`
	Teams                itemFlag `json:"teams"`
	Members              itemFlag `json:"members"`
	MemberMailbox        itemFlag `json:"memberMailbox"`
	MemberArchiveMailbox itemFlag `json:"memberArchiveMailbox"`
	MemberOneDrive       itemFlag `json:"memberOnedrive"`
	MemberSite           itemFlag `json:"memberSite"`
	GroupSite            itemFlag `json:"groupSite"`
}

// itemFlag is a job item's flag: true only for JSON true; null is
// remembered, as the schemas type the flags as plain booleans.
type itemFlag struct{ value, null bool }

// UnmarshalJSON accepts the JSON booleans and null, like a bool field.
func (f *itemFlag) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true":
		*f = itemFlag{value: true}
	case "false":
		*f = itemFlag{}
	case "null":
		*f = itemFlag{null: true}
	default:
		return fmt.Errorf("a job item flag is %.20s, not a boolean", b)
	}
	return nil
}

// anyNull reports whether one of the item's flags was null.
func (w *wireJobItem) anyNull() bool {
	for _, f := range []itemFlag{w.Mailbox, w.ArchiveMailbox, w.OneDrive, w.PersonalSite, w.Sites, w.Teams,
		w.Members, w.MemberMailbox, w.MemberArchiveMailbox, w.MemberOneDrive, w.MemberSite, w.GroupSite} {
		if f.null {
			return true
		}
	}
	return false
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
			Mailbox: w.Mailbox.value, ArchiveMailbox: w.ArchiveMailbox.value, OneDrive: w.OneDrive.value,
			PersonalSite: w.PersonalSite.value, Sites: w.Sites.value, Teams: w.Teams.value,
			Members: w.Members.value, MemberMailbox: w.MemberMailbox.value,
			MemberArchiveMailbox: w.MemberArchiveMailbox.value, MemberOneDrive: w.MemberOneDrive.value,
			MemberSite: w.MemberSite.value, GroupSite: w.GroupSite.value, NullFlags: w.anyNull(),
		})
		return nil
	})
	return items, err
}
