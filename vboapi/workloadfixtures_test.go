package vboapi

import (
	"context"
	"fmt"
	"strconv"
	"testing"
)

// The workload resources: the workload flags of job items, the sites and
// teams of an organization and what a repository holds of them. The ids
// below are those of testdata/{job_items_workloads,sites,teams,sitedata,
// teamdata}/<version>.json.
const (
	fxSiteMarketing = "5f7a9c1e-3b5d-4f7a-8c9e-1b3d5f7a9c10"
	fxSiteSales     = "7b9d1f3a-5c7e-4a9b-8d1f-3a5c7e9b1d20" // the Sales group's site
	fxSiteHR        = "9d1f3a5c-7e9b-4c1d-8f3a-5c7e9b1d3f30"
	fxSiteFormer    = "1f3a5c7e-9b1d-4e3f-8a5c-7e9b1d3f5a40" // data of a removed organization
	fxTeamSales     = "a2c4e6f8-0b1d-4f3a-9c5e-7a9b1d3f5e77"
	fxTeamFalcon    = "3a5c7e9b-1d3f-4a5c-9e7b-1d3f5a7c9e50"

	fxSetSites = "8e1f3a5c-7b9d-4e2f-a4c6-1d3e5f7a9b83"
	fxSetTeams = "9f2a4b6c-8d0e-4f3a-b5d7-2e4f6a8b0c94"
)

// fxWorkloadRoutes serves the workload fixtures: job 3's items, the
// organization's sites and teams, and repository 1's site and team data.
func fxWorkloadRoutes(t *testing.T, api *fixtureAPI, v Version) {
	t.Helper()
	p := func(rest string) string { return "/" + string(v) + rest }
	items := fixtureRoute{body: fxLoad(t, "job_items_workloads", v), paged: v.Paged()}
	api.routes[p("/Jobs/"+fxJob3+"/SelectedItems")] = items
	api.routes[p("/Jobs/"+fxJob3+"/ExcludedItems")] = items
	api.routes[p("/Organizations/"+fxOrg1+"/Sites")] = fixtureRoute{body: fxLoad(t, "sites", v), paged: true}
	api.routes[p("/Organizations/"+fxOrg1+"/Teams")] = fixtureRoute{body: fxLoad(t, "teams", v), paged: true}
	api.routes[p("/BackupRepositories/"+fxRepo1+"/SiteData")] = fixtureRoute{body: fxLoad(t, "sitedata", v), paged: true}
	api.routes[p("/BackupRepositories/"+fxRepo1+"/TeamData")] = fixtureRoute{body: fxLoad(t, "teamdata", v), paged: true}
}

func fxSiteString(s *Site) string {
	if s == nil {
		return "nil"
	}
	return fmt.Sprintf("{ID:%q URL:%q Title:%q}", s.ID, s.URL, s.Title)
}

func fxTeamString(tm *Team) string {
	if tm == nil {
		return "nil"
	}
	return fmt.Sprintf("{ID:%q DisplayName:%q Mail:%q}", tm.ID, tm.DisplayName, tm.Mail)
}

// fxWorkloadItemFields are the fields of a job item beyond those
// fxJobItemFields compares.
func fxWorkloadItemFields(it JobItem) []fxField {
	b := strconv.FormatBool
	site := ""
	if it.Group != nil {
		site = it.Group.Site
	}
	return []fxField{
		{"Type", strconv.Quote(it.Type)}, {"Site", fxSiteString(it.Site)}, {"Team", fxTeamString(it.Team)},
		{"Group.Site", strconv.Quote(site)},
		{"Mailbox", b(it.Mailbox)}, {"ArchiveMailbox", b(it.ArchiveMailbox)}, {"OneDrive", b(it.OneDrive)},
		{"PersonalSite", b(it.PersonalSite)}, {"Sites", b(it.Sites)}, {"Teams", b(it.Teams)},
		{"Members", b(it.Members)}, {"MemberMailbox", b(it.MemberMailbox)},
		{"MemberArchiveMailbox", b(it.MemberArchiveMailbox)}, {"MemberOneDrive", b(it.MemberOneDrive)},
		{"MemberSite", b(it.MemberSite)}, {"GroupSite", b(it.GroupSite)},
	}
}

// TestFixtureJobItemWorkloads reads the workload flags of the items of
// testdata/job_items (job 1: users, groups, the organization, personal
// sites) and of testdata/job_items_workloads (job 3: a site, a team, a
// group's own site, OneDrive folders). Flags are true only for JSON true.
func TestFixtureJobItemWorkloads(t *testing.T) {
	salesSite := "https://contoso.sharepoint.com/sites/Sales"
	job1 := []JobItem{
		{Type: ItemUser, Mailbox: true},
		{Type: ItemUser, OneDrive: true},
		{Type: ItemUser, Mailbox: true}, // oneDrive and personalSite null
		{Type: ItemUser, Mailbox: true},
		{Type: ItemGroup, Group: &Group{Site: salesSite}, Members: true, MemberMailbox: true},
		{Type: ItemGroup, Group: &Group{}, Members: true, MemberOneDrive: true}, // site ""
		{Type: ItemPartialOrganization, Mailbox: true, OneDrive: true},
		{Type: ItemPersonalSites},
	}
	job3 := []JobItem{
		{Type: ItemSite, Site: &Site{ID: fxSiteMarketing, URL: "https://contoso.sharepoint.com/sites/Marketing", Title: "Marketing"}},
		{Type: ItemTeam, Team: &Team{ID: fxTeamSales, DisplayName: "Sales", Mail: "Sales@Contoso.OnMicrosoft.com"}},
		// memberOnedrive null.
		{Type: ItemGroup, Group: &Group{Site: salesSite}, Members: true, MemberArchiveMailbox: true, MemberSite: true, GroupSite: true},
		{Type: ItemUser, ArchiveMailbox: true, OneDrive: true, PersonalSite: true},
		{Type: ItemPartialOrganization, ArchiveMailbox: true, Sites: true, Teams: true},
		{Type: ItemOneDriveFolders},
	}
	// The fields the test does not compare are left as decoded.
	strip := func(items []JobItem) []JobItem {
		for i := range items {
			items[i].User = nil
			if g := items[i].Group; g != nil {
				items[i].Group = &Group{Site: g.Site}
			}
		}
		return items
	}
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, _ := fixtureClient(t, v)
		for job, want := range map[string][]JobItem{fxJob1: job1, fxJob3: job3} {
			for _, list := range []func(context.Context, string) ([]JobItem, error){c.SelectedItems, c.ExcludedItems} {
				got, err := list(context.Background(), job)
				if err != nil {
					t.Fatal(err)
				}
				fxCompare(t, "items of job "+job, strip(got), want, fxWorkloadItemFields)
			}
		}
	})
}

func fxUserDataWorkloadFields(d UserData) []fxField {
	b := strconv.FormatBool
	return []fxField{
		{"ID", strconv.Quote(d.ID)},
		{"ArchiveBackedUp", b(d.ArchiveBackedUp)}, {"ArchiveTime", fxTimeString(d.ArchiveTime)},
		{"OneDriveBackedUp", b(d.OneDriveBackedUp)}, {"OneDriveTime", fxTimeString(d.OneDriveTime)},
		{"PersonalSiteBackedUp", b(d.PersonalSiteBackedUp)}, {"PersonalSiteTime", fxTimeString(d.PersonalSiteTime)},
	}
}

func TestFixtureRepositoryUserDataWorkloads(t *testing.T) {
	fxRunPaged(t, fxPagedCase[UserData]{
		name: "RepositoryUserData",
		path: func(v Version) string { return "/" + string(v) + "/BackupRepositories/" + fxRepo1 + "/UserData" },
		want: func(Version) []UserData {
			return []UserData{
				// Archive, OneDrive, and the personal site in +02:00.
				{ID: fxAdele, ArchiveBackedUp: true, ArchiveTime: fxDate(2024, 5, 1, 22, 16, 5, 250000000),
					OneDriveBackedUp: true, OneDriveTime: fxDate(2024, 5, 1, 22, 20, 2, 0),
					PersonalSiteBackedUp: true, PersonalSiteTime: fxDate(2024, 5, 1, 22, 20, 2, 0)},
				// The archive backed up, its time null.
				{ID: fxReception, ArchiveBackedUp: true},
				{ID: fxPublic},
				{ID: fxAlex, OneDriveBackedUp: true, OneDriveTime: fxDate(2024, 5, 1, 22, 21, 13, 500000000)},
				{ID: fxFormer},
			}
		},
		read: func(c *Client, size int, each func(*UserData) error) error {
			return c.RepositoryUserData(context.Background(), fxRepo1, size, each)
		},
		fields: fxUserDataWorkloadFields,
	})
}

func fxSiteFields(s Site) []fxField {
	return []fxField{{"ID", strconv.Quote(s.ID)}, {"URL", strconv.Quote(s.URL)}, {"Title", strconv.Quote(s.Title)}}
}

func TestFixtureOrganizationSites(t *testing.T) {
	path := func(v Version) string { return "/" + string(v) + "/Organizations/" + fxOrg1 + "/Sites" }
	fxRunPaged(t, fxPagedCase[Site]{
		name: "OrganizationSites", path: path, setID: fxSetSites, dataSource: true,
		want: func(Version) []Site {
			return []Site{
				{ID: fxSiteMarketing, URL: "https://contoso.sharepoint.com/sites/Marketing", Title: "Marketing"},
				{ID: fxSiteSales, URL: "https://contoso.sharepoint.com/sites/Sales", Title: "Sales"},
				{ID: fxSiteHR, URL: "https://contoso.sharepoint.com/sites/HR", Title: "Human Resources"}, // not available
			}
		},
		read: func(c *Client, size int, each func(*Site) error) error {
			return c.OrganizationSites(context.Background(), fxOrg1, size, each)
		},
		fields: fxSiteFields,
	})
	// Only the top-level sites: a site's backup holds its subsites.
	fxVersions(t, []Version{V6, V7, V8}, func(t *testing.T, v Version) {
		c, api := fixtureClient(t, v)
		if err := c.OrganizationSites(context.Background(), fxOrg1, 2, func(*Site) error { return nil }); err != nil {
			t.Fatal(err)
		}
		for _, q := range api.requests(path(v)) {
			if q.Get("parentId") != "root" || q.Has("includePersonalSites") {
				t.Errorf("asked ?%s, want parentId=root and the personal sites left out by default", q.Encode())
			}
		}
	})
}

func fxTeamFields(tm Team) []fxField {
	return []fxField{{"ID", strconv.Quote(tm.ID)}, {"DisplayName", strconv.Quote(tm.DisplayName)}, {"Mail", strconv.Quote(tm.Mail)}}
}

func TestFixtureOrganizationTeams(t *testing.T) {
	fxRunPaged(t, fxPagedCase[Team]{
		name:  "OrganizationTeams",
		path:  func(v Version) string { return "/" + string(v) + "/Organizations/" + fxOrg1 + "/Teams" },
		setID: fxSetTeams, dataSource: true,
		want: func(Version) []Team {
			return []Team{
				{ID: fxTeamSales, DisplayName: "Sales", Mail: "Sales@Contoso.OnMicrosoft.com"},
				{ID: fxTeamFalcon, DisplayName: "Project Falcon", Mail: "ProjectFalcon@contoso.onmicrosoft.com"},
			}
		},
		read: func(c *Client, size int, each func(*Team) error) error {
			return c.OrganizationTeams(context.Background(), fxOrg1, size, each)
		},
		fields: fxTeamFields,
	})
}

func fxSiteDataFields(d SiteData) []fxField {
	return []fxField{
		{"ID", strconv.Quote(d.ID)}, {"URL", strconv.Quote(d.URL)}, {"Title", strconv.Quote(d.Title)},
		{"BackedUpTime", fxTimeString(d.BackedUpTime)}, {"OrganizationID", strconv.Quote(d.OrganizationID)},
	}
}

func TestFixtureRepositorySiteData(t *testing.T) {
	fxRunPaged(t, fxPagedCase[SiteData]{
		name: "RepositorySiteData",
		path: func(v Version) string { return "/" + string(v) + "/BackupRepositories/" + fxRepo1 + "/SiteData" },
		want: func(v Version) []SiteData {
			// v6 names the removed organization (required there); v7 and
			// v8 send organizationId null.
			formerOrg := ""
			if v == V6 {
				formerOrg = fxOrg2
			}
			return []SiteData{
				{ID: fxSiteMarketing, URL: "https://contoso.sharepoint.com/sites/Marketing", Title: "Marketing",
					BackedUpTime: fxDate(2024, 5, 1, 23, 10, 4, 123456700), OrganizationID: fxOrg1},
				// backedUpTime null.
				{ID: fxSiteSales, URL: "https://contoso.sharepoint.com/sites/Sales", Title: "Sales", OrganizationID: fxOrg1},
				// +01:00.
				{ID: fxSiteFormer, URL: "https://fabrikam.sharepoint.com/sites/Projects", Title: "Projects",
					BackedUpTime: fxDate(2023, 11, 20, 2, 0, 0, 0), OrganizationID: formerOrg},
			}
		},
		read: func(c *Client, size int, each func(*SiteData) error) error {
			return c.RepositorySiteData(context.Background(), fxRepo1, size, each)
		},
		fields: fxSiteDataFields,
	})
}

func fxTeamDataFields(d TeamData) []fxField {
	return []fxField{
		{"ID", strconv.Quote(d.ID)}, {"DisplayName", strconv.Quote(d.DisplayName)},
		{"BackedUpTime", fxTimeString(d.BackedUpTime)}, {"OrganizationID", strconv.Quote(d.OrganizationID)},
	}
}

func TestFixtureRepositoryTeamData(t *testing.T) {
	fxRunPaged(t, fxPagedCase[TeamData]{
		name: "RepositoryTeamData",
		path: func(v Version) string { return "/" + string(v) + "/BackupRepositories/" + fxRepo1 + "/TeamData" },
		want: func(Version) []TeamData {
			return []TeamData{
				{ID: fxTeamSales, DisplayName: "Sales", BackedUpTime: fxDate(2024, 5, 1, 22, 31, 17, 500000000), OrganizationID: fxOrg1},
				// The .NET zero date: no time.
				{ID: fxTeamFalcon, DisplayName: "Project Falcon", OrganizationID: fxOrg1},
			}
		},
		read: func(c *Client, size int, each func(*TeamData) error) error {
			return c.RepositoryTeamData(context.Background(), fxRepo1, size, each)
		},
		fields: fxTeamDataFields,
	})
}
