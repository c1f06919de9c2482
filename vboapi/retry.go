package vboapi

import (
	"math/rand/v2"
	"time"
)

// retryPolicy is capped exponential backoff with jitter, so that many
// exporters retrying after the same server hiccup do not retry in step.
type retryPolicy struct {
	attempts int
	base     time.Duration
	max      time.Duration
}

var defaultRetryPolicy = retryPolicy{attempts: 4, base: 250 * time.Millisecond, max: 5 * time.Second}

// backoff returns the wait before attempt+1. A server's Retry-After wins
// over the computed wait, even when it is longer.
func (p retryPolicy) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	ceiling := p.base << (attempt - 1)
	if ceiling > p.max || ceiling <= 0 {
		ceiling = p.max
	}
	return ceiling/2 + rand.N(ceiling/2+1)
}
