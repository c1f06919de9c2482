package simulator

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// The tenant is the v6–v8 world: organizations with users and groups,
// repositories holding user data, and jobs whose items select and exclude
// users and groups. It is built once by New and never changes, so request
// handlers read it without locking.
type tenant struct {
	opts   TenantOptions
	orgs   []*torg
	users  []tuser // every organization's users, organization by organization
	groups []*tgroup
	repos  []*trepo
	jobs   []*tjob // in GET /vN/Jobs order
	hard   HardCases
	// hardRefs are the user indices behind some HardCases ids.
	hardRefs hardRefs
	// sites and teams exist only with TenantOptions.Workloads, as do
	// wcases, the workload edge cases of organization 0.
	sites  []tsite
	teams  []tteam
	wcases WorkloadCases
	// wsc are every job's scopes per workload, computed once (wonce).
	wonce sync.Once
	wsc   []jobScopes
}

type hardRefs struct{ member, twoRepo int32 }

// User kinds, the RESTUser type values.
const (
	kindUser uint8 = iota
	kindShared
	kindPublic
)

var (
	userTypes    = [...]string{"User", "Shared", "Public"}
	accountTypes = [...]string{"User", "SharedMailbox", "PublicMailbox"}
	sharedNames  = []string{"Sales", "Support", "Billing", "Reception", "Info", "Careers", "Press", "Helpdesk"}
	publicNames  = []string{"Archive", "Projects", "Contracts", "Templates"}
	groupNames   = []string{"All Staff", "Engineering", "Platform", "Platform Core", "Field Sales", "Sales Leads", "Finance", "Legal", "Marketing", "Operations", "Research", "Facilities", "Procurement", "Security", "Design", "Quality"}
	groupTypes   = []string{"Security", "Office365", "Distribution"}
)

// tuser is one RESTUser; its id and addresses are derived when rendered,
// so a 100,000-user organization costs 12 bytes a user.
type tuser struct {
	org         int32
	num         int32 // 1-based within the organization; keeps addresses unique
	first, last uint8 // indices into firstNames/lastNames, or the shared/public name lists
	kind        uint8
}

type torg struct {
	index                 int
	id, msid, backedUpID  string
	officeName, domain    string // "contoso", "contoso.onmicrosoft.com"
	lo, hi                int32  // its users are tenant.users[lo:hi]
	glo, ghi              int32  // its groups are tenant.groups[glo:ghi]
	slo, shi, tlo, thi    int32  // its sites and teams, likewise
	firstBackup, lastSeen time.Time
}

// tgroup lists a group's direct members only; nesting is the client's job.
type tgroup struct {
	index             int32
	org               int32
	id, name, display string
	typ               string
	users             []int32  // user indices
	nested            []int32  // group indices, listed by name
	externals         []string // guest logins that match no user
	missing           []string // nested group names that match no group
	site              int32    // its own site's index plus one; 0: none
}

func (g *tgroup) memberCount() int {
	return len(g.users) + len(g.nested) + len(g.externals) + len(g.missing)
}

type trepo struct {
	index             int
	id, name, proxyID string
	path, description string
	capacity, free    int64
	data              []userData    // UserData order
	byUser            map[int32]int // user index -> position in data
	orgs              []bool        // organizations whose jobs write here
	sites, teams      objList       // only with TenantOptions.Workloads
}

// userData is one RESTBackupUserData entry; times are Unix seconds, 0 for
// none, to keep a 100,000-entry repository small.
type userData struct {
	user                                       int32
	mailbox, archive, oneDrive, personal       bool
	mailboxAt, archiveAt, oneDriveAt, personAt int64
}

func unixOrZero(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// tri is a nullable JSON flag; triAbsent leaves the member out.
type tri uint8

const (
	triAbsent tri = iota
	triNull
	triFalse
	triTrue
)

func (t tri) on() bool { return t == triTrue }

// Item kinds, the RESTJobBackupItemType values used.
type itemKind uint8

const (
	itemUser itemKind = iota
	itemGroup
	itemPartialOrg
	itemSite          // ref: a site index
	itemTeam          // ref: a team index
	itemPersonalSites // ref: an organization index
)

var itemTypes = [...]string{"User", "Group", "PartialOrganization", "Site", "Team", "PersonalSites"}

// Type GUIDs that prefix a composite item id, from the v8 description of
// RESTJobItemComposed.id.
var itemTypeGUIDs = [...]string{
	"2b38d840-8098-4614-b369-ebce33f9b2c7",
	"9592732d-22d8-426a-8167-d9635158e945",
	"c37da450-6c4b-48c4-87e2-cc557ef5d897",
	"e1fa728c-4150-4724-ab3b-5deda33db0cf",
	"7b985334-bc0e-4791-b30c-d03a1fecc840",
	"9a01bcb3-d2de-4271-96bb-95611ddc70b3",
}

// item is one RESTJobItemComposed; ref is a user, group or organization
// index by kind. Flags not meaningful for the kind stay triAbsent.
type item struct {
	kind                                  itemKind
	ref                                   int32
	mailbox, archive, oneDrive, personal  tri
	members, memberMailbox, memberArchive tri
	memberOneDrive, memberSite, groupSite tri
	sites, teams, teamsChats              tri
}

type tjob struct {
	index                   int
	id, name, description   string
	org                     int
	repo                    int
	entireOrg               bool
	enabled                 bool
	lastStatus, schedule    string
	lastRun, nextRun, lastB time.Time
	eTag                    int64
	selected, excluded      []item
	scope                   scope // computed once by the rule in docs/protection-v6-v8.md
}

func (t *tenant) findJob(id string) *tjob {
	for _, j := range t.jobs {
		if strings.EqualFold(j.id, id) {
			return j
		}
	}
	return nil
}

func (t *tenant) findOrg(id string) *torg {
	for _, o := range t.orgs {
		if strings.EqualFold(o.id, id) {
			return o
		}
	}
	return nil
}

func (t *tenant) findRepo(id string) *trepo {
	for _, r := range t.repos {
		if strings.EqualFold(r.id, id) {
			return r
		}
	}
	return nil
}

// findGroup looks a group up within its organization.
func (t *tenant) findGroup(o *torg, id string) *tgroup {
	for _, g := range t.groups[o.glo:o.ghi] {
		if strings.EqualFold(g.id, id) {
			return g
		}
	}
	return nil
}

// zeroGUID is the second half of the composite user and group ids the
// real server builds for cloud objects (the on-premises half is empty).
const zeroGUID = "00000000-0000-0000-0000-000000000000"

// tenantKey tags keep tenant ids apart from each other; they are mixed
// with a seed constant of their own, so they cannot meet the v1 ids either.
const (
	tkUser uint64 = iota << 56
	tkGroup
	tkOrg
	tkRepo
	tkJob
	tkMisc
	tkSite
	tkTeam
)

func (s *Simulator) tenantID(key uint64) string {
	u := mix64(key ^ s.tenantMix)
	return guid(u, mix64(u^0x9e3779b97f4a7c15))
}

// userID is the 72-character composite id: the object GUID then zeros.
func (s *Simulator) userID(i int32) string {
	return s.tenantID(tkUser|uint64(i)) + zeroGUID
}

// appendLocal appends the mixed-case local part of a user's address.
func (u tuser) appendLocal(b []byte) []byte {
	switch u.kind {
	case kindShared:
		b = append(b, sharedNames[u.first]...)
		b = append(b, ".Shared"...)
	case kindPublic:
		b = append(b, "PF."...)
		b = append(b, publicNames[u.first]...)
	default:
		b = append(b, firstNames[u.first]...)
		b = append(b, '.')
		b = append(b, lastNames[u.last]...)
	}
	return strconv.AppendInt(b, int64(u.num), 10)
}

// appendName appends RESTUser.name, the address in mixed case.
func (t *tenant) appendName(b []byte, u tuser) []byte {
	b = u.appendLocal(b)
	b = append(b, '@')
	return append(b, t.orgs[u.org].domain...)
}

func (t *tenant) appendDisplay(b []byte, u tuser) []byte {
	switch u.kind {
	case kindShared:
		b = append(b, sharedNames[u.first]...)
		b = append(b, " Shared "...)
	case kindPublic:
		b = append(b, "Public Folder "...)
		b = append(b, publicNames[u.first]...)
		b = append(b, ' ')
	default:
		b = append(b, firstNames[u.first]...)
		b = append(b, ' ')
		b = append(b, lastNames[u.last]...)
		return b
	}
	return strconv.AppendInt(b, int64(u.num), 10)
}

// address is a user's lower-cased address, the key group member logins
// and the truth use.
func (t *tenant) address(i int32) string {
	return strings.ToLower(string(t.appendName(nil, t.users[i])))
}
