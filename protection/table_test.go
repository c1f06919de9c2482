package protection

import (
	"testing"

	"github.com/vbo365-exporter/vbo365_exporter/protection/intern"
)

func TestTableMatchesByIDThenAddress(t *testing.T) {
	tb := newTable(false)
	uuid := "cd73fe3d-e975-4c26-aadb-67346e0dcaad"
	a := tb.user(uuid, "Ann@X.org", "")
	if b := tb.user(uuid, "", ""); b != a {
		t.Errorf("the same id gave %d and %d", a, b)
	}
	if m, ok := tb.member("ANN@x.ORG", ""); m != a || !ok {
		t.Errorf("member: %d %v", m, ok)
	}
	g, ok := tb.member("guest@y.org", "")
	if ok || tb.resolved(g) {
		t.Error("a member without a user is resolved")
	}
	if id, addr, _ := tb.mailbox(a); id != uuid || addr != "ann@x.org" {
		t.Errorf("mailbox: %q %q", id, addr)
	}
	if id, _, _ := tb.mailbox(g); id != "" {
		t.Errorf("unresolved member has id %q", id)
	}
	if i, ok := tb.find(intern.AppendPackedID(nil, "other"), []byte("ann@x.org")); !ok || i != a {
		t.Errorf("find by address: %d %v", i, ok)
	}
	if _, ok := tb.find(nil, nil); ok {
		t.Error("nothing matched something")
	}
	if tb.size() != 2 {
		t.Errorf("size %d", tb.size())
	}
}
