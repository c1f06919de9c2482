package collector

import (
	"testing"
)

// TestLicenseFixture: the licence and each organization's use of it. Only
// contoso's licensing information is recorded; fabrikam's is written here,
// with other numbers, so that a swapped organization label shows.
func TestLicenseFixture(t *testing.T) {
	runFixtureCases(t, DefaultCollectors().Only("license"), licenseScraper{}, nil,
		func(f *fixtureServer) {
			f.serve("/License", "license")
			f.serve("/Organizations", "organizations")
			f.serve("/Organizations/"+fxOrg1+"/LicensingInformation", "licensing_information")
			f.serveBody("/Organizations/"+fxOrg2+"/LicensingInformation", `{"licensedUsers":3,"newUsers":1}`)
		},
		fixtureCase{"v6", `
# HELP vbo365_license_expiry_timestamp_seconds v6 and later: Unix time at which the licence expires (expirationDate on v6, licenseExpires on v7 and later); absent when the server gives none.
# TYPE vbo365_license_expiry_timestamp_seconds gauge
vbo365_license_expiry_timestamp_seconds{server="east"} 1.7433792e+09
# HELP vbo365_license_info v6 and later: descriptive facts about the licence, as labels; package is empty on v6. The value is always 1.
# TYPE vbo365_license_info gauge
vbo365_license_info{license_id="c2e4a6b8-0d2f-4a4c-8e6a-9b1d3f5a7c90",licensed_to="Contoso Ltd",package="",server="east"} 1
# HELP vbo365_license_new_users v6 and later: users with the "new user" status (newNumber); 0 but on a Rental licence.
# TYPE vbo365_license_new_users gauge
vbo365_license_new_users{server="east"} 0
# HELP vbo365_license_status v6 and later: 1 for the licence's status (Valid or Expired), 0 for the other.
# TYPE vbo365_license_status gauge
vbo365_license_status{server="east",status="Expired"} 0
vbo365_license_status{server="east",status="Valid"} 1
# HELP vbo365_license_support_expiry_timestamp_seconds v6 only (v7 dropped the field): Unix time at which the support contract expires.
# TYPE vbo365_license_support_expiry_timestamp_seconds gauge
vbo365_license_support_expiry_timestamp_seconds{server="east"} 1.7434656e+09
# HELP vbo365_license_type v6 and later: 1 for the licence's type, 0 for the other known types.
# TYPE vbo365_license_type gauge
vbo365_license_type{license_type="AwsPrivateOffer",server="east"} 0
vbo365_license_type{license_type="Community",server="east"} 0
vbo365_license_type{license_type="Evaluation",server="east"} 0
vbo365_license_type{license_type="NFR",server="east"} 0
vbo365_license_type{license_type="Rental",server="east"} 0
vbo365_license_type{license_type="Subscription",server="east"} 1
# HELP vbo365_license_units v6 and later: units the licence covers (totalNumber).
# TYPE vbo365_license_units gauge
vbo365_license_units{server="east"} 250
# HELP vbo365_license_used_units v6 and later: units that protected objects consume (usedNumber); it may exceed vbo365_license_units.
# TYPE vbo365_license_used_units gauge
vbo365_license_used_units{server="east"} 187
# HELP vbo365_organization_license_new_users v6 and later: the organization's users with the "new user" status on a Rental licence (newUsers); 0 on a Subscription licence.
# TYPE vbo365_organization_license_new_users gauge
vbo365_organization_license_new_users{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 0
vbo365_organization_license_new_users{organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",server="east"} 1
# HELP vbo365_organization_licensed_users v6 and later: licences the organization's users consume, those beyond the licence's limit included (licensedUsers).
# TYPE vbo365_organization_licensed_users gauge
vbo365_organization_licensed_users{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 187
vbo365_organization_licensed_users{organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",server="east"} 3
`},
		fixtureCase{"v7", `
# HELP vbo365_license_expiry_timestamp_seconds v6 and later: Unix time at which the licence expires (expirationDate on v6, licenseExpires on v7 and later); absent when the server gives none.
# TYPE vbo365_license_expiry_timestamp_seconds gauge
vbo365_license_expiry_timestamp_seconds{server="east"} 1.7433792e+09
# HELP vbo365_license_info v6 and later: descriptive facts about the licence, as labels; package is empty on v6. The value is always 1.
# TYPE vbo365_license_info gauge
vbo365_license_info{license_id="c2e4a6b8-0d2f-4a4c-8e6a-9b1d3f5a7c90",licensed_to="Contoso Ltd",package="Veeam ONE",server="east"} 1
# HELP vbo365_license_new_users v6 and later: users with the "new user" status (newNumber); 0 but on a Rental licence.
# TYPE vbo365_license_new_users gauge
vbo365_license_new_users{server="east"} 0
# HELP vbo365_license_status v6 and later: 1 for the licence's status (Valid or Expired), 0 for the other.
# TYPE vbo365_license_status gauge
vbo365_license_status{server="east",status="Expired"} 0
vbo365_license_status{server="east",status="Valid"} 1
# HELP vbo365_license_type v6 and later: 1 for the licence's type, 0 for the other known types.
# TYPE vbo365_license_type gauge
vbo365_license_type{license_type="AwsPrivateOffer",server="east"} 0
vbo365_license_type{license_type="Community",server="east"} 0
vbo365_license_type{license_type="Evaluation",server="east"} 0
vbo365_license_type{license_type="NFR",server="east"} 0
vbo365_license_type{license_type="Rental",server="east"} 0
vbo365_license_type{license_type="Subscription",server="east"} 1
# HELP vbo365_license_units v6 and later: units the licence covers (totalNumber).
# TYPE vbo365_license_units gauge
vbo365_license_units{server="east"} 250
# HELP vbo365_license_used_units v6 and later: units that protected objects consume (usedNumber); it may exceed vbo365_license_units.
# TYPE vbo365_license_used_units gauge
vbo365_license_used_units{server="east"} 187
# HELP vbo365_organization_license_new_users v6 and later: the organization's users with the "new user" status on a Rental licence (newUsers); 0 on a Subscription licence.
# TYPE vbo365_organization_license_new_users gauge
vbo365_organization_license_new_users{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 0
vbo365_organization_license_new_users{organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",server="east"} 1
# HELP vbo365_organization_licensed_users v6 and later: licences the organization's users consume, those beyond the licence's limit included (licensedUsers).
# TYPE vbo365_organization_licensed_users gauge
vbo365_organization_licensed_users{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 187
vbo365_organization_licensed_users{organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",server="east"} 3
`},
		fixtureCase{"v8", `
# HELP vbo365_license_expiry_timestamp_seconds v6 and later: Unix time at which the licence expires (expirationDate on v6, licenseExpires on v7 and later); absent when the server gives none.
# TYPE vbo365_license_expiry_timestamp_seconds gauge
vbo365_license_expiry_timestamp_seconds{server="east"} 1.7144352e+09
# HELP vbo365_license_grace_period_expiry_timestamp_seconds v7 and later: Unix time at which the licence's grace period ends; absent when the server gives none.
# TYPE vbo365_license_grace_period_expiry_timestamp_seconds gauge
vbo365_license_grace_period_expiry_timestamp_seconds{server="east"} 1.7170272e+09
# HELP vbo365_license_info v6 and later: descriptive facts about the licence, as labels; package is empty on v6. The value is always 1.
# TYPE vbo365_license_info gauge
vbo365_license_info{license_id="",licensed_to="Fabrikam Hosting",package="",server="east"} 1
# HELP vbo365_license_new_users v6 and later: users with the "new user" status (newNumber); 0 but on a Rental licence.
# TYPE vbo365_license_new_users gauge
vbo365_license_new_users{server="east"} 12
# HELP vbo365_license_status v6 and later: 1 for the licence's status (Valid or Expired), 0 for the other.
# TYPE vbo365_license_status gauge
vbo365_license_status{server="east",status="Expired"} 1
vbo365_license_status{server="east",status="Valid"} 0
# HELP vbo365_license_type v6 and later: 1 for the licence's type, 0 for the other known types.
# TYPE vbo365_license_type gauge
vbo365_license_type{license_type="AwsPrivateOffer",server="east"} 0
vbo365_license_type{license_type="Community",server="east"} 0
vbo365_license_type{license_type="Evaluation",server="east"} 0
vbo365_license_type{license_type="NFR",server="east"} 0
vbo365_license_type{license_type="Rental",server="east"} 1
vbo365_license_type{license_type="Subscription",server="east"} 0
# HELP vbo365_license_units v6 and later: units the licence covers (totalNumber).
# TYPE vbo365_license_units gauge
vbo365_license_units{server="east"} 500
# HELP vbo365_license_used_units v6 and later: units that protected objects consume (usedNumber); it may exceed vbo365_license_units.
# TYPE vbo365_license_used_units gauge
vbo365_license_used_units{server="east"} 512
# HELP vbo365_organization_license_new_users v6 and later: the organization's users with the "new user" status on a Rental licence (newUsers); 0 on a Subscription licence.
# TYPE vbo365_organization_license_new_users gauge
vbo365_organization_license_new_users{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 12
vbo365_organization_license_new_users{organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",server="east"} 1
# HELP vbo365_organization_licensed_users v6 and later: licences the organization's users consume, those beyond the licence's limit included (licensedUsers).
# TYPE vbo365_organization_licensed_users gauge
vbo365_organization_licensed_users{organization_id="2c6d0f1a-8e4b-4c7d-9a35-6b1e0d9f4a21",organization_name="contoso.onmicrosoft.com",server="east"} 212
vbo365_organization_licensed_users{organization_id="7e9a3b52-1d4c-4f8e-a6b0-3c5d2e1f0a94",organization_name="Fabrikam.onmicrosoft.com",server="east"} 3
`},
	)
}
