package vboapi

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestDecodePage(t *testing.T) {
	const guidA, guidB = "479ae6aa-610b-4652-8966-5db06021903c", "D38FBC9F-E856-4BC2-8DED-3E92ADDE2360"
	p := new(page)
	body := `{"offset":0,"limit":2,"results":[
		{"id":"` + guidA + `","email":"petep@x.onmicrosoft.com","name":"Peter Parker","isBackedUp":"true","_links":{"self":{"href":"https://a/v1/x"}}},
		{"name":"Paul \"PG\" Graham","email":"pg@x.onmicrosoft.com","isBackedup":false,"id":"` + guidB + `"}
	],"_links":{"self":{"href":"https://support.east.local:4443/v1/Jobs/j/SelectedMailboxes?offset=0&limit=2"},"next":{"href":"https://support.east.local:4443/v1/Jobs/j/SelectedMailboxes?offset=2&limit=2"}}}`
	if err := decodePage(strings.NewReader(body), true, p); err != nil {
		t.Fatal(err)
	}
	if p.offset != 0 || p.limit != 2 || !p.hasNext || p.nextOffset != 2 || len(p.items) != 2 {
		t.Fatalf("page = %+v", p)
	}
	if p.items[0].state != backedUp || p.items[1].state != notBackedUp {
		t.Errorf("states = %v, %v", p.items[0].state, p.items[1].state)
	}
	// Only the mailbox that is not backed up is named.
	want := []indexedMailbox{{1, Mailbox{ID: guidB, Email: "pg@x.onmicrosoft.com", Name: `Paul "PG" Graham`}}}
	if len(p.unprotected) != 1 || p.unprotected[0] != want[0] {
		t.Errorf("named = %+v, want %+v", p.unprotected, want)
	}
	var a, b mailboxKey
	if !parseGUID([]byte(guidA), &a) || !parseGUID([]byte(strings.ToLower(guidB)), &b) || p.items[0].key != a || p.items[1].key != b {
		t.Errorf("keys are not the GUID bytes, or GUID case changes the key")
	}
}

func TestDecodePageKeys(t *testing.T) {
	p := new(page)
	body := `{"results":[{"id":"not-a-guid","isBackedUp":"true"},{"id":"not-a-guiD","isBackedUp":"true"},{"id":42,"isBackedUp":"true"},{"id":"\u0034\u0032","isBackedUp":"true"}]}`
	if err := decodePage(strings.NewReader(body), false, p); err != nil {
		t.Fatal(err)
	}
	seen := map[mailboxKey]bool{}
	for _, it := range p.items {
		seen[it.key] = true
	}
	// Ids that are not GUIDs are compared exactly; the number 42 and the
	// string "42" are different ids.
	if len(seen) != 4 {
		t.Fatalf("%d distinct keys, want 4", len(seen))
	}
}

func TestDecodePageRejectsBrokenBodies(t *testing.T) {
	good := `{"offset":0,"limit":30,"results":[{"id":"a","isBackedUp":"true"}]}`
	cases := map[string]string{
		"truncated":           good[:len(good)-3],
		"truncated in string": `{"offset":0,"results":[{"id":"a`,
		"malformed":           `{"offset":0,"results":[{"id":"a",,"isBackedUp":"true"}]}`,
		"trailing data":       good + `{"results":[]}`,
		"html":                `<html><body>Service Unavailable</body></html>`,
		"array":               `[{"id":"a"}]`,
		"no results":          `{"offset":0,"limit":30}`,
		"results not array":   `{"results":{"id":"a"}}`,
		"mailbox without id":  `{"results":[{"isBackedUp":"true"}]}`,
		"mailbox not object":  `{"results":["a"]}`,
		"negative offset":     `{"offset":-1,"results":[]}`,
		"fractional limit":    `{"limit":2.5,"results":[]}`,
		"empty":               ``,
		"duplicate names":     `{"results":[{"id":"a","id":"b","isBackedUp":"true"}]}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			if err := decodePage(strings.NewReader(body), false, new(page)); err == nil {
				t.Fatalf("accepted %q", body)
			}
		})
	}
}

func TestOffsetOfIgnoresHost(t *testing.T) {
	for href, want := range map[string]int64{
		"https://other.host:4443/v1/Jobs/x/SelectedMailboxes?offset=60&limit=30": 60,
		"/v6/Jobs/x/SelectedMailboxes?limit=30&Offset=90":                        90,
		"https://h/v1/x?limit=30":                                                -1,
		"%zz":                                                                    -1,
	} {
		if got := offsetOf(href); got != want {
			t.Errorf("offsetOf(%q) = %d, want %d", href, got, want)
		}
	}
}

// slowParseGUID is the digit-pair-at-a-time reading that parseGUID must
// agree with.
func slowParseGUID(s []byte, key *mailboxKey) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	pairs := [16]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}
	for j, i := range pairs {
		hi, lo := hexValue(s[i]), hexValue(s[i+1])
		if hi < 0 || lo < 0 {
			return false
		}
		key[j] = byte(hi<<4 | lo)
	}
	return true
}

// TestParseGUIDMatchesSlow puts every byte value at every position of a
// GUID, and checks random GUIDs in both cases, against the slow reading.
func TestParseGUIDMatchesSlow(t *testing.T) {
	check := func(s []byte) {
		t.Helper()
		var fast, slow mailboxKey
		okFast, okSlow := parseGUID(s, &fast), slowParseGUID(s, &slow)
		if okFast != okSlow || okSlow && fast != slow {
			t.Fatalf("%q: parseGUID %v %x, want %v %x", s, okFast, fast, okSlow, slow)
		}
	}
	base := []byte("0123abcd-EF45-6789-aBcD-ef0123456789")
	for pos := range base {
		for c := range 256 {
			s := slices.Clone(base)
			s[pos] = byte(c)
			check(s)
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	const digits = "0123456789abcdefABCDEF"
	for range 10000 {
		s := slices.Clone(base)
		for i := range s {
			if s[i] != '-' {
				s[i] = digits[rng.IntN(len(digits))]
			}
		}
		check(s)
	}
}
