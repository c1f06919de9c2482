package collector

import (
	"testing"
)

// TestOrganizationsFixture: the organizations, and from v7 on their sync
// state. v7 reads it per organization (only contoso's, a failure, is
// recorded; fabrikam's success is written here), v8 in one list that also
// names an organization the server no longer lists.
func TestOrganizationsFixture(t *testing.T) {
	runFixtureCases(t, DefaultCollectors().Only("organizations"), newOrganizationsScraper(Collectors{}), nil,
		func(f *fixtureServer) {
			f.serve("/Organizations", "organizations")
			switch f.version {
			case "v7":
				f.serve("/Organizations/"+fxOrg1+"/SyncState", "syncstate")
				f.serveBody("/Organizations/"+fxOrg2+"/SyncState",
					`{"type":"Full","status":"Success","lastSyncTime":"2024-05-02T04:30:00Z","error":null}`)
			case "v8":
				f.serve("/Organizations/SyncState", "syncstate")
			}
		},
		fixtureCase{"v6", `
# HELP vbo365_organization_backed_up v6 and later: 1 if the organization has a backup (isBackedup), else 0.
# TYPE vbo365_organization_backed_up gauge
vbo365_organization_backed_up{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1
vbo365_organization_backed_up{organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",server="east"} 0
# HELP vbo365_organization_first_backup_timestamp_seconds v6 and later: Unix time of the organization's first backup (firstBackuptime); absent when it has none.
# TYPE vbo365_organization_first_backup_timestamp_seconds gauge
vbo365_organization_first_backup_timestamp_seconds{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1.700514197447e+09
# HELP vbo365_organization_info v6 and later: descriptive facts about the organization, as labels: its Microsoft 365 name, its type (Office365, OnPremises or Hybrid) and region. The value is always 1.
# TYPE vbo365_organization_info gauge
vbo365_organization_info{office_name="Fabrikam",organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",organization_type="Office365",region="Worldwide",server="east"} 1
vbo365_organization_info{office_name="contoso",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",organization_type="Office365",region="Worldwide",server="east"} 1
# HELP vbo365_organization_last_backup_timestamp_seconds v6 and later: Unix time of the organization's last backup (lastBackuptime); absent when it has none.
# TYPE vbo365_organization_last_backup_timestamp_seconds gauge
vbo365_organization_last_backup_timestamp_seconds{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1.7146016811234567e+09
`},
		fixtureCase{"v7", `
# HELP vbo365_organization_backed_up v6 and later: 1 if the organization has a backup (isBackedup), else 0.
# TYPE vbo365_organization_backed_up gauge
vbo365_organization_backed_up{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1
vbo365_organization_backed_up{organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",server="east"} 0
# HELP vbo365_organization_first_backup_timestamp_seconds v6 and later: Unix time of the organization's first backup (firstBackuptime); absent when it has none.
# TYPE vbo365_organization_first_backup_timestamp_seconds gauge
vbo365_organization_first_backup_timestamp_seconds{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1.700514197447e+09
# HELP vbo365_organization_info v6 and later: descriptive facts about the organization, as labels: its Microsoft 365 name, its type (Office365, OnPremises or Hybrid) and region. The value is always 1.
# TYPE vbo365_organization_info gauge
vbo365_organization_info{office_name="Fabrikam",organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",organization_type="Office365",region="Worldwide",server="east"} 1
vbo365_organization_info{office_name="contoso",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",organization_type="Office365",region="Worldwide",server="east"} 1
# HELP vbo365_organization_last_backup_timestamp_seconds v6 and later: Unix time of the organization's last backup (lastBackuptime); absent when it has none.
# TYPE vbo365_organization_last_backup_timestamp_seconds gauge
vbo365_organization_last_backup_timestamp_seconds{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1.7146016811234567e+09
# HELP vbo365_organization_last_sync_end_timestamp_seconds v7 and later: Unix time at which the organization's last synchronization with the organization cache finished, whatever its result (v7 lastSyncTime, v8 lastSyncState.endTime); absent when none has.
# TYPE vbo365_organization_last_sync_end_timestamp_seconds gauge
vbo365_organization_last_sync_end_timestamp_seconds{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1.7146197421234567e+09
vbo365_organization_last_sync_end_timestamp_seconds{organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",server="east"} 1.7146242e+09
# HELP vbo365_organization_last_sync_success v7 and later: 1 if the organization's last finished synchronization with the server's organization cache succeeded, 0 if it failed; absent when none has finished or the result is one the API does not document. Job scopes are read from that cache: users added since the last successful synchronization are neither backed up nor counted.
# TYPE vbo365_organization_last_sync_success gauge
vbo365_organization_last_sync_success{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 0
vbo365_organization_last_sync_success{organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",server="east"} 1
`},
		fixtureCase{"v8", `
# HELP vbo365_organization_backed_up v6 and later: 1 if the organization has a backup (isBackedup), else 0.
# TYPE vbo365_organization_backed_up gauge
vbo365_organization_backed_up{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1
vbo365_organization_backed_up{organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",server="east"} 0
# HELP vbo365_organization_first_backup_timestamp_seconds v6 and later: Unix time of the organization's first backup (firstBackuptime); absent when it has none.
# TYPE vbo365_organization_first_backup_timestamp_seconds gauge
vbo365_organization_first_backup_timestamp_seconds{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1.700514197447e+09
# HELP vbo365_organization_info v6 and later: descriptive facts about the organization, as labels: its Microsoft 365 name, its type (Office365, OnPremises or Hybrid) and region. The value is always 1.
# TYPE vbo365_organization_info gauge
vbo365_organization_info{office_name="Fabrikam",organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",organization_type="Office365",region="Worldwide",server="east"} 1
vbo365_organization_info{office_name="contoso",organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",organization_type="Office365",region="Worldwide",server="east"} 1
# HELP vbo365_organization_last_backup_timestamp_seconds v6 and later: Unix time of the organization's last backup (lastBackuptime); absent when it has none.
# TYPE vbo365_organization_last_backup_timestamp_seconds gauge
vbo365_organization_last_backup_timestamp_seconds{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1.7146016811234567e+09
# HELP vbo365_organization_last_sync_end_timestamp_seconds v7 and later: Unix time at which the organization's last synchronization with the organization cache finished, whatever its result (v7 lastSyncTime, v8 lastSyncState.endTime); absent when none has.
# TYPE vbo365_organization_last_sync_end_timestamp_seconds gauge
vbo365_organization_last_sync_end_timestamp_seconds{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1.7146195515e+09
# HELP vbo365_organization_last_sync_success v7 and later: 1 if the organization's last finished synchronization with the server's organization cache succeeded, 0 if it failed; absent when none has finished or the result is one the API does not document. Job scopes are read from that cache: users added since the last successful synchronization are neither backed up nor counted.
# TYPE vbo365_organization_last_sync_success gauge
vbo365_organization_last_sync_success{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1
# HELP vbo365_organization_sync_running v8: 1 while a synchronization of the organization with the organization cache is queued or running, else 0; absent on v7, whose API does not say.
# TYPE vbo365_organization_sync_running gauge
vbo365_organization_sync_running{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 1
vbo365_organization_sync_running{organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",server="east"} 1
`},
	)
}
