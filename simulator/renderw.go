package simulator

// The renderers of sites, teams and what repositories hold of them, with
// the members each version's schema defines.

// renderObjectItem writes the members of a RESTJobSiteItem,
// RESTJobTeamItem or RESTJobPersonalSitesItem.
func (v *vreq) renderObjectItem(w *jw, it item) {
	t := v.t
	switch it.kind {
	case itemSite:
		v.renderSite(w, "site", it.ref, true)
		w.str("id", itemTypeGUIDs[itemSite]+t.sites[it.ref].id)
	case itemTeam:
		v.renderTeam(w, "team", it.ref)
		if v.rt.ver == 6 {
			w.boolean("chats", false)
		} else {
			w.tri("teamsChats", triFalse)
		}
		w.str("id", itemTypeGUIDs[itemTeam]+t.teams[it.ref].id)
	case itemPersonalSites:
		w.str("id", itemTypeGUIDs[itemPersonalSites]+t.orgs[it.ref].id)
	}
}

// renderSite writes a RESTSite, or with forItem the RESTJobSite of a Site
// item, which has no availability and, on v8, no msid or data location.
func (v *vreq) renderSite(w *jw, key string, x int32, forItem bool) {
	s, ver := v.t.sites[x], v.rt.ver
	w.open(key)
	w.str("id", s.id)
	if ver >= 8 {
		w.num("eTag", int64(x)+700)
	}
	w.str("url", s.url)
	w.str("parentUrl", "")
	w.str("name", s.name)
	w.boolean("isCloud", true)
	w.boolean("isPersonal", false)
	w.str("title", s.name)
	if !forItem {
		w.boolean("isAvailable", !s.unavailable)
	}
	if s.unavailable {
		w.str("siteCollectionError", "Access is denied.")
	}
	if !forItem && ver >= 8 {
		w.str("msid", v.s.tenantID(tkSite|1<<40|uint64(x)))
		if v.v8Is84() {
			w.null("dataLocation")
		}
	}
	w.open("_links")
	w.link("self", v.prefix()+"/Organizations/"+v.t.orgs[s.org].id+"/Sites/"+s.id)
	w.close()
	w.close()
}

// renderTeam writes a RESTTeam.
func (v *vreq) renderTeam(w *jw, key string, x int32) {
	tm, ver := v.t.teams[x], v.rt.ver
	w.open(key)
	w.str("id", tm.id)
	if ver >= 8 {
		w.num("eTag", int64(x)+900)
	}
	w.str("displayName", tm.display)
	w.str("description", "Team "+tm.display)
	w.str("mail", tm.mail)
	if ver >= 8 {
		w.str("msid", v.s.tenantID(tkTeam|1<<40|uint64(x)))
		if v.v8Is84() {
			w.null("dataLocation")
		}
	}
	w.open("_links")
	w.link("self", v.prefix()+"/Organizations/"+v.t.orgs[tm.org].id+"/Teams/"+tm.id)
	w.close()
	w.close()
}

// renderObjectData writes a RESTBackupSiteData (w = wSite) or
// RESTBackupTeamData. v6's schemas require itemType and repositoryId
// without defining them; they are sent with v7's types, as for user data.
func (v *vreq) renderObjectData(wr *jw, wl workload, r *trepo, e objData) {
	t, p, ver := v.t, v.prefix(), v.rt.ver
	var (
		id  string
		org *torg
	)
	itemType, path := "Site", "/SiteData/"
	if wl == wSite {
		s := t.sites[e.obj]
		id, org = s.id, t.orgs[s.org]
	} else {
		tm := t.teams[e.obj]
		id, org, itemType, path = tm.id, t.orgs[tm.org], "Team", "/TeamData/"
	}
	wr.open("")
	wr.str("id", id)
	if ver == 7 {
		wr.boolean("isDeleted", false)
	}
	wr.str("itemType", itemType)
	wr.str("repositoryId", r.id)
	if ver == 7 {
		wr.str("proxyId", r.proxyID)
	}
	if wl == wSite {
		wr.str("title", t.sites[e.obj].name)
		wr.str("url", t.sites[e.obj].url)
	} else {
		wr.str("displayName", t.teams[e.obj].display)
	}
	wr.tm("backedUpTime", unixOrZero(e.at))
	wr.str("organizationId", org.id)
	if ver >= 7 {
		wr.str("backedUpOrganizationId", org.backedUpID)
	}
	if ver >= 8 {
		wr.null("msid")
	}
	wr.open("_links")
	wr.link("self", p+"/BackupRepositories/"+r.id+path+id)
	wr.link("backupRepository", p+"/BackupRepositories/"+r.id)
	wr.close()
	wr.close()
}
