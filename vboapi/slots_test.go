package vboapi

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"testing/synctest"
)

// TestSlotsServeUrgentFirstThenInOrder: with the only slot taken, waiters
// are served urgent ones first, each class in arrival order.
func TestSlotsServeUrgentFirstThenInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSlots(1)
		if err := s.acquire(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var served []string
		for _, w := range []struct {
			name       string
			deferrable bool
		}{{"d1", true}, {"u1", false}, {"d2", true}, {"u2", false}} {
			go func() {
				if err := s.acquire(context.Background(), w.deferrable); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				served = append(served, w.name)
				mu.Unlock()
				s.release()
			}()
			synctest.Wait() // queued before the next one arrives
		}
		s.release()
		synctest.Wait()
		if want := []string{"u1", "u2", "d1", "d2"}; !reflect.DeepEqual(served, want) {
			t.Errorf("served %v, want %v", served, want)
		}
		if s.free != 1 {
			t.Errorf("%d slots free at the end, want 1", s.free)
		}
	})
}

// TestSlotsDeferrableWaitsBehindWaiters: a free slot goes to a deferrable
// request only when no urgent one waits.
func TestSlotsDeferrableWaitsBehindWaiters(t *testing.T) {
	s := newSlots(2)
	if err := s.acquire(context.Background(), true); err != nil {
		t.Fatal("a deferrable request waited with every slot free")
	}
	if err := s.acquire(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	if s.free != 0 {
		t.Fatalf("%d free", s.free)
	}
}

// TestSlotsCancelledWaiterLeavesNoTrace: a waiter whose context ends is
// removed, and a slot handed to it as it gave up is passed on, not lost.
func TestSlotsCancelledWaiterLeavesNoTrace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSlots(1)
		_ = s.acquire(context.Background(), false)
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- s.acquire(ctx, true) }()
		synctest.Wait()
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		if len(s.waiting[1]) != 0 {
			t.Fatal("the cancelled waiter is still queued")
		}
		s.release()
		if s.free != 1 {
			t.Fatalf("%d free, want 1", s.free)
		}

		// Granted and cancelled at once: whichever wins, the slot is not lost.
		_ = s.acquire(context.Background(), false)
		ctx, cancel = context.WithCancel(context.Background())
		go func() { errc <- s.acquire(ctx, false) }()
		synctest.Wait()
		s.release() // hands it over
		cancel()
		if err := <-errc; err == nil {
			s.release()
		}
		if s.free != 1 || len(s.waiting[0]) != 0 {
			t.Fatalf("%d free, %d waiting; want 1 and 0", s.free, len(s.waiting[0]))
		}
	})
}
