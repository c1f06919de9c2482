package intern

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestPackedIDsRoundTripAndStayDistinct(t *testing.T) {
	uuid := "cd73fe3d-e975-4c26-aadb-67346e0dcaad"
	ids := []string{
		"", "x", uuid, uuid + "00000000-0000-0000-0000-000000000000",
		strings.ToUpper(uuid), uuid[:35], uuid + "0", uuid + uuid + uuid + uuid, uuid + uuid + uuid + uuid + uuid,
		"cd73fe3d-e975-4c26-aadb-67346e0dcaag", "cd73fe3d+e975-4c26-aadb-67346e0dcaad",
		"\x01" + uuid[1:], "\x00abc", "naïve@example.com",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		b := []byte(uuid + uuid)
		b[rng.IntN(len(b))] = "0123456789abcdefA-g"[rng.IntN(19)]
		ids = append(ids, string(b[:rng.IntN(len(b)+1)]))
	}
	seen := map[string]string{}
	for _, id := range ids {
		p := AppendPackedID(nil, id)
		if got := UnpackID(p); got != id {
			t.Errorf("%q: unpacked %q", id, got)
		}
		if other, ok := seen[string(p)]; ok && other != id {
			t.Errorf("%q and %q pack alike", id, other)
		}
		seen[string(p)] = id
	}
	if n := len(AppendPackedID(nil, uuid+uuid)); n != 33 {
		t.Errorf("a two-UUID id packs to %d bytes, want 33", n)
	}
}

func TestStrtabKeepsEveryString(t *testing.T) {
	var st Strings
	var refs []Ref
	var want [][]byte
	for i := range 20000 {
		n := i % 97
		if i%5000 == 0 || i%5000 == 1 {
			n = longString + i // its own chunk
		}
		b := bytes.Repeat([]byte{byte(i)}, n)
		refs = append(refs, st.Add(b))
		want = append(want, b)
	}
	for i, r := range refs {
		if !bytes.Equal(st.Bytes(r), want[i]) {
			t.Fatalf("string %d differs (len %d, want %d)", i, len(st.Bytes(r)), len(want[i]))
		}
	}
	if st.Bytes(0) != nil {
		t.Error("the zero ref is not the empty string")
	}
}

func TestAppendLowerAsStringsToLower(t *testing.T) {
	for _, s := range []string{"", "Ava.Meyer1@Contoso.COM", "ÀNNA@x.org", "İ", "a\x80b", "ZZ@[]^_`{"} {
		if got := string(AppendLower([]byte("pre"), s)); got != "pre"+strings.ToLower(s) {
			t.Errorf("%q: %q", s, got)
		}
	}
}

func TestIndexFindsWhatItHolds(t *testing.T) {
	keys := [][]byte{}
	keyOf := func(i int32) []byte { return keys[i] }
	x := NewIndex()
	for i := range 5000 {
		k := []byte(fmt.Sprintf("key-%d", i))
		if _, ok := x.Find(k, keyOf); ok {
			t.Fatalf("%s found before it was added", k)
		}
		keys = append(keys, k)
		x.Insert(int32(i), keyOf)
	}
	for i, k := range keys {
		if got, ok := x.Find(k, keyOf); !ok || got != int32(i) {
			t.Fatalf("%s: %d %v", k, got, ok)
		}
	}
	if _, ok := x.Find([]byte("key-5000"), keyOf); ok {
		t.Error("found a key never added")
	}
}
