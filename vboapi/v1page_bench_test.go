package vboapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// benchPageItems is the page size the decoder benchmarks use: the exporter's
// default page_size, so the numbers match what a scrape decodes.
const benchPageItems = 1000

var (
	benchPageOnce sync.Once
	benchPage     []byte
)

// simulatorPage renders one real SelectedMailboxes page in process, so the
// benchmarks decode exactly the bytes the simulator (and so the e2e harness)
// sends, field order, quoting and link shape included.
func simulatorPage(b *testing.B) []byte {
	b.Helper()
	benchPageOnce.Do(func() {
		sim := simulator.New(simulator.Options{Jobs: 1, MailboxesPerJob: []int{10 * benchPageItems}, Seed: 1})
		form := url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {"secret"}}
		req := httptest.NewRequest(http.MethodPost, "/v1/Token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, req)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
			b.Fatalf("token: %v %s", err, rec.Body.String())
		}
		// A page from the middle of the list: it carries both next and
		// previous links, like most pages of a big job.
		path := "/v1/Jobs/" + sim.Truth()[0].ID + "/SelectedMailboxes?offset=3000&limit=1000"
		req = httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		rec = httptest.NewRecorder()
		sim.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("page: %d %s", rec.Code, rec.Body.String())
		}
		benchPage = rec.Body.Bytes()
	})
	if benchPage == nil {
		b.Fatal("no page rendered")
	}
	return benchPage
}

// reportPerMailbox turns the loop's totals into per-mailbox figures, the
// unit the scale targets are stated in.
func reportPerMailbox(b *testing.B, mailboxesPerOp int) {
	b.Helper()
	n := float64(b.N) * float64(mailboxesPerOp)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/mailbox")
}

// bytesPerMailbox measures heap allocation per mailbox outside the timed
// loop, because testing.B reports it only per op, and per op hides whether a
// cost scales with the page or with the mailbox.
// It returns a func that reports them, to be called after the timed loop
// since ResetTimer drops metrics reported before it.
func bytesPerMailbox(b *testing.B, mailboxesPerOp int, op func()) (report func()) {
	b.Helper()
	const rounds = 20
	op() // fills pools and buffers, as in a long-running exporter
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range rounds {
		op()
	}
	runtime.ReadMemStats(&after)
	n := float64(rounds * mailboxesPerOp)
	return func() {
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n, "B/mailbox")
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/mailbox")
	}
}

// BenchmarkDecodePage is the exporter's streaming decoder on one page.
// details=true is the unprotected_mailbox_series path that also keeps the
// names of mailboxes that are not backed up.
func BenchmarkDecodePage(b *testing.B) {
	body := simulatorPage(b)
	for _, details := range []bool{false, true} {
		name := "details=false"
		if details {
			name = "details=true"
		}
		b.Run(name, func(b *testing.B) {
			var p page
			r := bytes.NewReader(body)
			op := func() {
				r.Reset(body)
				if err := decodePage(r, details, &p); err != nil {
					b.Fatal(err)
				}
			}
			op()
			if len(p.items) != benchPageItems {
				b.Fatalf("decoded %d mailboxes, want %d", len(p.items), benchPageItems)
			}
			report := bytesPerMailbox(b, benchPageItems, op)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				op()
			}
			reportPerMailbox(b, benchPageItems)
			report()
		})
	}
}

// benchPageJSON is the obvious encoding/json model of a page; it is the
// baseline the streaming decoder is judged against.
type benchPageJSON struct {
	Offset  int `json:"offset"`
	Limit   int `json:"limit"`
	Results []struct {
		ID         string `json:"id"`
		Email      string `json:"email"`
		Name       string `json:"name"`
		IsBackedUp any    `json:"isBackedUp"`
	} `json:"results"`
	Links struct {
		Next *struct {
			Href string `json:"href"`
		} `json:"next"`
	} `json:"_links"`
}

// BenchmarkDecodePageEncodingJSON decodes the same bytes with encoding/json
// into structs, as a straightforward client would.
func BenchmarkDecodePageEncodingJSON(b *testing.B) {
	body := simulatorPage(b)
	op := func() {
		var p benchPageJSON
		if err := json.Unmarshal(body, &p); err != nil {
			b.Fatal(err)
		}
		if len(p.Results) != benchPageItems {
			b.Fatalf("decoded %d mailboxes", len(p.Results))
		}
	}
	report := bytesPerMailbox(b, benchPageItems, op)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		op()
	}
	reportPerMailbox(b, benchPageItems)
	report()
}

// BenchmarkJSONValid is the floor: a syntax check of the same bytes, which
// any decoder has to do at least.
func BenchmarkJSONValid(b *testing.B) {
	body := simulatorPage(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for range b.N {
		if !json.Valid(body) {
			b.Fatal("invalid")
		}
	}
	reportPerMailbox(b, benchPageItems)
}

// BenchmarkJSONTextSkip walks the whole page with jsontext and no work per
// value, under the default options and with the checks the exporter does not
// need (duplicate names, UTF-8 validity) turned off: it bounds what the
// token decoder can give and what those options are worth.
func BenchmarkJSONTextSkip(b *testing.B) {
	body := simulatorPage(b)
	for _, tc := range []struct {
		name string
		opts []jsontext.Options
	}{
		{"default", nil},
		{"relaxed", []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			r := bytes.NewReader(body)
			dec := jsontext.NewDecoder(r, tc.opts...)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for range b.N {
				r.Reset(body)
				dec.Reset(r, tc.opts...)
				if err := dec.SkipValue(); err != nil {
					b.Fatal(err)
				}
			}
			reportPerMailbox(b, benchPageItems)
		})
	}
}

// BenchmarkScanFloor is a hand-written single pass over the page that finds
// every string and structural byte without validating anything: a floor
// for a special-purpose scanner, far below which no decoder can go.
func BenchmarkScanFloor(b *testing.B) {
	body := simulatorPage(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var objects int
	for range b.N {
		objects = 0
		for i := 0; i < len(body); i++ {
			switch body[i] {
			case '"':
				for {
					j := bytes.IndexByte(body[i+1:], '"')
					if j < 0 {
						b.Fatal("unterminated string")
					}
					i += j + 1
					if body[i-1] != '\\' {
						break
					}
				}
			case '{':
				objects++
			}
		}
	}
	if objects < benchPageItems {
		b.Fatalf("%d objects", objects)
	}
	reportPerMailbox(b, benchPageItems)
}
