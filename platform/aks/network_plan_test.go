package aks

import (
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
)

var testConfig = Config{
	SubscriptionID: "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a",
	Location:       "westeurope",
}.withDefaults()

func spec() platform.NetworkSpec {
	return platform.NetworkSpec{
		Name:         "prod",
		AddressSpace: "10.20.0.0/16",
		Subnets: []platform.SubnetSpec{
			{Role: platform.SubnetNodes, CIDR: "10.20.0.0/18"},
			{Role: platform.SubnetIngress, CIDR: "10.20.64.0/21"},
			{Role: platform.SubnetPrivateEndpoints, CIDR: "10.20.72.0/21"},
		},
		PodCIDR:     "100.64.0.0/14",
		ServiceCIDR: "100.68.0.0/16",
		NAT:         platform.NATSpec{Enabled: true, IPCount: 2, IdleTimeoutMinutes: 4},
		FlowLogs:    platform.FlowLogSpec{Enabled: true, RetentionDays: 90, SampleRate: 0.5},
		Tags:        platform.Tags{"environment": "prod"},
	}
}

func TestPlanNetwork(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    func(c *Config)
		spec   func(s *platform.NetworkSpec)
		verify func(t *testing.T, p networkPlan)
	}{
		{
			name: "production layout",
			verify: func(t *testing.T, p networkPlan) {
				if !p.CreateResourceGroup || p.ResourceGroup != "prod-rg" || p.VNet != "prod-vnet" {
					t.Errorf("names: rg %q (create %v), vnet %q", p.ResourceGroup, p.CreateResourceGroup, p.VNet)
				}
				want := []subnetPlan{
					{Role: platform.SubnetNodes, Name: "nodes", CIDR: "10.20.0.0/18", NSG: "prod-nodes-nsg", NAT: true, PrivateEndpointPolicies: "Disabled"},
					{Role: platform.SubnetIngress, Name: "ingress", CIDR: "10.20.64.0/21", NSG: "prod-ingress-nsg", PrivateEndpointPolicies: "Disabled"},
					{Role: platform.SubnetPrivateEndpoints, Name: "private-endpoints", CIDR: "10.20.72.0/21", NSG: "prod-private-endpoints-nsg", PrivateEndpointPolicies: "Enabled"},
				}
				if !reflect.DeepEqual(p.Subnets, want) {
					t.Errorf("subnets:\n%+v\nwant\n%+v", p.Subnets, want)
				}
				wantNAT := &natPlan{Name: "prod-nat", PublicIPs: []string{"prod-nat-ip-1", "prod-nat-ip-2"}, IdleTimeout: 4, IPZones: []string{"1", "2", "3"}}
				if !reflect.DeepEqual(p.NAT, wantNAT) {
					t.Errorf("nat = %+v, want %+v", p.NAT, wantNAT)
				}
				if p.FlowLog == nil || p.FlowLog.RetentionDays != 90 || p.FlowLog.WatcherGroup != "NetworkWatcherRG" || p.FlowLog.WatcherName != "NetworkWatcher_westeurope" {
					t.Errorf("flow log = %+v", p.FlowLog)
				}
			},
		},
		{
			name: "existing resource group",
			cfg:  func(c *Config) { c.ResourceGroupName = "platform-prod" },
			verify: func(t *testing.T, p networkPlan) {
				if p.CreateResourceGroup || p.ResourceGroup != "platform-prod" {
					t.Errorf("rg %q create %v, want the given group, not created", p.ResourceGroup, p.CreateResourceGroup)
				}
			},
		},
		{
			name: "no NAT, no flow logs",
			spec: func(s *platform.NetworkSpec) { s.NAT = platform.NATSpec{}; s.FlowLogs = platform.FlowLogSpec{} },
			verify: func(t *testing.T, p networkPlan) {
				if p.NAT != nil || p.FlowLog != nil {
					t.Errorf("nat %+v, flow log %+v; want neither", p.NAT, p.FlowLog)
				}
				for _, sn := range p.Subnets {
					if sn.NAT {
						t.Errorf("subnet %s attached to a NAT that does not exist", sn.Name)
					}
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, s := testConfig, spec()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			if tc.spec != nil {
				tc.spec(&s)
			}
			tc.verify(t, planNetwork(cfg, s))
		})
	}
}

func TestStorageAccountName(t *testing.T) {
	a := storageAccountName("fl", "prod", "sub-a", "prod-rg")
	if a != storageAccountName("fl", "prod", "sub-a", "prod-rg") {
		t.Error("name is not stable")
	}
	if a == storageAccountName("fl", "prod", "sub-b", "prod-rg") {
		t.Error("two subscriptions get the same globally unique name")
	}
	long := storageAccountName("fl", "a-very-long-network-name", "sub", "rg")
	if len(long) != 24 {
		t.Errorf("%q is %d characters; storage accounts take 3-24", long, len(long))
	}
	for _, r := range long {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			t.Errorf("%q holds %q; storage accounts take lowercase letters and digits", long, r)
		}
	}
}

func TestConfigValidation(t *testing.T) {
	err := Config{SubscriptionID: "my-subscription", TenantID: "x", Location: "West Europe", Zones: []string{"4"}}.withDefaults().validate("aks")
	want := `aks.subscriptionID "my-subscription": not a UUID; use the subscription ID, not its name
aks.tenantID "x": not a UUID; use the tenant ID (az account show --query tenantId)
aks.location "West Europe": write the region's name as Azure does, lowercase without spaces, e.g. "westeurope"
aks.zones[0] "4": Azure zones are "1", "2" and "3"`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
	if err := (Config{}).validate("aks"); err == nil || err.Error() != `aks.subscriptionID: required: the Azure subscription ID (az account show --query id)
aks.location: required: the Azure region, e.g. "westeurope"` {
		t.Errorf("empty config error: %v", err)
	}
}

func TestPlanNetworkLock(t *testing.T) {
	s := spec()
	if p := planNetwork(testConfig, s); p.Lock != nil {
		t.Errorf("unlocked network plans a lock: %+v", p.Lock)
	}

	s.Locked = true
	lock := planNetwork(testConfig, s).Lock
	if lock == nil {
		t.Fatal("locked network plans no lock")
	}
	if lock.Name != "prod-rg-lock" || lock.Level != "CanNotDelete" {
		t.Errorf("lock %q level %q, want prod-rg-lock at CanNotDelete", lock.Name, lock.Level)
	}
	for _, say := range []string{`"prod"`, "Locked to false", "pulumi state unprotect on the lock prod-rg-lock", "never remove it by hand"} {
		if !strings.Contains(lock.Notes, say) {
			t.Errorf("lock notes do not say %q: %s", say, lock.Notes)
		}
	}
	// ARM refuses notes over 512 characters; the longest logical name must fit.
	s.Name = strings.Repeat("n", 24)
	if n := len(planNetwork(testConfig, s).Lock.Notes); n > 512 {
		t.Errorf("lock notes are %d characters; ARM takes at most 512", n)
	}
}
