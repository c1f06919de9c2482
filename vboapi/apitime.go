package vboapi

import (
	"bytes"
	"time"
)

// apiTime decodes a nullable date-time member without allocating for the
// usual RFC 3339 form: user data has several per entry, and a repository
// millions of entries. Other forms go through parseAPITime, so the result
// is what parseAPITime makes of the string: zero for null, "", anything
// unparsable and the .NET zero date.
type apiTime struct{ t time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (a *apiTime) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, []byte("null")) {
		a.t = time.Time{}
		return nil
	}
	var t time.Time
	if err := t.UnmarshalJSON(data); err == nil {
		if t.Year() <= 1 {
			t = time.Time{}
		}
		a.t = t
		return nil
	}
	var s string
	if err := decodeStrict(data, &s); err != nil {
		return err
	}
	a.t = parseAPITime(&s)
	return nil
}
