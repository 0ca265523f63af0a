package aks

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

const (
	testPusherA = "7d2c1b0a-1e2f-4a3b-9c4d-5e6f7a8b9c0d"
	testPusherB = "8e3d2c1b-2f3a-4b4c-8d5e-6f7a8b9c0d1e"
)

// registrySpec is a private, locked registry with two pushers and a
// 30-day retention of untagged manifests.
func registrySpec() platform.RegistrySpec {
	b := backupSpec()
	cluster := *b.Cluster
	cluster.NodeIdentity = pulumi.String("2b4c6d8e-0a1b-4c3d-8e5f-6a7b8c9d0e1f").ToStringOutput()
	return platform.RegistrySpec{
		Name:                  "prod",
		Cluster:               &cluster,
		Network:               testNetwork(),
		Private:               true,
		Pushers:               []string{testPusherA, testPusherB},
		UntaggedRetentionDays: 30,
		Locked:                true,
		Tags:                  platform.Tags{"environment": "prod"},
	}
}

func TestPlanRegistry(t *testing.T) {
	p, err := planRegistry(registrySpec())
	if err != nil {
		t.Fatal(err)
	}
	want := registryPlan{
		Registry: "prod-registry", SKU: "Premium", ZoneRedundancy: "Enabled",
		RetentionStatus: "enabled", RetentionDays: 30,
		PublicNetworkAccess: "Disabled", ExportStatus: "disabled", NetworkBypass: "AzureServices",
		Protect: true,
		Zone: &privateZonePlan{
			Zone: "prod-registry-dns", ZoneName: "privatelink.azurecr.io", ZoneLocation: "global", Link: "prod-registry-dns-link",
		},
		Endpoint: &privateEndpointPlan{
			Name: "prod-registry-endpoint", NIC: "prod-registry-endpoint-nic", Connection: "prod-registry",
			Subresource: "registry", ZoneGroup: "prod-registry-dns-group", ZoneGroupName: "default",
			ZoneConfig: "privatelink-azurecr-io",
		},
		EndpointSubnet: platform.SubnetPrivateEndpoints,
		Puller:         "prod-acr-pull", PullRole: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
		Pushers: []string{"prod-acr-push-7d2c1b0a-1e2f-4a3b-9c4d-5e6f7a8b9c0d", "prod-acr-push-8e3d2c1b-2f3a-4b4c-8d5e-6f7a8b9c0d1e"}, PushRole: "8311e382-0749-4cb8-b61a-304f252e45ec",
		Tags: map[string]string{"environment": "prod"},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("plan\n%+v\nwant\n%+v", p, want)
	}
}

// A public registry without retention and pushers needs no endpoint
// subnet; it keeps untagged manifests and may export.
func TestPlanPublicRegistry(t *testing.T) {
	s := registrySpec()
	s.Private, s.Locked, s.UntaggedRetentionDays, s.Pushers = false, false, 0, nil
	s.Network = platform.ClusterNetwork{}
	p, err := planRegistry(s)
	if err != nil {
		t.Fatal(err)
	}
	if p.PublicNetworkAccess != "Enabled" || p.ExportStatus != "enabled" || p.Zone != nil || p.Endpoint != nil || p.Protect {
		t.Errorf("public registry %+v", p)
	}
	if p.RetentionStatus != "disabled" || p.RetentionDays != 0 || len(p.Pushers) != 0 {
		t.Errorf("retention %s/%d pushers %v; want disabled, 0, none", p.RetentionStatus, p.RetentionDays, p.Pushers)
	}
	if p.AdminUser || p.AnonymousPull || p.SKU != "Premium" || p.ZoneRedundancy != "Enabled" {
		t.Errorf("every registry is Premium, zone redundant, without admin user or anonymous pull: %+v", p)
	}
}

func TestPlanRegistryRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*platform.RegistrySpec)
		want   []string
	}{
		{"bad and repeated pushers", func(s *platform.RegistrySpec) {
			s.Pushers = []string{"ci@example.com", testPusherA, testPusherA}
		}, []string{
			`registry.pushers[0] "ci@example.com": not the Entra object ID of a service principal or managed identity, e.g. "0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e"`,
			`registry.pushers[2] "` + testPusherA + `": repeats registry.pushers[1]; list each pusher once`,
		}},
		{"retention", func(s *platform.RegistrySpec) { s.UntaggedRetentionDays = 366 },
			[]string{"registry.untaggedRetentionDays 366: must be 0..365"}},
		{"private without an endpoint subnet", func(s *platform.RegistrySpec) {
			s.Network.Spec.Subnets = s.Network.Spec.Subnets[:2]
		}, []string{`registry.network.spec.subnets: required: a subnet with role "private-endpoints": the registry has no public access`}},
		{"no cluster", func(s *platform.RegistrySpec) { s.Cluster = nil }, []string{"registry.cluster: required"}},
		{"cluster without outputs", func(s *platform.RegistrySpec) { s.Cluster = &platform.ClusterOutputs{} },
			[]string{"registry.cluster.id: required", "registry.cluster.nodeIdentity: required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := registrySpec()
			tc.mutate(&s)
			_, err := planRegistry(s)
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

// TestRegistryName: names are valid registry names, stable, distinct per
// name, resource group and subscription.
func TestRegistryName(t *testing.T) {
	sub, rg := "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a", "prod-rg"
	a, err := registryName(sub, rg, "prod")
	if err != nil || !registryNamePattern.MatchString(a) || !strings.HasPrefix(a, "crprod") || len(a) != len("crprod")+8 {
		t.Errorf("registryName = %q, %v; want crprod<8 hex>", a, err)
	}
	if b, _ := registryName(sub, rg, "prod"); b != a {
		t.Error("registryName is not stable")
	}
	long, err := registryName(sub, rg, "a-twenty-four-char-named")
	if err != nil || len(long) != 24 {
		t.Errorf("a long name gives %q, %v; want 24 characters", long, err)
	}
	for _, other := range [][3]string{{sub, rg, "dev"}, {sub, "dev-rg", "prod"}, {"0b7e2c4d-9a1f-4e3b-8c6d-5f4a3b2c1d0e", rg, "prod"}} {
		if o, _ := registryName(other[0], other[1], other[2]); o == a {
			t.Errorf("registryName%v = %q, the same as for prod", other, o)
		}
	}
	if got := registryPrefix(a); got != a+".azurecr.io/" {
		t.Errorf("registryPrefix = %q", got)
	}
	if _, err := registryName(sub, rg, "Prod_"); err == nil || !strings.Contains(err.Error(), `not 5-50 lowercase letters and digits`) {
		t.Errorf("a name that gives an invalid registry name: %v", err)
	}
}
