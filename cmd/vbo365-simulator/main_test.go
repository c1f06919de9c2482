package main

import (
	"io"
	"slices"
	"testing"
)

func TestParseFlagsVersionsAndTenant(t *testing.T) {
	c, err := parseFlags([]string{"--api-versions=v6, V7,v8", "--tenant.users=1000", "--tenant.organizations=2",
		"--tenant.group-jobs=-1", "--no-tenant.entire-org-job", "--tenant.repositories=3"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o := c.opts
	if !slices.Equal(o.Versions, []string{"v6", "v7", "v8"}) || o.Tenant.Users != 1000 || o.Tenant.Organizations != 2 ||
		o.Tenant.GroupJobs != -1 || !o.Tenant.NoEntireOrgJob || o.Tenant.NoPartialOrgJob || o.Tenant.Repositories != 3 {
		t.Errorf("parsed %+v", o)
	}
	c, err = parseFlags(nil, io.Discard)
	if err != nil || !slices.Equal(c.opts.Versions, []string{"v1"}) {
		t.Errorf("default versions %v, %v", c.opts.Versions, err)
	}
	for _, bad := range []string{"--api-versions=v5", "--api-versions=,"} {
		if _, err := parseFlags([]string{bad}, io.Discard); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
