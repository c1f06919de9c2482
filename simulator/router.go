package simulator

import (
	"fmt"
	"net/http"
	"strings"
)

// routed is the outcome of matching a request path; err is set for paths or
// methods the API does not serve. jobID is the id faults and per-id
// counters select on: the job for job endpoints, otherwise the
// organization, group or repository in the path (see Fault.JobID).
type routed struct {
	endpoint, jobID string
	ver             int    // 1, 6, 7 or 8
	orgID, groupID  string // v6+ path ids besides jobID
	n, perJob       int64  // request numbers, for fault selection
	err             *reply
}

func notFound(r *http.Request) routed {
	return routed{err: messageReply(http.StatusNotFound,
		fmt.Sprintf("No HTTP resource was found that matches the request URI '%s'.", r.URL.Path))}
}

// route matches paths case-insensitively because the ASP.NET Web API host
// behind VBO365 does, and the docs mix /v1/Token with /vN/token. Prefixes
// not in Options.Versions are not found.
func (s *Simulator) route(r *http.Request) routed {
	seg := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(seg) < 2 || len(seg[0]) != 2 || (seg[0][0] != 'v' && seg[0][0] != 'V') ||
		seg[0][1] < '1' || seg[0][1] > '8' || !s.served[seg[0][1]-'0'] {
		return notFound(r)
	}
	if v := int(seg[0][1] - '0'); v >= 6 {
		return routeV6Plus(r, v, seg[1:])
	}
	rt := routed{ver: 1}
	method := http.MethodGet
	switch {
	case len(seg) == 2 && strings.EqualFold(seg[1], "token"):
		rt.endpoint, method = EndpointToken, http.MethodPost
	case len(seg) == 2 && strings.EqualFold(seg[1], "jobs"):
		rt.endpoint = EndpointJobs
	case len(seg) == 3 && strings.EqualFold(seg[1], "jobs") && seg[2] != "":
		rt.endpoint, rt.jobID = EndpointJob, seg[2]
	case len(seg) == 4 && strings.EqualFold(seg[1], "jobs") && seg[2] != "" &&
		strings.EqualFold(seg[3], "selectedmailboxes"):
		rt.endpoint, rt.jobID = EndpointMailboxes, seg[2]
	default:
		return notFound(r)
	}
	return checkMethod(r, rt, method)
}

// isTokenRequest reports whether r is POST /vN/token of any version, the one
// request a server that authenticates before routing lets through.
func isTokenRequest(r *http.Request) bool {
	seg := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	return r.Method == http.MethodPost && len(seg) == 2 && len(seg[0]) == 2 &&
		(seg[0][0] == 'v' || seg[0][0] == 'V') && strings.EqualFold(seg[1], "token")
}

// checkMethod answers 405 with Allow for a known path and another method.
func checkMethod(r *http.Request, rt routed, method string) routed {
	if r.Method != method {
		rep := messageReply(http.StatusMethodNotAllowed,
			fmt.Sprintf("The requested resource does not support http method '%s'.", r.Method))
		rep.header["Allow"] = method
		return routed{err: rep}
	}
	return rt
}

// reply builds the response for a routed request: authentication first, then
// job lookup, then any fault, then the normal handler.
func (s *Simulator) reply(r *http.Request, rt routed) *reply {
	if rt.err != nil {
		return rt.err
	}
	if rt.ver >= 6 {
		return s.replyV6Plus(r, rt)
	}
	if rt.endpoint == EndpointToken {
		f := s.pickFault(rt)
		if rep := s.faultReply(f, r, "", rt, nil); rep != nil {
			return rep
		}
		return s.tokenReply(r, false).mangled(f)
	}
	tok, ok := s.authorize(r)
	if !ok {
		return unauthorized()
	}
	var j *jobData
	if rt.jobID != "" {
		if j = s.findJob(rt.jobID); j == nil {
			return messageReply(http.StatusNotFound, fmt.Sprintf("Job with id %s was not found.", rt.jobID))
		}
	}
	f := s.pickFault(rt)
	if rep := s.faultReply(f, r, tok, rt, j); rep != nil {
		return rep
	}
	var rep *reply
	switch rt.endpoint {
	case EndpointJobs:
		rep = s.jobsReply()
	case EndpointJob:
		rep = s.jobReply(j)
	default:
		rep = s.mailboxesReply(r, j, f)
	}
	return rep.mangled(f)
}
