package vboapi

import (
	"strconv"
	"testing"
)

// TestAPITimeAsParseAPITime: apiTime makes of every string what
// parseAPITime makes of it, null included, and fails on a non-string.
func TestAPITimeAsParseAPITime(t *testing.T) {
	for _, s := range []string{
		"2024-05-01T22:14:40.3344556Z", "2024-05-01T22:14:40Z", "2024-05-02T00:20:02+02:00",
		"2024-05-01T22:14:40.3344556", // .NET, no zone
		"0001-01-01T00:00:00Z", "0001-01-01T00:00:00", "", "n/a", "2024-13-01T00:00:00Z",
	} {
		var a apiTime
		if err := a.UnmarshalJSON([]byte(strconv.Quote(s))); err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if want := parseAPITime(&s); !a.t.Equal(want) || a.t.IsZero() != want.IsZero() {
			t.Errorf("%q: %v, parseAPITime %v", s, a.t, want)
		}
	}
	var a apiTime
	if err := a.UnmarshalJSON([]byte("null")); err != nil || !a.t.IsZero() {
		t.Errorf("null: %v %v", a.t, err)
	}
	if err := a.UnmarshalJSON([]byte("1714601680")); err == nil {
		t.Errorf("a number decoded as a time: %v", a.t)
	}
}
