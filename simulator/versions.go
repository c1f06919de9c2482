package simulator

import "strings"

// Versions the simulator can serve. v6, v7 and v8 share one tenant; v1 keeps
// its own jobs and mailboxes (Options.Jobs, MailboxesPerJob).
var knownVersions = []string{"v1", "v6", "v7", "v8"}

// builds are the product builds reported by GET /vN/ServiceInstance. A
// server is one product: every prefix reports the build of the newest one
// served, as an 8.x server does on /v6 and /v7.
var builds = map[int]string{6: "6.1.0.254", 7: "7.1.0.2031", 8: "8.1.0.305"}

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
	return s.installID, builds[s.newest()]
}
