package aks

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

func secretsConfig() Config {
	return Config{SubscriptionID: "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a", TenantID: testTenant, Location: "westeurope"}.withDefaults()
}

// secretSpec is a private, locked store for two teams, payments with two
// writer groups and search with none.
func secretSpec() platform.SecretStoreSpec {
	b := backupSpec()
	return platform.SecretStoreSpec{
		Name:    "secrets",
		Cluster: b.Cluster,
		Network: testNetwork(),
		Teams: []platform.SecretTeamSpec{
			{Team: "payments", Namespace: "payments", ServiceAccount: "secrets-reader", Writers: []pulumi.StringInput{pulumi.String("w1"), pulumi.String("w2")}},
			{Team: "search", Namespace: "search", ServiceAccount: "secrets-reader"},
		},
		Private:        true,
		SoftDeleteDays: 90,
		Locked:         true,
		Tags:           platform.Tags{"environment": "prod"},
	}
}

func TestPlanSecretStore(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*platform.SecretStoreSpec)
		check  func(t *testing.T, p secretStorePlan)
	}{
		{"private and locked", nil, func(t *testing.T, p secretStorePlan) {
			if p.TenantID != testTenant || p.SKU != "standard" || p.Family != "A" || !p.RBAC || !p.PurgeProtection || p.SoftDeleteDays != 90 {
				t.Errorf("vault settings %+v; want the tenant, standard/A, RBAC, purge protection, 90 days", p)
			}
			if p.PublicNetworkAccess != "Disabled" || p.NetworkDefaultAction != "Deny" || p.NetworkBypass != "None" {
				t.Errorf("network %s/%s/%s; want Disabled, Deny, None", p.PublicNetworkAccess, p.NetworkDefaultAction, p.NetworkBypass)
			}
			if !p.Protect || !p.Locked || p.EndpointSubnet != platform.SubnetPrivateEndpoints {
				t.Errorf("protect %v locked %v subnet %q", p.Protect, p.Locked, p.EndpointSubnet)
			}
			wantZone := privateZonePlan{Zone: "secrets-vault-dns", ZoneName: "privatelink.vaultcore.azure.net", ZoneLocation: "global", Link: "secrets-vault-dns-link"}
			if p.Zone == nil || *p.Zone != wantZone {
				t.Errorf("zone %+v, want one zone for the store %+v", p.Zone, wantZone)
			}
			want := secretTeamPlan{
				Team: "payments", Index: 0, Vault: "secrets-payments-vault",
				Lock: "secrets-payments-vault-lock", LockName: "secrets-payments-vault-lock", LockNotes: p.Teams[0].LockNotes,
				Identity: "secrets-payments",
				Reader:   "secrets-payments-secrets-user", ReaderRole: "4633458b-17de-408a-b874-0445c86b69e6",
				Writers:    []string{"secrets-payments-secrets-officer-1", "secrets-payments-secrets-officer-2"},
				WriterRole: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
				Endpoint: &privateEndpointPlan{
					Name: "secrets-payments-vault-endpoint", NIC: "secrets-payments-vault-endpoint-nic", Connection: "secrets-payments-vault",
					Subresource: "vault", ZoneGroup: "secrets-payments-vault-dns-group", ZoneGroupName: "default",
					ZoneConfig: "privatelink-vaultcore-azure-net",
				},
			}
			if len(p.Teams) != 2 || !reflect.DeepEqual(p.Teams[0], want) {
				t.Errorf("team payments\n%+v\nwant\n%+v", p.Teams[0], want)
			}
			if !strings.Contains(want.LockNotes, "payments") || !strings.Contains(want.LockNotes, "pulumi state unprotect") {
				t.Errorf("lock notes %q should name the team and how to lift the lock", want.LockNotes)
			}
			if s := p.Teams[1]; s.Vault != "secrets-search-vault" || len(s.Writers) != 0 || s.Endpoint == nil || s.Index != 1 {
				t.Errorf("team search %+v", s)
			}
		}},
		{"public and unlocked", func(s *platform.SecretStoreSpec) {
			s.Private, s.Locked, s.SoftDeleteDays = false, false, 7
			s.Network = platform.ClusterNetwork{} // a public store needs no endpoint subnet
		}, func(t *testing.T, p secretStorePlan) {
			if p.PublicNetworkAccess != "Enabled" || p.NetworkDefaultAction != "Allow" || p.Zone != nil || p.Protect || p.Locked || p.SoftDeleteDays != 7 {
				t.Errorf("public store %+v", p)
			}
			for _, tp := range p.Teams {
				if tp.Endpoint != nil || tp.Lock != "" {
					t.Errorf("team %s: endpoint %+v, lock %q; want neither", tp.Team, tp.Endpoint, tp.Lock)
				}
			}
			if !p.RBAC || !p.PurgeProtection {
				t.Error("RBAC and purge protection are on in every class")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := secretSpec()
			if tc.mutate != nil {
				tc.mutate(&spec)
			}
			p, err := planSecretStore(secretsConfig(), spec)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, p)
		})
	}
}

func TestPlanSecretStoreRejects(t *testing.T) {
	tests := []struct {
		name   string
		cfg    func(*Config)
		mutate func(*platform.SecretStoreSpec)
		want   []string
	}{
		{"no tenant", func(c *Config) { c.TenantID = "" }, nil,
			[]string{"aks.tenantID: required: Key Vaults authenticate requests against the Entra ID tenant"}},
		{"duplicate and invalid teams", nil, func(s *platform.SecretStoreSpec) {
			s.Teams[1].Team = "payments"
			s.Teams = append(s.Teams, platform.SecretTeamSpec{Team: "Search_", Namespace: "search", ServiceAccount: "r"})
		}, []string{
			`secretStore.teams[1].team "payments": repeats secretStore.teams[0].team`,
			`secretStore.teams[2].team "Search_": use 1-30 lowercase letters`,
		}},
		{"soft delete days", nil, func(s *platform.SecretStoreSpec) { s.SoftDeleteDays = 3 },
			[]string{"secretStore.softDeleteDays 3: must be 7..90"}},
		{"private without an endpoint subnet", nil, func(s *platform.SecretStoreSpec) {
			s.Network.Spec.Subnets = s.Network.Spec.Subnets[:2]
		}, []string{`secretStore.network.spec.subnets: required: a subnet with role "private-endpoints": the store's vaults have no public access`}},
		{"no cluster, bad namespace", nil, func(s *platform.SecretStoreSpec) {
			s.Cluster = nil
			s.Teams[0].Namespace = ""
		}, []string{"secretStore.cluster: required", `secretStore.teams[0].namespace "": not a Kubernetes namespace name`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, spec := secretsConfig(), secretSpec()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			if tc.mutate != nil {
				tc.mutate(&spec)
			}
			_, err := planSecretStore(cfg, spec)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nwant it to contain\n%s", err, w)
				}
			}
		})
	}
}

// TestVaultName: names are valid Key Vault names, stable, distinct per
// team, store, resource group and subscription, and show the team.
func TestVaultName(t *testing.T) {
	sub, rg := "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a", "prod-rg"
	a := vaultName(sub, rg, "secrets", "payments")
	if !vaultNamePattern.MatchString(a) || !strings.HasPrefix(a, "kvpayments") || len(a) > 24 {
		t.Errorf("vaultName = %q; want kvpayments<8 hex>, a valid vault name", a)
	}
	if a != vaultName(sub, rg, "secrets", "payments") {
		t.Error("vaultName is not stable")
	}
	long := vaultName(sub, rg, "a-twenty-four-char-store", "a-team-of-thirty-characters-xy")
	if !vaultNamePattern.MatchString(long) || len(long) != 24 {
		t.Errorf("long names give %q; want 24 characters", long)
	}
	for _, other := range []string{
		vaultName(sub, rg, "secrets", "search"),
		vaultName(sub, rg, "other", "payments"),
		vaultName(sub, "dev-rg", "secrets", "payments"),
		vaultName("0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e", rg, "secrets", "payments"),
		// store "secrets-pay", team "ments" must not be store "secrets", team "pay-ments"
		vaultName(sub, rg, "secrets-pay", "ments"),
	} {
		if other == a {
			t.Errorf("%q is given to two vaults", a)
		}
	}
	if got := vaultURI("kvpayments0123abcd"); got != "https://kvpayments0123abcd.vault.azure.net/" {
		t.Errorf("vaultURI = %q", got)
	}
}
