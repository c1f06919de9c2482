package collector

import (
	"testing"
)

// TestRepositoriesFixture: a repository on disk, an archive one on object
// storage (joined from the object storage list on v6 and v7, embedded on
// v8) and one whose object storage is no longer listed.
func TestRepositoriesFixture(t *testing.T) {
	runFixtureCases(t, DefaultCollectors().Only("repositories"), repositoriesScraper{}, nil,
		func(f *fixtureServer) {
			f.serve("/BackupRepositories", "repositories")
			if f.version != "v8" {
				f.serve("/objectstoragerepositories", "object_storage")
			}
		},
		fixtureCase{"v6", `
# HELP vbo365_repository_capacity_bytes v6 and later: capacity of the repository's store on disk (capacityBytes); absent for a repository on object storage only.
# TYPE vbo365_repository_capacity_bytes gauge
vbo365_repository_capacity_bytes{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 4.398046511104e+12
# HELP vbo365_repository_free_bytes v6 and later: free space of the repository's store on disk (freeSpaceBytes); absent for a repository on object storage only.
# TYPE vbo365_repository_free_bytes gauge
vbo365_repository_free_bytes{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 8.7960930222e+10
# HELP vbo365_repository_info v6 and later: descriptive facts about the repository, as labels; object_storage_id and object_storage_type are empty for a repository on disk only, long_term (an archive tier repository) when the server does not say. The value is always 1.
# TYPE vbo365_repository_info gauge
vbo365_repository_info{long_term="",object_storage_id="a4c6e8f0-2b4d-4f6a-9c8e-0d2f4a6c8e46",object_storage_type="",proxy_id="",repository_id="d0f2b4c6-8e0a-4c3d-9f5b-7a9c1e3f5b24",repository_name="Branch office",server="east"} 1
vbo365_repository_info{long_term="false",object_storage_id="",object_storage_type="",proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 1
vbo365_repository_info{long_term="true",object_storage_id="f2b4d6e8-0a2c-4e5f-8b7d-9c1e3a5b7d35",object_storage_type="AmazonS3Glacier",proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1
# HELP vbo365_repository_object_storage_free_bytes v6 and later: space left under the object storage's size limit (freeSpaceBytes); absent without a limit.
# TYPE vbo365_repository_object_storage_free_bytes gauge
vbo365_repository_object_storage_free_bytes{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 2.2011707392e+11
# HELP vbo365_repository_object_storage_limit_bytes v6 and later: size limit of the object storage (sizeLimitGB, in GiB, as bytes); absent without a limit.
# TYPE vbo365_repository_object_storage_limit_bytes gauge
vbo365_repository_object_storage_limit_bytes{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1.099511627776e+13
# HELP vbo365_repository_object_storage_used_bytes v6 and later: space the repository uses in the object storage it extends to (usedSpaceBytes).
# TYPE vbo365_repository_object_storage_used_bytes gauge
vbo365_repository_object_storage_used_bytes{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1.077499920384e+13
# HELP vbo365_repository_out_of_sync v6 and later: 1 if the repository's proxy must resynchronise with its object storage (isOutOfSync), else 0.
# TYPE vbo365_repository_out_of_sync gauge
vbo365_repository_out_of_sync{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 0
vbo365_repository_out_of_sync{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1
# HELP vbo365_repository_used_bytes v6 and later: space the repository uses: capacity less free space on disk, else its object storage's used space; absent when neither is known.
# TYPE vbo365_repository_used_bytes gauge
vbo365_repository_used_bytes{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 4.310085580882e+12
vbo365_repository_used_bytes{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1.077499920384e+13
`},
		fixtureCase{"v7", `
# HELP vbo365_repository_capacity_bytes v6 and later: capacity of the repository's store on disk (capacityBytes); absent for a repository on object storage only.
# TYPE vbo365_repository_capacity_bytes gauge
vbo365_repository_capacity_bytes{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 4.398046511104e+12
# HELP vbo365_repository_free_bytes v6 and later: free space of the repository's store on disk (freeSpaceBytes); absent for a repository on object storage only.
# TYPE vbo365_repository_free_bytes gauge
vbo365_repository_free_bytes{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 8.7960930222e+10
# HELP vbo365_repository_immutability_enabled v7 and later: 1 if the object storage keeps backups immutable (enableImmutability), else 0.
# TYPE vbo365_repository_immutability_enabled gauge
vbo365_repository_immutability_enabled{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1
# HELP vbo365_repository_info v6 and later: descriptive facts about the repository, as labels; object_storage_id and object_storage_type are empty for a repository on disk only, long_term (an archive tier repository) when the server does not say. The value is always 1.
# TYPE vbo365_repository_info gauge
vbo365_repository_info{long_term="",object_storage_id="a4c6e8f0-2b4d-4f6a-9c8e-0d2f4a6c8e46",object_storage_type="",proxy_id="",repository_id="d0f2b4c6-8e0a-4c3d-9f5b-7a9c1e3f5b24",repository_name="Branch office",server="east"} 1
vbo365_repository_info{long_term="false",object_storage_id="",object_storage_type="",proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 1
vbo365_repository_info{long_term="true",object_storage_id="f2b4d6e8-0a2c-4e5f-8b7d-9c1e3a5b7d35",object_storage_type="AmazonS3Glacier",proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1
# HELP vbo365_repository_object_storage_free_bytes v6 and later: space left under the object storage's size limit (freeSpaceBytes); absent without a limit.
# TYPE vbo365_repository_object_storage_free_bytes gauge
vbo365_repository_object_storage_free_bytes{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 2.2011707392e+11
# HELP vbo365_repository_object_storage_limit_bytes v6 and later: size limit of the object storage (sizeLimitGB, in GiB, as bytes); absent without a limit.
# TYPE vbo365_repository_object_storage_limit_bytes gauge
vbo365_repository_object_storage_limit_bytes{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1.099511627776e+13
# HELP vbo365_repository_object_storage_used_bytes v6 and later: space the repository uses in the object storage it extends to (usedSpaceBytes).
# TYPE vbo365_repository_object_storage_used_bytes gauge
vbo365_repository_object_storage_used_bytes{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1.077499920384e+13
# HELP vbo365_repository_out_of_sync v6 and later: 1 if the repository's proxy must resynchronise with its object storage (isOutOfSync), else 0.
# TYPE vbo365_repository_out_of_sync gauge
vbo365_repository_out_of_sync{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 0
vbo365_repository_out_of_sync{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1
# HELP vbo365_repository_used_bytes v6 and later: space the repository uses: capacity less free space on disk, else its object storage's used space; absent when neither is known.
# TYPE vbo365_repository_used_bytes gauge
vbo365_repository_used_bytes{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 4.310085580882e+12
vbo365_repository_used_bytes{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1.077499920384e+13
`},
		fixtureCase{"v8", `
# HELP vbo365_repository_capacity_bytes v6 and later: capacity of the repository's store on disk (capacityBytes); absent for a repository on object storage only.
# TYPE vbo365_repository_capacity_bytes gauge
vbo365_repository_capacity_bytes{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 4.398046511104e+12
# HELP vbo365_repository_free_bytes v6 and later: free space of the repository's store on disk (freeSpaceBytes); absent for a repository on object storage only.
# TYPE vbo365_repository_free_bytes gauge
vbo365_repository_free_bytes{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 8.7960930222e+10
# HELP vbo365_repository_immutability_enabled v7 and later: 1 if the object storage keeps backups immutable (enableImmutability), else 0.
# TYPE vbo365_repository_immutability_enabled gauge
vbo365_repository_immutability_enabled{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1
# HELP vbo365_repository_immutability_period_seconds v8: how long the object storage keeps backups immutable (immutabilityPeriodDays, as seconds).
# TYPE vbo365_repository_immutability_period_seconds gauge
vbo365_repository_immutability_period_seconds{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 2.592e+06
# HELP vbo365_repository_info v6 and later: descriptive facts about the repository, as labels; object_storage_id and object_storage_type are empty for a repository on disk only, long_term (an archive tier repository) when the server does not say. The value is always 1.
# TYPE vbo365_repository_info gauge
vbo365_repository_info{long_term="",object_storage_id="a4c6e8f0-2b4d-4f6a-9c8e-0d2f4a6c8e46",object_storage_type="AzureBlobArchive",proxy_id="",repository_id="d0f2b4c6-8e0a-4c3d-9f5b-7a9c1e3f5b24",repository_name="Branch office",server="east"} 1
vbo365_repository_info{long_term="false",object_storage_id="",object_storage_type="",proxy_id="3f7a9c1e-5b2d-4e8f-a0c4-6d8e0f2a4b91",repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 1
vbo365_repository_info{long_term="true",object_storage_id="f2b4d6e8-0a2c-4e5f-8b7d-9c1e3a5b7d35",object_storage_type="AmazonS3Glacier",proxy_id="8b0d2f4a-6c8e-4a1b-9d3f-5e7a9c1b3d02",repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1
# HELP vbo365_repository_object_storage_free_bytes v6 and later: space left under the object storage's size limit (freeSpaceBytes); absent without a limit.
# TYPE vbo365_repository_object_storage_free_bytes gauge
vbo365_repository_object_storage_free_bytes{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 2.2011707392e+11
# HELP vbo365_repository_object_storage_limit_bytes v6 and later: size limit of the object storage (sizeLimitGB, in GiB, as bytes); absent without a limit.
# TYPE vbo365_repository_object_storage_limit_bytes gauge
vbo365_repository_object_storage_limit_bytes{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1.099511627776e+13
# HELP vbo365_repository_object_storage_used_bytes v6 and later: space the repository uses in the object storage it extends to (usedSpaceBytes).
# TYPE vbo365_repository_object_storage_used_bytes gauge
vbo365_repository_object_storage_used_bytes{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1.077499920384e+13
# HELP vbo365_repository_out_of_order v8: 1 if the repository is in the Invalid state (isOutOfOrder), else 0.
# TYPE vbo365_repository_out_of_order gauge
vbo365_repository_out_of_order{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 1
vbo365_repository_out_of_order{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 0
# HELP vbo365_repository_out_of_sync v6 and later: 1 if the repository's proxy must resynchronise with its object storage (isOutOfSync), else 0.
# TYPE vbo365_repository_out_of_sync gauge
vbo365_repository_out_of_sync{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 0
vbo365_repository_out_of_sync{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1
# HELP vbo365_repository_outdated v8: 1 if the repository must be upgraded (isOutdated), else 0.
# TYPE vbo365_repository_outdated gauge
vbo365_repository_outdated{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 0
vbo365_repository_outdated{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 0
# HELP vbo365_repository_used_bytes v6 and later: space the repository uses: capacity less free space on disk, else its object storage's used space; absent when neither is known.
# TYPE vbo365_repository_used_bytes gauge
vbo365_repository_used_bytes{repository_id="b4f1e6c2-3a9d-4e7b-8c05-9d2a1f6e3b48",repository_name="Repository 1",server="east"} 4.310085580882e+12
vbo365_repository_used_bytes{repository_id="c9e1a3b5-7d9f-4b2c-8e4a-6f8b0d2e4a13",repository_name="Archive 1",server="east"} 1.077499920384e+13
`},
	)
}
