package simulator

import "strconv"

// The v6+ renderers emit only members the version's schema defines
// (components/schemas in shared/reference/openapi), in the schema's order
// where that is natural. Links are relative (/v8/...), as since v6.

func (v *vreq) prefix() string { return "/v" + strconv.Itoa(v.rt.ver) }

func (v *vreq) serviceInstance(w *jw) {
	id, build := v.s.ServiceInstance()
	w.open("")
	w.str("installationId", id)
	w.str("version", build)
	w.close()
}

func (v *vreq) renderJob(w *jw, j *tjob) {
	p, t := v.prefix(), v.t
	org, repo := t.orgs[j.org], t.repos[j.repo]
	w.open("")
	w.str("id", j.id)
	w.str("name", j.name)
	w.str("description", j.description)
	w.str("backupType", j.backupType())
	if v.rt.ver >= 8 {
		w.str("organizationId", org.id)
	}
	w.str("repositoryId", repo.id)
	w.tm("lastRun", j.lastRun)
	w.tm("nextRun", j.nextRun)
	if v.rt.ver >= 7 {
		w.tm("lastBackup", j.lastB)
	}
	w.boolean("isEnabled", j.enabled)
	w.str("lastStatus", j.lastStatus)
	w.open("schedulePolicy")
	w.boolean("scheduleEnabled", j.enabled)
	w.boolean("backupWindowEnabled", false)
	w.str("type", j.schedule)
	if j.schedule == "Periodically" {
		w.str("periodicallyEvery", "Hours4")
	} else {
		w.str("dailyType", "Everyday")
		w.str("dailyTime", "22:00:00")
	}
	w.boolean("retryEnabled", true)
	w.num("retryNumber", 3)
	w.num("retryWaitInterval", 10)
	w.close()
	if v.rt.ver >= 8 {
		w.num("eTag", j.eTag)
	}
	if v.v8Is80() {
		v.renderJobObjects(w, j)
	}
	w.open("_links")
	self := p + "/Jobs/" + j.id
	w.link("self", self)
	w.link("organization", p+"/Organizations/"+org.id)
	w.link("backupRepository", p+"/BackupRepositories/"+repo.id)
	w.link("selectedItems", self+"/SelectedItems")
	w.link("excludedItems", self+"/ExcludedItems")
	if v.rt.ver == 6 {
		w.link("jobsessions", self+"/JobSessions")
	} else {
		w.link("jobsessions", p+"/JobSessions?jobId="+j.id)
	}
	w.close()
	w.close()
}

// renderItem writes a RESTJobItemComposed with the members of its
// x-anyOf variant (RESTJobUserItem, RESTJobGroupItem,
// RESTJobOrganizationItem, and the site, team and personal sites items);
// id is the type GUID then the object id.
func (v *vreq) renderItem(w *jw, it item) {
	t := v.t
	w.open("")
	w.str("type", itemTypes[it.kind])
	switch it.kind {
	case itemUser:
		v.renderUser(w, "user", it.ref)
		w.tri("mailbox", it.mailbox)
		w.tri("oneDrive", it.oneDrive)
		w.tri("archiveMailbox", it.archive)
		w.tri("personalSite", it.personal)
		w.str("id", itemTypeGUIDs[itemUser]+v.s.userID(it.ref))
	case itemGroup:
		g := t.groups[it.ref]
		v.renderGroup(w, "group", g)
		w.tri("members", it.members)
		w.tri("memberMailbox", it.memberMailbox)
		w.tri("memberArchiveMailbox", it.memberArchive)
		w.tri("memberOnedrive", it.memberOneDrive)
		w.tri("memberSite", it.memberSite)
		w.tri("mailbox", it.mailbox)
		w.tri("groupSite", it.groupSite)
		w.str("id", itemTypeGUIDs[itemGroup]+g.id)
	case itemPartialOrg:
		w.tri("mailbox", it.mailbox)
		w.tri("oneDrive", it.oneDrive)
		w.tri("archiveMailbox", it.archive)
		w.tri("sites", it.sites)
		w.tri("teams", it.teams)
		w.tri("teamsChats", it.teamsChats)
		w.str("id", itemTypeGUIDs[itemPartialOrg]+t.orgs[it.ref].id)
	default:
		v.renderObjectItem(w, it)
	}
	w.close()
}

var offices = []string{"Head Office", "Branch North", "Remote"}

// enterprisePack is the one licence regular users carry on v8.
const enterprisePack = `[{"skuId":"6fd2c87f-b296-42f0-b197-1e91e994b900","skuPartNumber":"ENTERPRISEPACK","detectedSkuType":"Other"}]`

// renderUser writes a RESTUser; names come from fixed ASCII lists, so they
// are appended unescaped.
func (v *vreq) renderUser(w *jw, key string, i int32) {
	t, p := v.t, v.prefix()
	u := t.users[i]
	org := t.orgs[u.org]
	id := v.s.userID(i)
	w.open(key)
	w.str("id", id)
	if v.rt.ver >= 8 {
		w.num("eTag", int64(u.num)+100)
	}
	w.strFunc("displayName", func(b []byte) []byte { return t.appendDisplay(b, u) })
	w.strFunc("name", func(b []byte) []byte { return t.appendName(b, u) })
	w.str("type", userTypes[u.kind])
	w.str("locationType", "Cloud")
	if v.rt.ver >= 7 && u.kind == kindUser {
		w.str("office", offices[int(u.num)%len(offices)])
	}
	if v.rt.ver >= 8 {
		w.sep("assignedLicenses")
		if u.kind == kindUser {
			w.b = append(w.b, enterprisePack...)
		} else {
			w.b = append(w.b, "[]"...)
		}
		w.need = true
		w.str("msid", v.s.tenantID(tkUser|1<<40|uint64(i)))
	}
	if v.v8Is84() {
		w.null("dataLocation")
	}
	w.open("_links")
	w.link("self", p+"/Organizations/"+org.id+"/Users/"+id)
	w.link("organization", p+"/Organizations/"+org.id)
	w.close()
	w.close()
}

func (v *vreq) renderGroup(w *jw, key string, g *tgroup) {
	p := v.prefix()
	org := v.t.orgs[g.org]
	w.open(key)
	w.str("id", g.id)
	if v.rt.ver >= 8 {
		w.num("eTag", int64(g.index)+500)
	}
	w.str("displayName", g.display)
	w.str("name", g.name)
	if g.site != 0 {
		w.str("site", groupSiteURL(v.t.sites[g.site-1].url))
	}
	w.str("type", g.typ)
	w.str("locationType", "Cloud")
	if v.rt.ver >= 8 {
		w.str("msid", v.s.tenantID(tkGroup|1<<40|uint64(g.index)))
	}
	if v.v8Is84() {
		w.null("dataLocation")
	}
	w.open("_links")
	self := p + "/Organizations/" + org.id + "/Groups/" + g.id
	w.link("self", self)
	w.link("organization", p+"/Organizations/"+org.id)
	w.link("members", self+"/Members")
	w.close()
	w.close()
}

// renderMember writes direct member k of g: its users, then its nested
// groups (name and login are the group's name, the key a client looks it
// up by), then guest addresses, then nested groups that do not exist.
func (v *vreq) renderMember(w *jw, g *tgroup, k int) {
	t := v.t
	w.open("")
	w.str("groupId", g.id)
	typ := "User"
	switch {
	case k < len(g.users):
		u := t.users[g.users[k]]
		w.strFunc("name", func(b []byte) []byte { return t.appendDisplay(b, u) })
		w.strFunc("login", func(b []byte) []byte {
			at := len(b)
			b = t.appendName(b, u)
			lowerASCII(b[at:])
			return b
		})
	case k < len(g.users)+len(g.nested):
		n := t.groups[g.nested[k-len(g.users)]]
		w.str("name", n.name)
		w.str("login", n.name)
		typ = "Group"
	case k < len(g.users)+len(g.nested)+len(g.externals):
		e := g.externals[k-len(g.users)-len(g.nested)]
		w.str("name", "Guest "+e)
		w.str("login", e)
	default:
		m := g.missing[k-len(g.users)-len(g.nested)-len(g.externals)]
		w.str("name", m)
		w.str("login", m)
		typ = "Group"
	}
	w.str("type", typ)
	w.boolean("isCloud", true)
	if v.v8Is84() {
		w.null("dataLocation")
	}
	w.open("_links")
	w.link("group", v.prefix()+"/Organizations/"+t.orgs[g.org].id+"/Groups/"+g.id)
	w.close()
	w.close()
}

// renderJobObjects writes the private counts an 8.0 server gives a job,
// those of its last session: the objects it resolved and those it
// processed without failing. A job that never ran has null.
func (v *vreq) renderJobObjects(w *jw, j *tjob) {
	if runs := v.s.ops.byJob[j.index]; len(runs) > 0 {
		last := runs[0]
		w.num("totalObjects", int64(last.job.scope.users.count()))
		w.num("processedObjects", int64(last.objects-last.failed))
		return
	}
	w.null("totalObjects")
	w.null("processedObjects")
}

func lowerASCII(b []byte) {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
}

// renderOrg writes a RestOrganizationComposed with the members of its
// Office 365 variant; the backup summary only with extendedView.
func (v *vreq) renderOrg(w *jw, o *torg, extended bool) {
	p, ver := v.prefix(), v.rt.ver
	w.open("")
	w.boolean("isTeamsOnline", true)
	w.boolean("isTeamsChatsOnline", false)
	w.boolean("isExchangeOnline", true)
	w.boolean("isSharePointOnline", true)
	w.str("type", "Office365")
	w.str("region", "Worldwide")
	w.str("id", o.id)
	w.str("name", o.domain)
	w.str("officeName", o.domain)
	if ver >= 7 {
		w.str("description", "Microsoft 365 organization "+o.officeName)
	}
	if extended {
		w.boolean("isBackedup", true)
		w.tm("firstBackuptime", o.firstBackup)
		w.tm("lastBackuptime", o.lastSeen)
	}
	if ver >= 8 {
		w.str("msid", o.msid)
		w.str("backedUpOrganizationId", o.backedUpID)
	}
	w.open("_links")
	self := p + "/Organizations/" + o.id
	w.link("self", self)
	if ver <= 7 {
		w.link("jobs", self+"/Jobs")
	}
	w.link("users", self+"/Users")
	w.link("groups", self+"/Groups")
	w.close()
	w.close()
}

func (v *vreq) renderRepo(w *jw, r *trepo) {
	if a := v.s.ops.archiveOf(r); a != nil {
		v.renderArchiveRepo(w, r, a)
		return
	}
	p, ver := v.prefix(), v.rt.ver
	w.open("")
	w.boolean("objectStorageEncryptionEnabled", false)
	w.num("capacityBytes", r.capacity)
	w.num("freeSpaceBytes", r.free)
	w.str("id", r.id)
	w.str("name", r.name)
	w.str("description", r.description)
	w.str("path", r.path)
	w.str("retentionType", "ItemLevel")
	w.str("retentionPeriodType", "Yearly")
	w.str("yearlyRetentionPeriod", "Years3")
	w.str("retentionFrequencyType", "Daily")
	w.str("dailyTime", "03:00:00")
	w.str("dailyType", "Everyday")
	w.str("proxyId", r.proxyID)
	if ver >= 8 {
		w.null("organizationId")
	}
	w.boolean("isLongTerm", false)
	w.boolean("isOutOfSync", false)
	if ver >= 8 {
		w.boolean("isOutdated", false)
		w.boolean("isIndexed", true)
		w.boolean("isMigrationLocked", false)
		w.boolean("isOutOfOrder", false)
		w.null("outOfOrderReason")
	}
	w.open("_links")
	self := p + "/BackupRepositories/" + r.id
	w.link("self", self)
	w.link("proxy", p+"/Proxies/"+r.proxyID)
	w.link("userData", self+"/UserData")
	w.close()
	w.close()
}

// renderUserData writes a RESTBackupUserData. v6's schema requires itemType
// and repositoryId without defining them; they are sent with v7's types,
// since a missing required member would fail validation.
func (v *vreq) renderUserData(w *jw, r *trepo, e userData) {
	t, p, ver := v.t, v.prefix(), v.rt.ver
	u := t.users[e.user]
	org := t.orgs[u.org]
	id := v.s.userID(e.user)
	w.open("")
	w.str("id", id)
	w.strFunc("email", func(b []byte) []byte { return t.appendName(b, u) })
	w.strFunc("displayName", func(b []byte) []byte { return t.appendDisplay(b, u) })
	w.str("accountType", accountTypes[u.kind])
	w.boolean("isMailboxBackedUp", e.mailbox)
	w.tm("mailboxBackedUpTime", unixOrZero(e.mailboxAt))
	w.boolean("isArchiveBackedUp", e.archive)
	w.tm("archiveBackedUpTime", unixOrZero(e.archiveAt))
	w.boolean("isOneDriveBackedUp", e.oneDrive)
	w.tm("oneDriveBackedUpTime", unixOrZero(e.oneDriveAt))
	w.boolean("isPersonalSiteBackedUp", e.personal)
	w.tm("personalSiteBackedUpTime", unixOrZero(e.personAt))
	w.str("organizationId", org.id)
	if ver == 7 {
		w.boolean("isDeleted", false)
	}
	w.str("itemType", "User")
	w.str("repositoryId", r.id)
	if ver == 7 {
		w.str("proxyId", r.proxyID)
	}
	if ver >= 7 {
		w.str("backedUpOrganizationId", org.backedUpID)
	}
	w.open("_links")
	w.link("self", p+"/BackupRepositories/"+r.id+"/UserData/"+id)
	w.link("backupRepository", p+"/BackupRepositories/"+r.id)
	w.close()
	w.close()
}
