package vboapi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// pageCache replays SelectedMailboxes bodies the simulator rendered once, so
// that a benchmark's CPU and allocations are the client's and not the
// simulator's, which shares the process. Other requests go to the simulator.
type pageCache struct {
	next http.Handler
	mu   sync.RWMutex
	body map[string][]byte // by raw query
}

func (c *pageCache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/SelectedMailboxes") {
		c.next.ServeHTTP(w, r)
		return
	}
	c.mu.RLock()
	b, ok := c.body[r.URL.RawQuery]
	c.mu.RUnlock()
	if !ok {
		rec := httptest.NewRecorder()
		c.next.ServeHTTP(rec, r)
		if rec.Code != http.StatusOK {
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		b = rec.Body.Bytes()
		c.mu.Lock()
		c.body[r.URL.RawQuery] = b
		c.mu.Unlock()
	}
	// Chunked, in the simulator's 32 KiB writes, so the client reads the
	// same framing as from the live simulator.
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	for len(b) > 0 {
		n := min(len(b), 32<<10)
		if _, err := w.Write(b[:n]); err != nil {
			return
		}
		b = b[n:]
	}
}

// BenchmarkSelectedMailboxes pages through one 100k-mailbox job end to end
// in process: HTTP over loopback, decoding, de-duplication and scheduling,
// with no simulated latency. sim=live includes the simulator's rendering in
// the same process; sim=replay serves bytes rendered once and so isolates the
// client.
func BenchmarkSelectedMailboxes(b *testing.B) {
	const (
		mailboxes   = 100_000
		pageSize    = 1000
		concurrency = 8
	)
	for _, mode := range []string{"replay", "live"} {
		b.Run("sim="+mode, func(b *testing.B) {
			sim := simulator.New(simulator.Options{Jobs: 1, MailboxesPerJob: []int{mailboxes}, Seed: 1})
			var h http.Handler = sim
			if mode == "replay" {
				h = &pageCache{next: sim, body: map[string][]byte{}}
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			u, _ := url.Parse(srv.URL)
			c, err := New(Options{Server: "bench", BaseURL: u, Username: "admin", Password: "secret", MaxConcurrent: concurrency})
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			jobID := sim.Truth()[0].ID
			ctx := context.Background()
			var hint MailboxHint // as a poller keeps it between polls
			run := func() {
				counts, err := c.SelectedMailboxes(ctx, jobID, pageSize, 0, &hint)
				if err != nil {
					b.Fatal(err)
				}
				if counts.Mailboxes != mailboxes {
					b.Fatalf("counted %d mailboxes, want %d", counts.Mailboxes, mailboxes)
				}
			}
			run() // token, connections, and the replay cache
			report := bytesPerMailbox(b, mailboxes, run)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				run()
			}
			reportPerMailbox(b, mailboxes)
			report()
		})
	}
}

// BenchmarkDedupSet measures what the de-duplication set costs per mailbox
// once filled, the part of a scrape's memory that grows with the job. Random
// keys stand in for GUIDs, which are random too. presized shows what a size
// hint (e.g. the previous poll's count) would save. key=8 keys the set by
// an 8-byte fold of the key instead, to show whether a smaller key shrinks a
// Go map: it does not, because the slot of a map with a struct{} value is
// padded (a trailing zero-size field), so only a hand-made set would gain.
func BenchmarkDedupSet(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		for _, presized := range []bool{false, true} {
			for _, kind := range []string{"idset", "map"} {
				b.Run(fmt.Sprintf("n=%d/presized=%v/%s", n, presized, kind), func(b *testing.B) {
					benchDedup(b, n, presized, kind)
				})
			}
		}
	}
}

// benchDedup measures the exporter's idSet against a Go map of the same
// 16-byte keys, which it replaced.
func benchDedup(b *testing.B, n int, presized bool, kind string) {
	rng := rand.New(rand.NewPCG(1, 2))
	keys := make([]mailboxKey, n)
	for i := range keys {
		for j := 0; j < 16; j += 8 {
			v := rng.Uint64()
			for k := range 8 {
				keys[i][j+k] = byte(v >> (8 * k))
			}
		}
	}
	hint := 0
	if presized {
		hint = n
	}
	var perEntry float64
	var inserting time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	// The timer keeps running through the GCs: stopping it would make the
	// framework raise b.N until the GCs alone take minutes. Insert time is
	// measured separately instead.
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		var size int
		var keep any
		if kind == "idset" {
			set := newIDSet(hint)
			for _, k := range keys {
				set.add(k)
			}
			size, keep = set.len(), set
		} else {
			set := make(map[mailboxKey]struct{}, hint)
			for _, k := range keys {
				set[k] = struct{}{}
			}
			size, keep = len(set), set
		}
		inserting += time.Since(start)
		runtime.GC()
		runtime.ReadMemStats(&after)
		if size != n {
			b.Fatalf("%d entries", size)
		}
		runtime.KeepAlive(keep)
		perEntry = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
	}
	b.ReportMetric(perEntry, "B/entry")
	b.ReportMetric(float64(inserting.Nanoseconds())/float64(b.N*n), "ns/insert")
}
