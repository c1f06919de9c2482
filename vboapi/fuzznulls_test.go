package vboapi

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/go-kit/log"
)

// fuzzList is one decoder of nullDecoders on one version.
type fuzzList struct {
	d nullDecoder
	v Version
}

// fuzzLists flattens nullDecoders, in a fixed order: the fuzz input picks
// one by index.
func fuzzLists() []fuzzList {
	var out []fuzzList
	for _, d := range nullDecoders {
		for _, v := range d.versions {
			out = append(out, fuzzList{d, v})
		}
	}
	return out
}

// allNull is body with every member of every item null (absent false) or
// left out (absent true), and the page's own members but results kept.
func allNull(t testing.TB, body []byte, paged, absent bool) []byte {
	t.Helper()
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	spoil := func(v any) {
		if obj, ok := v.(map[string]any); ok {
			for name := range obj {
				if absent {
					delete(obj, name)
				} else {
					obj[name] = nil
				}
			}
		}
	}
	switch x := doc.(type) {
	case []any:
		for _, it := range x {
			spoil(it)
		}
	case map[string]any:
		if items, ok := x["results"].([]any); ok && paged {
			for _, it := range items {
				spoil(it)
			}
		} else {
			spoil(x)
		}
	}
	b, _ := json.Marshal(doc)
	return b
}

// FuzzV6PlusLists: no body makes a v6+ decoder panic, and one it accepts
// never yields more items than the body holds, nor a job without an id.
// The seeds are the recorded fixtures, each with every member null or
// absent, and with each member of its first item null in turn.
func FuzzV6PlusLists(f *testing.F) {
	lists := fuzzLists()
	for k, l := range lists {
		body, err := os.ReadFile("testdata/" + l.d.fixture + "/" + string(l.v) + ".json")
		if err != nil {
			f.Fatal(err)
		}
		paged := l.d.paged(l.v)
		f.Add(uint8(k), body)
		f.Add(uint8(k), allNull(f, body, paged, false))
		f.Add(uint8(k), allNull(f, body, paged, true))
		for _, nv := range nullVariants(f, body, paged) {
			if !nv.absent {
				f.Add(uint8(k), nv.body)
			}
		}
	}
	f.Fuzz(func(t *testing.T, sel uint8, body []byte) {
		l := lists[int(sel)%len(lists)]
		paged := l.d.paged(l.v)
		api := &fixtureAPI{routes: map[string]fixtureRoute{"/" + string(l.v) + l.d.path: {body: body, paged: paged}}}
		c := memClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/"+string(l.v)+"/token" {
				api.token(w, r)
				return
			}
			api.ServeHTTP(w, r)
		}), Options{Server: "fuzz", APIVersion: l.v, Username: "svc", Password: "pw",
			RequestTimeout: 5 * time.Second, MaxConcurrent: 1, Logger: log.NewNopLogger()})
		start := time.Now()
		n, err := l.d.call(context.Background(), c, l.v)
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("%s %s: the read took %v (%v): %q", l.d.fixture, l.v, took, err, body)
		}
		if err != nil {
			return
		}
		if most, ok := itemsIn(body, paged); ok && n > most {
			t.Fatalf("%s %s: %d items from a body of %d: %q", l.d.fixture, l.v, n, most, body)
		}
	})
}

// itemsIn counts the elements of a list body (a page's results on paged
// lists); ok is false where that is not plain (a single object, or a body
// the reference cannot read).
func itemsIn(body []byte, paged bool) (int, bool) {
	if paged {
		var p struct {
			Results []json.RawMessage `json:"results"`
		}
		if json.Unmarshal(body, &p) != nil || p.Results == nil {
			return 0, false
		}
		return len(p.Results), true
	}
	var a []json.RawMessage
	if json.Unmarshal(body, &a) != nil {
		return 0, false
	}
	return len(a), true
}
