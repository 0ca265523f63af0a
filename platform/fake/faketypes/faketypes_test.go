package faketypes_test

import (
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/fake/faketypes"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// renderEverything renders every capability of the fake backend, options
// on, each spec tagged: a network with NAT, a cluster with its pools, a
// workload identity with a grant, backup storage, managed backup, a power
// schedule, a secret store, an access catalog and package that creates a group, and
// observability with an alert and a receiver.
func renderEverything(t *testing.T) *platformtest.Snapshot {
	t.Helper()
	tags := platform.Tags{"team": "platform"}
	snap, err := platformtest.Render("dev", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		netSpec := platformtest.NetworkSpecs()[0]
		netSpec.NAT.Enabled, netSpec.Tags = true, tags
		network, err := b.NewNetwork(ctx, netSpec)
		if err != nil {
			return err
		}
		clusterSpec := platformtest.ClusterSpec(platform.CloudFake, "dev", platform.ClusterNetwork{Spec: netSpec, Outputs: *network})
		clusterSpec.Tags = tags
		cluster, err := b.NewCluster(ctx, clusterSpec)
		if err != nil {
			return err
		}
		storage, err := b.NewBackupStorage(ctx, platform.BackupStorageSpec{Name: "backups", Cluster: cluster, SoftDeleteDays: 14, Tags: tags})
		if err != nil {
			return err
		}
		if _, err := b.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
			Name: "velero", Cluster: cluster, Namespace: "velero", ServiceAccount: "velero", Grants: storage.Grants, Tags: tags,
		}); err != nil {
			return err
		}
		if err := b.NewManagedBackup(ctx, platform.ManagedBackupSpec{
			Name: "backup", Cluster: cluster, Tags: tags,
			Schedules: []platform.BackupSchedule{{Name: "daily", Cron: "0 3 * * *", TTL: 7 * 24 * time.Hour}},
		}); err != nil {
			return err
		}
		if _, err := b.NewPowerSchedule(ctx, platform.PowerScheduleSpec{
			Name: "office-hours", Cluster: clusterSpec, Outputs: cluster,
			Days:  []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
			Start: "07:00", Stop: "19:00", TimeZone: "Europe/Berlin", Tags: tags,
		}); err != nil {
			return err
		}
		if _, err := b.NewSecretStore(ctx, platform.SecretStoreSpec{
			Name: "secrets", Cluster: cluster, SoftDeleteDays: 7, Tags: tags,
			Teams: []platform.SecretTeamSpec{{Team: "payments", Namespace: "payments", ServiceAccount: "secrets-reader", Writers: []pulumi.StringInput{pulumi.String("admins")}}},
		}); err != nil {
			return err
		}
		registry, err := b.NewRegistry(ctx, platform.RegistrySpec{Name: "registry", Cluster: cluster, Pushers: []string{"ci"}, Tags: tags})
		if err != nil {
			return err
		}
		if _, err := b.NewWorkloadPolicy(ctx, platform.WorkloadPolicySpec{
			Name: "guardrails", Cluster: cluster, Enforce: true, Registries: []pulumi.StringInput{registry.Prefix}, Tags: tags,
		}); err != nil {
			return err
		}
		zones, err := b.NewDNSZones(ctx, platform.DNSZonesSpec{Name: "dns", Domain: "dev.example.com", PrivateDomain: "internal.dev.example.com", Tags: tags})
		if err != nil {
			return err
		}
		if _, err := b.NewEdge(ctx, platform.EdgeSpec{
			Name: "edge", Hostnames: []string{"shop.dev.example.com"}, Domain: "dev.example.com", ZoneID: zones.ZoneID,
			Cluster: cluster, RateLimitPerMinute: 1000, Tags: tags,
			Ingress: platform.EdgeOrigin{Namespace: "ingress", Service: "traefik", HTTPSPort: 443, HTTPPort: 8080, HealthPath: "/ping", Address: pulumi.String("10.20.64.10"), Provider: b.Provider()},
		}); err != nil {
			return err
		}
		catalog, err := b.NewAccessCatalog(ctx, platform.AccessCatalogSpec{Name: "dev", Description: "d", Tags: tags})
		if err != nil {
			return err
		}
		if _, err := b.NewAccessPackage(ctx, platform.AccessPackageSpec{
			Name: "payments", Team: "payments", Namespaces: []string{"payments"},
			Levels: []platform.AccessLevelSpec{{
				Name: "reader", Role: platform.AccessView, Requestors: []string{"group:members"}, MaxDuration: 90 * 24 * time.Hour,
			}},
			Cluster: cluster, Catalog: catalog, Tags: tags,
		}); err != nil {
			return err
		}
		_, err = b.NewObservability(ctx, platform.ObservabilitySpec{
			Name: "dev", Cluster: clusterSpec, Outputs: cluster, LogRetentionDays: 30, Tags: tags,
			Rules: []platform.AlertRule{{
				Name: "NodeNotReady", Expr: "up == 0", For: time.Minute, Severity: platform.SeverityCritical,
				Summary: "down", Runbook: "https://example.com/runbook",
			}},
			Receivers: []platform.Receiver{{Name: "oncall", Emails: []string{"oncall@example.com"}, Severities: platform.Severities}},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// TestRegistryListsExactlyTheRegisteredTypes checks the registry against a
// render of every capability of the fake: every registered type is in it,
// carrying the spec's tags where it takes tags and none where it takes
// none, and every type in it is registered by the render.
func TestRegistryListsExactlyTheRegisteredTypes(t *testing.T) {
	snap := renderEverything(t)
	registered := map[string]bool{}
	for i := range snap.Resources {
		r := &snap.Resources[i]
		if !r.Custom {
			continue
		}
		registered[r.Type] = true
		typ, known := faketypes.Registry.Lookup(r.Type)
		if !known {
			t.Errorf("%s %s: not in the registry; add it to platform/fake/faketypes", r.Type, r.Name)
			continue
		}
		tags, tagged := r.Input("tags")
		switch {
		case typ.Tags == "" && tagged:
			t.Errorf("%s %s has tags %v, but the registry says the type takes none", r.Type, r.Name, tags)
		case typ.Tags != "" && platformtest.StringMap(t, tags)["team"] != "platform":
			t.Errorf("%s %s: tags %v, want the spec's", r.Type, r.Name, tags)
		}
	}
	for _, typ := range faketypes.Registry.Tokens() {
		if !registered[typ] {
			t.Errorf("the registry lists %s, which the render does not register: a typo, or a type the fake no longer uses", typ)
		}
	}
}
