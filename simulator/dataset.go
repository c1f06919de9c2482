package simulator

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Key tags keep the id spaces of mailboxes, jobs, organisations and other
// objects disjoint, so a bijective mix of the key can never make two of them
// share a GUID.
const (
	tagMailbox uint64 = 0 << 62
	tagJob     uint64 = 1 << 62
	tagOrg     uint64 = 2 << 62
	tagMisc    uint64 = 3 << 62

	// indexBits bounds a job's physical mailbox index; mailboxes added at run
	// time start at addedBase so they never reuse an original index.
	indexBits = 40
	addedBase = uint64(1) << 39
)

// mix64 is the SplitMix64 finaliser. It is a bijection on uint64, which is
// what lets distinct keys yield distinct ids without storing anything.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// guid formats a unique 64-bit value as a version-4 style GUID. All 64 bits of
// u survive the version and variant bits, so uniqueness is preserved; extra
// supplies the remaining random-looking bits.
func guid(u, extra uint64) string {
	var b [16]byte
	binary.BigEndian.PutUint32(b[0:], uint32(u>>32))
	binary.BigEndian.PutUint16(b[4:], uint16(u>>16))
	binary.BigEndian.PutUint16(b[6:], 0x4000|uint16(u&0x0fff))
	b[8] = 0x80 | byte(extra&0x30) | byte((u>>12)&0x0f)
	for i := 9; i < 16; i++ {
		b[i] = byte(extra >> (8 * (i - 8)))
	}
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:16])
	return string(out[:])
}

// seeded turns a tagged key into the per-seed unique value every derived
// property starts from.
func (s *Simulator) seeded(key uint64) uint64 { return mix64(key ^ s.seedMix) }

func (s *Simulator) idFor(key uint64) string {
	u := s.seeded(key)
	return guid(u, mix64(u^0x9e3779b97f4a7c15))
}

func mailboxKey(job int, phys uint64) uint64 {
	return tagMailbox | uint64(job)<<indexBits | phys&(1<<indexBits-1)
}

// backedUp decides a mailbox's state from a hash-derived uniform value; the
// same function feeds both the wire and Truth, so they cannot disagree.
func (s *Simulator) backedUp(job int, phys uint64) bool {
	u := mix64(s.seeded(mailboxKey(job, phys)) + 0xd1b54a32d192ed03)
	return float64(u>>11)/(1<<53) < s.opts.BackedUpFraction
}

var (
	firstNames = []string{"Peter", "Paul", "Mary", "Anna", "James", "Olivia", "Liam", "Emma", "Noah", "Sofia", "Lucas", "Mia", "Ethan", "Ava", "Hugo", "Zoe"}
	lastNames  = []string{"Parker", "Graham", "Jensen", "Novak", "Smith", "Garcia", "Muller", "Rossi", "Dubois", "Kowalski", "Tanaka", "Silva", "Brown", "Larsen", "Meyer", "Ivanova"}
	tenants    = []string{"eastsupport", "contoso", "fabrikam", "northwind", "tailspin", "adatum", "litware", "wingtip"}
	jobNames   = []string{"Critical Mailboxes", "Executive Team", "Sales Daily", "Finance Archive", "Engineering", "Support Desk", "Legal Hold", "HR Records"}
	// Lower-case copies spare a ToLower per rendered e-mail address.
	lowerFirst = lowered(firstNames)
	lowerLast  = lowered(lastNames)
	// statuses cycles through the job states the exporter must map; index 3
	// is the job that never ran.
	statuses = []string{"Success", "Warning", "Failed", "NotConfigured", "Success", "Running", "Stopped"}
)

func lowered(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}

// mailbox is one derived SelectedMailboxes entry.
type mailbox struct {
	id          string
	first, last int    // indices into firstNames and lastNames
	num         uint64 // makes the e-mail local part unique across jobs
	backedUp    bool
	phys        uint64
}

func (m mailbox) appendEmail(b []byte, domain string) []byte {
	b = append(b, lowerFirst[m.first]...)
	b = append(b, '.')
	b = append(b, lowerLast[m.last]...)
	b = strconv.AppendUint(b, m.num, 10)
	b = append(b, '@')
	b = append(b, domain...)
	return append(b, ".onmicrosoft.com"...)
}

func (s *Simulator) mailbox(j *jobData, phys uint64) mailbox {
	u := s.seeded(mailboxKey(j.index, phys))
	extra := mix64(u ^ 0x9e3779b97f4a7c15)
	num := phys
	if phys < addedBase {
		num += j.emailBase
	}
	return mailbox{
		id:       guid(u, extra),
		first:    int(extra >> 8 % uint64(len(firstNames))),
		last:     int(extra >> 16 % uint64(len(lastNames))),
		num:      num,
		backedUp: s.backedUp(j.index, phys),
		phys:     phys,
	}
}

// jobData holds a job's fixed attributes plus its mailbox population, which
// only the MutateBetweenPages fault changes (guarded by Simulator.mu).
type jobData struct {
	index                            int
	id, name, description            string
	orgID, orgDomain, repoID, proxID string
	allMailboxes, enabled            bool
	lastStatus                       string
	lastRun, nextRun                 time.Time
	scheduleType                     string
	emailBase                        uint64

	front     []uint64 // physical indices prepended at run time, logical order
	lo, hi    uint64   // the remaining original range [lo, hi)
	nextAdded uint64
	backed    int
	past      []MailboxState // the states before each mutation, oldest first
}

// view is a consistent snapshot of a job's mailbox order for one request.
type view struct {
	front  []uint64
	lo, hi uint64
}

func (v view) len() int { return len(v.front) + int(v.hi-v.lo) }

func (v view) phys(k int) uint64 {
	if k < len(v.front) {
		return v.front[k]
	}
	return v.lo + uint64(k-len(v.front))
}

func (j *jobData) snapshot() view {
	return view{front: append([]uint64(nil), j.front...), lo: j.lo, hi: j.hi}
}

// buildJobs derives every job; start anchors run times near the simulator's
// start so a demo shows recent runs.
func (s *Simulator) buildJobs(start time.Time) {
	var emailBase uint64
	rot := int(s.seeded(tagMisc|1<<40) % uint64(len(jobNames)))
	for i := 0; i < s.opts.Jobs; i++ {
		n := s.opts.MailboxesPerJob[len(s.opts.MailboxesPerJob)-1]
		if i < len(s.opts.MailboxesPerJob) {
			n = s.opts.MailboxesPerJob[i]
		}
		org := i / 2
		j := &jobData{
			index:        i,
			id:           s.idFor(tagJob | uint64(i)),
			orgID:        s.idFor(tagOrg | uint64(org)),
			orgDomain:    tenants[org%len(tenants)],
			repoID:       s.idFor(tagMisc | uint64(org)<<1),
			proxID:       s.idFor(tagMisc | uint64(org)<<1 | 1),
			allMailboxes: i%5 == 4,
			enabled:      i%7 != 2,
			lastStatus:   statuses[i%len(statuses)],
			scheduleType: []string{"Daily", "Periodically", "Daily"}[i%3],
			emailBase:    emailBase,
			hi:           uint64(n),
			nextAdded:    addedBase,
		}
		if org >= len(tenants) {
			j.orgDomain += fmt.Sprint(org / len(tenants))
		}
		j.name = jobNames[(i+rot)%len(jobNames)]
		if i >= len(jobNames) {
			j.name += fmt.Sprintf(" %d", i/len(jobNames)+1)
		}
		j.description = []string{"Daily", "Every 4 hours", "Weekdays"}[i%3]
		if j.allMailboxes {
			j.name = "Entire organization " + j.orgDomain
		}
		if i%7 != 3 {
			frac := time.Duration(s.seeded(tagMisc|uint64(i)<<41)%10_000_000) * 100
			j.lastRun = start.Add(-time.Duration(i*53+17)*time.Minute - frac)
		}
		if j.enabled {
			j.nextRun = start.Truncate(time.Hour).Add(time.Duration(i%6+1) * time.Hour)
		}
		for p := uint64(0); p < j.hi; p++ {
			if s.backedUp(i, p) {
				j.backed++
			}
		}
		emailBase += uint64(n)
		s.jobs = append(s.jobs, j)
	}
}

// mutate adds a mailbox at the front of the job (add) or drops its first one,
// shifting every later offset by one.
func (j *jobData) mutate(s *Simulator, add bool) {
	j.past = append(j.past, MailboxState{j.snapshot().len(), j.backed})
	if add {
		p := j.nextAdded
		j.nextAdded++
		j.front = append([]uint64{p}, j.front...)
		if s.backedUp(j.index, p) {
			j.backed++
		}
		return
	}
	var p uint64
	switch {
	case len(j.front) > 0:
		p, j.front = j.front[0], j.front[1:]
	case j.lo < j.hi:
		p = j.lo
		j.lo++
	default:
		return
	}
	if s.backedUp(j.index, p) {
		j.backed--
	}
}

func (s *Simulator) findJob(id string) *jobData {
	for _, j := range s.jobs {
		if strings.EqualFold(j.id, id) {
			return j
		}
	}
	return nil
}
