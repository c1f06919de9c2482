package simulator

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// The timing tests run on the fake clock of a synctest bubble, where a
// delay is exactly its length.

func TestLatencyModel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, sim := newMemServer(t, Options{MailboxesPerJob: []int{200}, BaseDelay: 40 * time.Millisecond, PerItemDelay: 2 * time.Millisecond})
		job := sim.Truth()[0].ID
		for _, tt := range []struct {
			path string
			want time.Duration
		}{
			{"/v1/Jobs", 40 * time.Millisecond},
			{fmt.Sprintf("/v1/Jobs/%s/SelectedMailboxes?limit=10", job), 60 * time.Millisecond},
			{fmt.Sprintf("/v1/Jobs/%s/SelectedMailboxes?limit=100", job), 240 * time.Millisecond},
			{fmt.Sprintf("/v1/Jobs/%s/SelectedMailboxes?offset=500", job), 40 * time.Millisecond},
		} {
			start := time.Now()
			c.get(tt.path)
			if got := time.Since(start); got != tt.want {
				t.Errorf("%s took %v, want %v", tt.path, got, tt.want)
			}
		}
	})
}

func TestMaxConcurrentQueuesFIFO(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const limit, clients, delay = 2, 6, 60 * time.Millisecond
		c, sim := newMemServer(t, Options{MaxConcurrent: limit, BaseDelay: delay})
		sim.ResetCounters()
		var wg sync.WaitGroup
		durations := make([]time.Duration, clients)
		start := time.Now()
		for i := range clients {
			wg.Go(func() {
				t0 := time.Now()
				if st, _ := c.get("/v1/Jobs"); st != 200 {
					t.Errorf("status %d", st)
				}
				durations[i] = time.Since(t0)
			})
		}
		wg.Wait()
		total := time.Since(start)
		if p := sim.PeakServing(); p > limit || p < 1 {
			t.Errorf("peak serving %d, limit %d", p, limit)
		}
		if p := sim.PeakConcurrent(); p < limit+1 {
			t.Errorf("peak concurrent %d: requests did not queue", p)
		}
		// Six requests through two slots take three rounds; queue wait counts.
		if want := 3 * delay; total != want {
			t.Errorf("took %v, want %v", total, want)
		}
		if slowest := slices.Max(durations); slowest != 3*delay {
			t.Errorf("slowest request %v, want %v: queue wait not counted", slowest, 3*delay)
		}
	})
}

func TestLimiterOrderAndCancel(t *testing.T) {
	synctest.Test(t, testLimiterOrderAndCancel)
}

func testLimiterOrderAndCancel(t *testing.T) {
	l := &limiter{max: 1}
	if !l.acquire(context.Background()) {
		t.Fatal("first acquire")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancelled := make(chan bool)
	go func() { cancelled <- l.acquire(ctx) }()
	order := make(chan int, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		time.Sleep(10 * time.Millisecond) // enqueue in a known order
		wg.Go(func() {
			if l.acquire(context.Background()) {
				order <- i
				time.Sleep(5 * time.Millisecond)
				l.release()
			}
		})
	}
	time.Sleep(10 * time.Millisecond)
	cancel()
	if <-cancelled {
		t.Error("cancelled waiter got a slot")
	}
	l.release()
	wg.Wait()
	close(order)
	want := 0
	for got := range order {
		if got != want {
			t.Errorf("served %d, want %d (FIFO)", got, want)
		}
		want++
	}
	if l.inUse != 0 || len(l.queue) != 0 {
		t.Errorf("limiter leaked: inUse %d queue %d", l.inUse, len(l.queue))
	}
}

func TestDelayRespectsClientCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, _ := newMemServer(t, Options{BaseDelay: 5 * time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v1/Jobs", nil)
		start := time.Now()
		if _, err := c.hc.Do(req); err == nil {
			t.Fatal("expected timeout")
		}
		if got := time.Since(start); got != 100*time.Millisecond {
			t.Errorf("gave up after %v, want the client's 100ms", got)
		}
	})
}
