package simulator

import (
	"strconv"
	"time"
)

// JSON is appended by hand: key order follows the documentation examples,
// and booleans must switch between quoted and bare forms per Options.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string literal.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// appendBool follows the v1.5 docs, which quote scalar booleans, unless the
// simulator is told to emit real JSON booleans like v2+ servers.
func (s *Simulator) appendBool(b []byte, v bool) []byte {
	switch {
	case s.opts.BoolsAsJSON:
		return strconv.AppendBool(b, v)
	case v:
		return append(b, `"true"`...)
	default:
		return append(b, `"false"`...)
	}
}

// appendTime writes a .NET round-trip UTC timestamp (7 fractional digits),
// or null for a zero time, as Json.NET does for an unset DateTime?.
func appendTime(b []byte, t time.Time, frac bool) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	layout := `"2006-01-02T15:04:05Z"`
	if frac {
		layout = `"2006-01-02T15:04:05.0000000Z"`
	}
	return t.UTC().AppendFormat(b, layout)
}

func (s *Simulator) appendLink(b []byte, name, path string, last bool) []byte {
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `":{"href":`...)
	b = appendString(b, s.opts.PublicURL+path)
	b = append(b, '}')
	if !last {
		b = append(b, ',')
	}
	return b
}

func (s *Simulator) appendJob(b []byte, j *jobData) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, j.id)
	b = append(b, `,"name":`...)
	b = appendString(b, j.name)
	b = append(b, `,"description":`...)
	b = appendString(b, j.description)
	b = append(b, `,"allMailboxes":`...)
	b = s.appendBool(b, j.allMailboxes)
	b = append(b, `,"lastStatus":`...)
	b = appendString(b, j.lastStatus)
	b = append(b, `,"lastRun":`...)
	b = appendTime(b, j.lastRun, true)
	b = append(b, `,"nextRun":`...)
	b = appendTime(b, j.nextRun, false)
	b = append(b, `,"isEnabled":`...)
	b = s.appendBool(b, j.enabled)
	b = append(b, `,"schedulePolicy":{"type":`...)
	b = appendString(b, j.scheduleType)
	if j.scheduleType == "Periodically" {
		b = append(b, `,"periodicallyEvery":"Hours4"`...)
	}
	b = append(b, `,"dailyType":"Everyday","dailyTime":"22:00:00","retryEnabled":`...)
	b = s.appendBool(b, true)
	b = append(b, `,"retryNumber":3,"retryWaitInterval":10},"_links":{`...)
	jp := "/v1/Jobs/" + j.id
	b = s.appendLink(b, "self", jp, false)
	b = s.appendLink(b, "organization", "/v1/Organizations/"+j.orgID, false)
	b = s.appendLink(b, "repository", "/v1/BackupRepositories/"+j.repoID, false)
	b = s.appendLink(b, "proxy", "/v1/Proxies/"+j.proxID, false)
	b = s.appendLink(b, "selectedMailboxes", jp+"/SelectedMailboxes", false)
	b = s.appendLink(b, "jobsessions", jp+"/JobSessions", true)
	return append(b, "}}"...)
}

// oddForms are the isBackedUp renderings the OddBooleans fault rotates
// through. A correct client counts a mailbox as backed up only for a JSON
// true or a case-insensitive "true" string under either spelling; the
// forms are assigned so that exactly the truly backed-up mailboxes get such a
// value, which keeps Truth valid under the fault.
var (
	oddTrue  = []string{`"TRUE"`, `true`, `"True"`, `"true"`}
	oddFalse = []string{`"False"`, `null`, ``, `"yes"`, `1`, `false`, `"FALSE"`, `0`, `"no"`}
)

func (s *Simulator) appendMailbox(b []byte, j *jobData, m mailbox, odd bool) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, m.id)
	// Names and domains come from fixed ASCII lists, so they need no
	// escaping and are appended directly to avoid per-item allocations.
	b = append(b, `,"email":"`...)
	b = m.appendEmail(b, j.orgDomain)
	b = append(b, `","name":"`...)
	b = append(b, firstNames[m.first]...)
	b = append(b, ' ')
	b = append(b, lastNames[m.last]...)
	b = append(b, '"')
	key := s.opts.BackedUpSpelling
	switch {
	case !odd:
		b = append(b, `,"`+key+`":`...)
		b = s.appendBool(b, m.backedUp)
	case m.backedUp:
		form := oddTrue[m.phys%uint64(len(oddTrue))]
		if m.phys%3 == 0 { // the other documented spelling
			key = otherSpelling(key)
		}
		b = append(b, `,"`+key+`":`+form...)
	default:
		if form := oddFalse[m.phys%uint64(len(oddFalse))]; form != "" {
			b = append(b, `,"`+key+`":`+form...)
		}
	}
	b = append(b, `,"_links":{"self":{"href":"`...)
	b = append(b, s.orgURL...)
	b = append(b, j.orgID...)
	b = append(b, "/Mailboxes/"...)
	b = append(b, m.id...)
	b = append(b, `"},"organization":{"href":"`...)
	b = append(b, s.orgURL...)
	b = append(b, j.orgID...)
	return append(b, `"}}}`...)
}

func otherSpelling(key string) string {
	if key == "isBackedUp" {
		return "isBackedup"
	}
	return "isBackedUp"
}
