package protection

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// memTenant is the v8-100k mix of tools/bench in maps, with n users: an
// entire-organization job, 20 group jobs of 20 members and 50 user jobs of
// 5 users, whose user items select the archive and OneDrive too and whose
// groups their members' OneDrives, over two repositories; 90 % of the
// users backed up.
func memTenant(n int) (*fakeAPI, []vboapi.Job) {
	f := newFake()
	uuid := func(k int) string {
		return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", k, k&0xffff, k&0xfff, k&0xfff, k)
	}
	id := func(k int) string { return uuid(k) + "00000000-0000-0000-0000-000000000000" }
	users := make([]vboapi.User, n)
	for k := range users {
		users[k] = vboapi.User{ID: id(k), Name: fmt.Sprintf("Peter.Parker%d@contoso.onmicrosoft.com", k), Type: "User"}
	}
	f.users["org"] = users
	t := t0
	data := func(k int, on bool) vboapi.UserData {
		return vboapi.UserData{ID: users[k].ID, Email: users[k].Name, MailboxBackedUp: on, MailboxTime: t,
			ArchiveBackedUp: on && k%3 != 0, ArchiveTime: t, OneDriveBackedUp: on, OneDriveTime: t, PersonalSiteBackedUp: on && k%2 == 0, PersonalSiteTime: t}
	}
	jobs := []vboapi.Job{{ID: "entire", BackupType: "EntireOrganization", OrganizationID: "org", RepositoryID: "r0"}}
	for k := range n {
		f.data["r0"] = append(f.data["r0"], data(k, k%10 != 0))
	}
	for g := range 20 {
		gid := fmt.Sprintf("g%d", g)
		for m := range 20 {
			f.members[gid] = append(f.members[gid], vboapi.GroupMember{Login: users[(g*977+m*131)%n].Name, Type: "User"})
		}
		j := vboapi.Job{ID: "group-" + gid, BackupType: "SelectedItems", OrganizationID: "org", RepositoryID: fmt.Sprintf("r%d", g%2)}
		f.selected[j.ID] = []vboapi.JobItem{{Type: vboapi.ItemGroup, Group: &vboapi.Group{ID: gid}, Members: true, MemberMailbox: true, MemberOneDrive: true}}
		jobs = append(jobs, j)
	}
	for u := range 50 {
		j := vboapi.Job{ID: fmt.Sprintf("users-%d", u), BackupType: "SelectedItems", OrganizationID: "org", RepositoryID: "r1"}
		for p := range 5 {
			k := (u*5 + p) * 7 % n
			f.selected[j.ID] = append(f.selected[j.ID], vboapi.JobItem{Type: vboapi.ItemUser, User: &users[k], Mailbox: true, ArchiveMailbox: true, OneDrive: true})
			f.data["r1"] = append(f.data["r1"], data(k, true))
		}
		jobs = append(jobs, j)
	}
	return f, jobs
}

// BenchmarkRefreshMemory reports what one computation keeps per user of the
// organization (live-B/user: the tables, sets and repository states, after
// a collection, while the computation still holds them) without and with the
// other workloads. Run it with -bench RefreshMemory -benchtime 1x.
func BenchmarkRefreshMemory(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		for _, ws := range []WorkloadSet{0, AllWorkloads} {
			b.Run(fmt.Sprintf("users=%d/workloads=%v", n, ws != 0), func(b *testing.B) {
				f, jobs := memTenant(n)
				want := make([]*vboapi.Job, len(jobs))
				for i := range jobs {
					want[i] = &jobs[i]
				}
				var live float64
				for b.Loop() {
					var before, after runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&before)
					r := newComputation(context.Background(), f, jobs, Options{PageSize: 1000, KeepNotBackedUp: 10, Workloads: ws})
					res := r.run(want)
					runtime.GC()
					runtime.ReadMemStats(&after)
					live = float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
					runtime.KeepAlive(r)
					if res[0].Err != nil {
						b.Fatal(res[0].Err)
					}
				}
				b.ReportMetric(live, "live-B/user")
			})
		}
	}
}
