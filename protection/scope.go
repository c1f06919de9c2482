package protection

import (
	"fmt"

	"github.com/vbo365-exporter/vbo365_exporter/protection/intern"
)

// scope is a job's objects per workload (numbers of the users', sites' or
// teams' table), the nested groups (lower-cased names) its items lead to
// but that could not be followed, per user workload, and the site and team
// lists that could not be read, per workload. A workload not wanted has an
// empty set.
type scope struct {
	objects [numWorkloads]intern.Set
	missing [numUserWorkloads]map[string]bool
	err     [numWorkloads]error
}

// addMissingNames records groups that could not be followed for w.
func (sc *scope) addMissingNames(w Workload, names map[string]bool) {
	for name := range names {
		if sc.missing[w] == nil {
			sc.missing[w] = map[string]bool{}
		}
		sc.missing[w][name] = true
	}
}

// addMissing records the groups other could not follow as this scope's too.
func (sc *scope) addMissing(other scope) {
	for w := range other.missing {
		sc.addMissingNames(Workload(w), other.missing[w])
	}
}

// subtract removes other's objects from sc. A list other could not read
// leaves sc's workload unknown too: what it would have removed is not
// known. job names other in that error, "" for the excluded items.
func (sc *scope) subtract(other scope, job string) {
	for w := range sc.objects {
		sc.objects[w].Subtract(other.objects[w])
		if err := other.err[w]; err != nil && sc.err[w] == nil {
			if job != "" {
				err = fmt.Errorf("the scope of job %q, which this job leaves out: %w", job, err)
			}
			sc.err[w] = err
		}
	}
}

// addOrgObjects adds an organization's sites or teams, or the failure to
// list them.
func (sc *scope) addOrgObjects(w Workload, all intern.Set, err error) {
	if err != nil {
		if sc.err[w] == nil {
			sc.err[w] = err
		}
		return
	}
	sc.objects[w].Union(all)
}
