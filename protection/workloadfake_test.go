package protection

import (
	"context"

	"github.com/vbo365-exporter/vbo365_exporter/vboapi"
)

// The site and team lists of fakeAPI; each call is counted like the others.

func (f *fakeAPI) OrganizationSites(_ context.Context, org string, _ int, each func(*vboapi.Site) error) error {
	return eachOf(f, "sites/"+org, f.sites[org], each)
}

func (f *fakeAPI) OrganizationTeams(_ context.Context, org string, _ int, each func(*vboapi.Team) error) error {
	return eachOf(f, "teams/"+org, f.teams[org], each)
}

func (f *fakeAPI) RepositorySiteData(_ context.Context, repo string, _ int, each func(*vboapi.SiteData) error) error {
	return eachOf(f, "sitedata/"+repo, f.siteData[repo], each)
}

func (f *fakeAPI) RepositoryTeamData(_ context.Context, repo string, _ int, each func(*vboapi.TeamData) error) error {
	return eachOf(f, "teamdata/"+repo, f.teamData[repo], each)
}

// eachOf counts the call under key, then hands each item of list to each.
func eachOf[T any](f *fakeAPI, key string, list []T, each func(*T) error) error {
	if err := f.call(key); err != nil {
		return err
	}
	for i := range list {
		if err := each(&list[i]); err != nil {
			return err
		}
	}
	return nil
}
