package contract

import (
	"net/http"
	"net/url"
	"path"
	"time"
)

// walkOperations reads the operations resources (licence, proxies, copy
// jobs, job sessions and their objects, v6/v7 object storage) with every
// filter the version's schema declares that the simulator models.
func walkOperations(c *apiClient) {
	c.object("/License", nil)
	walkProxies(c)
	walkCopyJobs(c)
	walkSessions(c)
	walkObjectStorage(c)
	walkSyncStates(c)
	walkRestores(c)
	c.expect(http.StatusNotFound, http.MethodGet, "/JobSessions/"+absentID, nil, true)
	c.expect(http.StatusNotFound, http.MethodGet, "/CopyJobs/"+absentID, nil, true)
	c.expect(http.StatusNotFound, http.MethodGet, "/Proxies/"+absentID, nil, true)
}

// extendedViews are the extendedView queries to try: none, true and false
// on v6 and v7; v8 has no such parameter.
func extendedViews(c *apiClient) []url.Values {
	if c.ver == "v8" {
		return []url.Values{nil}
	}
	return []url.Values{nil, {"extendedView": {"true"}}, {"extendedView": {"false"}}}
}

func walkProxies(c *apiClient) {
	for _, q := range extendedViews(c) {
		proxies := c.collection("/Proxies", "/Proxies", q, 1, 5, false)
		for _, id := range c.ids("proxies", proxies) {
			c.object("/Proxies/"+id, q)
		}
	}
}

func walkCopyJobs(c *apiClient) {
	jobs := c.collection("/CopyJobs", "/CopyJobs", nil, 1, 5, false)
	for _, id := range c.ids("copy jobs", jobs) {
		c.object("/CopyJobs/"+id, nil)
	}
	if len(jobs) == 0 {
		return
	}
	filters := []string{"repositoryId"}
	if c.ver == "v8" {
		filters = append(filters, "organizationId")
	}
	for _, k := range filters {
		if id, _ := jobs[0][k].(string); id != "" {
			c.collection("/CopyJobs", "/CopyJobs", url.Values{k: {id}}, 1, 3, false)
		}
	}
}

// walkSessions pages the whole history, then each filter once, and
// follows a few sessions to their own resource and processed objects.
func walkSessions(c *apiClient) {
	all := c.collection("/JobSessions", "/JobSessions", nil, 7, 40, false)
	ids := c.ids("job sessions", all)
	for _, q := range sessionFilters(c, all) {
		c.collection("/JobSessions", "/JobSessions", q, 7, 3, false)
	}
	for _, id := range ids[:min(3, len(ids))] {
		c.object("/JobSessions/"+id, nil)
		if c.ver != "v6" {
			c.collection("/JobSessions/{sessionId}/ProcessedObjects", "/JobSessions/"+id+"/ProcessedObjects", nil, 10, 3, false)
		}
	}
	if c.ver != "v6" {
		return
	}
	jobs := c.collection("/Jobs", "/Jobs", nil, 0, 0, false)
	for _, id := range c.ids("jobs", jobs) {
		c.collection("/Jobs/{jobId}/JobSessions", "/Jobs/"+id+"/JobSessions", nil, 4, 3, false)
	}
}

// sessionFilters are the JobSessions queries the version declares, with
// values taken from the history read.
func sessionFilters(c *apiClient, all []map[string]any) []url.Values {
	mid := time.Now().UTC()
	if len(all) > 0 {
		created, _ := all[len(all)/2]["creationTime"].(string)
		if t, err := time.Parse(time.RFC3339Nano, created); err == nil {
			mid = t
		}
	}
	bound := mid.Format(time.RFC3339Nano)
	qs := []url.Values{{"jobType": {"Backup"}}, {"jobType": {"Copy"}}, {"endTimeLowerBound": {bound}}}
	if c.ver == "v6" {
		return qs
	}
	qs = append(qs, url.Values{"endTimeUpperBound": {bound}})
	if len(all) > 0 {
		if job := jobOf(all[0]); job != "" {
			qs = append(qs, url.Values{"jobId": {job}, "endTimeLowerBound": {bound}})
		}
	}
	if c.ver == "v8" {
		for _, s := range []string{"Succeeded", "Warning", "Failed", "Running", "Stopped"} {
			qs = append(qs, url.Values{"status": {s}})
		}
	}
	return qs
}

// jobOf is the job a session names: jobId on v8, the job link before.
func jobOf(session map[string]any) string {
	if id, _ := session["jobId"].(string); id != "" {
		return id
	}
	links, _ := session["_links"].(map[string]any)
	job, _ := links["job"].(map[string]any)
	href, _ := job["href"].(string)
	u, err := url.Parse(href)
	if err != nil || u.Path == "" {
		return ""
	}
	return path.Base(u.Path)
}

func walkObjectStorage(c *apiClient) {
	if c.ver == "v8" {
		c.expect(http.StatusNotFound, http.MethodGet, "/objectstoragerepositories", nil, true)
		return
	}
	for _, q := range []url.Values{nil, {"longTerm": {"true"}}} {
		stores := c.collection("/objectstoragerepositories", "/objectstoragerepositories", q, 0, 0, false)
		for _, id := range c.ids("object storage", stores) {
			c.object("/objectstoragerepositories/"+id, nil)
		}
	}
	c.expect(http.StatusNotFound, http.MethodGet, "/objectstoragerepositories/"+absentID, nil, true)
}

// expectedOpsOps are the operations/status pairs of the operations
// resources the walk must reach.
func expectedOpsOps(ver string) []string {
	p := "GET /" + ver
	ops := []string{
		p + "/License 200",
		p + "/Organizations/{organizationId}/LicensingInformation 200",
		p + "/Proxies 200", p + "/Proxies/{proxyId} 200", p + "/Proxies/{proxyId} 404",
		p + "/CopyJobs 200", p + "/CopyJobs/{id} 200", p + "/CopyJobs/{id} 404",
		p + "/JobSessions 200", p + "/JobSessions/{jobSessionsId} 200", p + "/JobSessions/{jobSessionsId} 404",
	}
	ops = append(ops, expectedSyncOps(ver)...)
	ops = append(ops, expectedRestoreOps(ver)...)
	if ver != "v8" {
		ops = append(ops, p+"/objectstoragerepositories 200", p+"/objectstoragerepositories/{repositoryId} 200",
			p+"/objectstoragerepositories/{repositoryId} 404")
	}
	if ver == "v6" {
		return append(ops, p+"/Jobs/{jobId}/JobSessions 200")
	}
	return append(ops, p+"/JobSessions/{sessionId}/ProcessedObjects 200")
}
