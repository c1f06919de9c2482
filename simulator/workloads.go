package simulator

import "strings"

// The other workloads: SharePoint sites and teams of each organization, and
// what the repositories hold of them. They exist only with
// TenantOptions.Workloads; without it the tenant has none, and every
// output is what it was before they existed.

// tsite is one RESTSite: a top-level site of an organization. A Microsoft
// 365 group's site is one too; the group names it by URL.
type tsite struct {
	org         int32
	id, name    string // name: the title
	url         string
	group       int32 // the group whose site it is, or -1
	unavailable bool  // isAvailable false, with a site collection error
}

// tteam is one RESTTeam.
type tteam struct {
	org               int32
	id, display, mail string
}

// objData is one RESTBackupSiteData or RESTBackupTeamData entry: the site
// or team index, and the backup time in Unix seconds (0: null).
type objData struct {
	obj int32
	at  int64
}

// objList is what a repository holds of sites or teams, in listing order.
type objList struct {
	data  []objData
	byObj map[int32]int
}

func (l *objList) put(e objData) {
	if l.byObj == nil {
		l.byObj = map[int32]int{}
	}
	if i, ok := l.byObj[e.obj]; ok {
		l.data[i] = e
		return
	}
	l.byObj[e.obj] = len(l.data)
	l.data = append(l.data, e)
}

func (l *objList) has(obj int32) bool {
	_, ok := l.byObj[obj]
	return ok
}

var (
	// siteNames share no name with groupNames: a group's site is named
	// after its group.
	siteNames = []string{"Intranet", "Communications", "Projects", "Human Resources", "Events", "Knowledge Base", "Design Studio", "Purchasing", "Brand Center", "Wiki", "Training", "Helpdesk Portal"}
	teamNames = []string{"Leadership", "Project Falcon", "Support Rotation", "Sales Pipeline", "Onboarding", "Release Train", "Security Champions", "Data Guild"}
)

// urlName is a site or team name as one URL or address segment.
func urlName(name string) string { return strings.ReplaceAll(name, " ", "") }

// siteURL is https://<office>.sharepoint.com/sites/<name>.
func siteURL(o *torg, name string) string {
	return "https://" + o.officeName + ".sharepoint.com/sites/" + urlName(name)
}

// Workload kinds of a user that may be missing from Microsoft 365: a user
// without an archive mailbox, without a OneDrive, without a personal site.
const (
	lacksArchive uint8 = 1 << iota
	lacksOneDrive
	lacksPersonal
)

// lacks derives which workloads a user does not have from the user's index
// alone, so that it draws nothing from the tenant's random source: about
// a third of the users have no archive, one in ten no OneDrive, one in six
// no personal site. Shared and public mailboxes have neither of the last
// two.
func (g *generator) lacks(u int32) uint8 {
	h := mix64(uint64(u) ^ g.s.tenantMix ^ 0xa5c3)
	var l uint8
	if h%3 == 0 {
		l |= lacksArchive
	}
	if h>>8%10 == 0 || g.t.users[u].kind != kindUser {
		l |= lacksOneDrive
	}
	if h>>16%6 == 0 || g.t.users[u].kind != kindUser {
		l |= lacksPersonal
	}
	return l
}
