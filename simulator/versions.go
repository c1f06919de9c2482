package simulator

import "strings"

// Versions the simulator can serve. v6, v7 and v8 share one tenant; v1 keeps
// its own jobs and mailboxes (Options.Jobs, MailboxesPerJob).
var knownVersions = []string{"v1", "v6", "v7", "v8"}

// builds are the product builds reported by GET /vN/ServiceInstance. A
// server is one product: every prefix reports the build of the newest one
// served, as an 8.x server does on /v6 and /v7. v8's depends on the minor
// release (v8Builds).
var builds = map[int]string{6: "6.1.0.254", 7: "7.1.0.2031"}

// The v8 minor releases Options.V8Release chooses between. Their /v8
// shapes differ (Veeam's 8.0-era and 8.4-era v8 schemas): 8.4 dropped the
// private RESTJob.totalObjects and processedObjects and
// RESTJobSession.total, and added dataLocation to RESTUser, RESTGroup,
// RESTGroupMember, RESTSite and RESTTeam.
const (
	V8Release80 = "8.0"
	V8Release84 = "8.4"
)

// v8Builds are the builds a server of each v8 minor release reports:
// 8.0.2.159 is the first build the reference maps to /v8; the 8.4 build's
// last two parts are made up.
var v8Builds = map[string]string{V8Release80: "8.0.2.159", V8Release84: "8.4.0.1020"}

// build is the product build the simulator reports.
func (s *Simulator) build() string {
	if s.newest() == 8 {
		return v8Builds[s.opts.V8Release]
	}
	return builds[s.newest()]
}

// v8Is80 reports whether /v8 answers in the shapes of 8.0; v reads it
// where the shapes differ.
func (v *vreq) v8Is80() bool { return v.rt.ver == 8 && v.s.opts.V8Release == V8Release80 }

// v8Is84 reports whether v is a /v8 request of an 8.4 server.
func (v *vreq) v8Is84() bool { return v.rt.ver == 8 && v.s.opts.V8Release == V8Release84 }

// parseVersions keeps the known prefixes of vs, lower-cased; unknown ones
// are dropped (the command validates its flag). It returns the served set
// indexed by version number.
func parseVersions(vs []string) (kept []string, served [9]bool) {
	for _, v := range vs {
		v = strings.ToLower(strings.TrimSpace(v))
		for i, k := range knownVersions {
			if v == k && !served[versionNumber(k)] {
				served[versionNumber(k)] = true
				kept = append(kept, knownVersions[i])
			}
		}
	}
	return kept, served
}

func versionNumber(prefix string) int { return int(prefix[1] - '0') }

// newest is the highest v6+ version served, or 0.
func (s *Simulator) newest() int {
	for v := 8; v >= 6; v-- {
		if s.served[v] {
			return v
		}
	}
	return 0
}

// ServiceInstance returns the installationId and build version the
// simulator reports on GET /vN/ServiceInstance; version is empty when no
// v6+ prefix is served (v1 has no such endpoint).
func (s *Simulator) ServiceInstance() (installationID, version string) {
	return s.installID, s.build()
}
