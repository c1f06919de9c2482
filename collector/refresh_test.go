package collector

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/common/model"

	"github.com/vbo365-exporter/vbo365_exporter/poll"
	"github.com/vbo365-exporter/vbo365_exporter/simulator"
)

// refreshingExporter is an exporter of a v8 simulator on a memNet with
// protection_interval 10m; call it inside a synctest bubble.
func refreshingExporter(t *testing.T) (*Exporter, *simulator.Simulator) {
	t.Helper()
	s, sim, n := memV6PlusServer(t, "v8", 5, simulator.TenantOptions{Users: 60})
	s.ProtectionInterval = model.Duration(10 * time.Minute)
	e := memExporter(t, n, nil, s)
	return e, sim
}

func figuresTimes(t *testing.T, res *poll.ServerResult) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	for _, j := range res.Jobs {
		if !j.Success {
			t.Fatalf("job %s: %v", j.Name, j.Err)
		}
		out[j.ID] = j.FiguresAt
	}
	return out
}

// TestProtectionIntervalRefreshesInTheBackground: the first poll waits for
// the first figures; polls within the interval read no scope or user data;
// a poll after it answers at once with the earlier figures and starts a
// refresh, whose figures the next poll shows.
func TestProtectionIntervalRefreshesInTheBackground(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, sim := refreshingExporter(t)
		ctx := context.Background()
		first := e.Poll(ctx)[0]
		checkTruth(t, first, sim)
		t0 := figuresTimes(t, first)
		data := sim.Requests(simulator.EndpointUserData)

		time.Sleep(time.Minute)
		again := e.Poll(ctx)[0]
		checkTruth(t, again, sim)
		if n := sim.Requests(simulator.EndpointUserData); n != data {
			t.Errorf("a poll within protection_interval read user data (%d requests, was %d)", n, data)
		}
		for id, at := range figuresTimes(t, again) {
			if !at.Equal(t0[id]) {
				t.Errorf("job %s: figures of %v within the interval, want those of %v", id, at, t0[id])
			}
		}

		time.Sleep(10 * time.Minute)
		late := e.Poll(ctx)[0] // starts a refresh and does not wait for it
		for id, at := range figuresTimes(t, late) {
			if !at.Equal(t0[id]) {
				t.Errorf("job %s: the poll that starts a refresh shows figures of %v, want the earlier %v", id, at, t0[id])
			}
		}
		synctest.Wait()
		if n := sim.Requests(simulator.EndpointUserData); n <= data {
			t.Errorf("no refresh after the interval (%d user data requests)", n)
		}
		fresh := e.Poll(ctx)[0]
		checkTruth(t, fresh, sim)
		for id, at := range figuresTimes(t, fresh) {
			if !at.After(t0[id]) {
				t.Errorf("job %s: figures of %v after the refresh, want newer than %v", id, at, t0[id])
			}
		}
	})
}

// TestFailedRefreshKeepsCompleteFigures: a refresh that fails never replaces
// complete figures with partial ones, nor removes them; their time shows
// their age. A job's first refresh failing leaves it with success 0.
func TestFailedRefreshKeepsCompleteFigures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, sim := refreshingExporter(t)
		ctx := context.Background()
		first := e.Poll(ctx)[0]
		checkTruth(t, first, sim)
		t0 := figuresTimes(t, first)

		sim.AddFault(simulator.Fault{Endpoint: simulator.EndpointUserData, Kind: simulator.StatusError, Status: 500})
		time.Sleep(11 * time.Minute)
		e.Poll(ctx)
		synctest.Wait() // the refresh failed
		kept := e.Poll(ctx)[0]
		checkTruth(t, kept, sim)
		for id, at := range figuresTimes(t, kept) {
			if !at.Equal(t0[id]) {
				t.Errorf("job %s: figures of %v after a failed refresh, want the complete ones of %v", id, at, t0[id])
			}
		}
	})
	synctest.Test(t, func(t *testing.T) {
		e, sim := refreshingExporter(t)
		sim.AddFault(simulator.Fault{Endpoint: simulator.EndpointUsers, Kind: simulator.StatusError, Status: 500})
		res := e.Poll(context.Background())[0]
		failed := 0
		for _, j := range res.Jobs {
			if !j.Success {
				failed++
				if j.Err == nil || j.Figures.Mailboxes != 0 {
					t.Errorf("job %s failed its first refresh but has err=%v counts=%+v", j.Name, j.Err, j.Figures)
				}
			}
		}
		if failed == 0 {
			t.Error("no job failed although the organization's users cannot be read")
		}
	})
}

// TestCloseStopsARefresh: a reload or shutdown in the middle of a refresh
// ends it; the bubble fails the test if a goroutine is left behind.
func TestCloseStopsARefresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e, sim := refreshingExporter(t)
		e.Poll(context.Background())
		sim.AddFault(simulator.Fault{Endpoint: simulator.EndpointUserData, Kind: simulator.SlowDrip})
		time.Sleep(11 * time.Minute)
		e.Poll(context.Background())
		e.Close()
	})
}
