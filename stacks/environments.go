package stacks

import (
	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
)

// acmeEmail receives Let's Encrypt's expiry and account notices.
const acmeEmail = "platform-team@acme.example"

// Directory principals of the teams, per cloud: Entra object IDs on Azure,
// Google group emails on GCP.
var (
	entra = map[string]string{
		"payments-members": "group:1b6f4c2a-8d3e-4f51-9a07-2c4e6d8f0a11",
		"payments-leads":   "group:2c7a5d3b-9e4f-4062-8b18-3d5f7e9a1b22",
		"checkout-members": "group:3d8b6e4c-af50-4173-9c29-4e6a8fab2c33",
		"checkout-leads":   "group:4e9c7f5d-b061-4284-8d3a-5f7b9abc3d44",
		"platform-oncall":  "group:5fad8a6e-c172-4395-9e4b-6a8cabcd4e55",
		"platform-leads":   "group:6abe9b7f-d283-44a6-8f5c-7b9dbcde5f66",
	}
	google = map[string]string{
		"payments-members": "group:payments@acme.example",
		"payments-leads":   "group:payments-leads@acme.example",
		"checkout-members": "group:checkout@acme.example",
		"checkout-leads":   "group:checkout-leads@acme.example",
		"platform-oncall":  "group:platform-oncall@acme.example",
		"platform-leads":   "group:platform-leads@acme.example",
	}
)

// teams are the two product teams every environment serves, with the
// default levels (reader, developer, admin).
func teams(p map[string]string) []accesspackage.Args {
	team := func(name string, namespaces ...string) accesspackage.Args {
		a := accesspackage.Args{
			Team:       name,
			Requestors: []string{p[name+"-members"]},
			Approvers:  []string{p[name+"-leads"]},
		}
		for _, ns := range namespaces {
			a.Namespaces = append(a.Namespaces, accesspackage.Namespace{Name: ns})
		}
		return a
	}
	return []accesspackage.Args{
		team("payments", "payments", "payments-batch"),
		team("checkout", "checkout"),
	}
}

// breakGlass is the production platform-admin level: requested by the
// on-call engineers, approved by the platform leads.
func breakGlass(p map[string]string) accesspackage.CatalogArgs {
	return accesspackage.CatalogArgs{BreakGlass: &accesspackage.Level{
		Requestors: []string{p["platform-oncall"]},
		Approval:   []platform.ApprovalStage{{Approvers: []string{p["platform-leads"]}}},
	}}
}

// officeRanges may reach the public API servers of development clusters.
var officeRanges = []string{"203.0.113.0/24"}

// devCluster is the cheap development profile: one zone, the free tier, a
// public API server limited to the office, spot capacity for workloads, and
// deletion allowed.
func devCluster(zone, systemMachine string, systemDisk int) cluster.Args {
	return cluster.Args{
		SystemPool:    cluster.NodePool{Zones: []string{zone}, MinCount: 1, MaxCount: 2, MachineType: systemMachine, DiskSizeGB: systemDisk},
		UserPools:     []cluster.NodePool{{Name: "apps", Zones: []string{zone}, MinCount: 0, MaxCount: 5, Spot: true}},
		APIServer:     cluster.APIServer{Public: true, AuthorizedCIDRs: officeRanges},
		Upgrades:      cluster.Upgrades{Channel: platform.ChannelRegular},
		Tier:          platform.TierFree,
		AllowDeletion: true,
	}
}

func devAKS() Environment {
	return Environment{
		Name: "dev-aks", Class: ClassDev, Cloud: platform.CloudAzure, CostCenter: "cc-4711",
		Network: network.Args{
			AddressSpace: "10.10.0.0/16",
			MaxNodes:     30,
			FlowLogs:     network.FlowLogs{RetentionDays: 7},
		},
		// Standard_D2ds_v5 has 75 GiB of local storage; its ephemeral OS
		// disk must fit in it.
		Cluster:     devCluster("1", "Standard_D2ds_v5", 64),
		CertManager: certmanager.Args{Email: acmeEmail},
		Teams:       teams(entra),
	}
}

func prodAKS() Environment {
	return Environment{
		Name: "prod-aks", Class: ClassProd, Cloud: platform.CloudAzure, CostCenter: "cc-4711",
		Network: network.Args{
			AddressSpace: "10.20.0.0/16",
			MaxNodes:     200,
			NAT:          network.NAT{IPCount: 2},
			FlowLogs:     network.FlowLogs{RetentionDays: 90},
		},
		Cluster: cluster.Args{
			UserPools:   []cluster.NodePool{{Name: "apps", MinCount: 3, MaxCount: 30}},
			AdminGroups: []string{"6f1d2c3b-4a5e-4f60-9a7b-8c9d0e1f2a3b"},
			Monitoring:  cluster.Monitoring{LogRetentionDays: 90},
		},
		CertManager: certmanager.Args{Email: acmeEmail},
		Access:      breakGlass(entra),
		Teams:       teams(entra),
	}
}

func devGKE() Environment {
	return Environment{
		Name: "dev-gke", Class: ClassDev, Cloud: platform.CloudGCP, CostCenter: "cc-4711",
		Network: network.Args{
			AddressSpace: "10.30.0.0/16",
			MaxNodes:     30,
			FlowLogs:     network.FlowLogs{SampleRate: 0.1},
		},
		Cluster:     devCluster("b", "e2-standard-2", 64),
		CertManager: certmanager.Args{Email: acmeEmail},
		Teams:       teams(google),
	}
}

func prodGKE() Environment {
	return Environment{
		Name: "prod-gke", Class: ClassProd, Cloud: platform.CloudGCP, CostCenter: "cc-4711",
		Network: network.Args{
			AddressSpace: "10.40.0.0/16",
			MaxNodes:     200,
			NAT:          network.NAT{IPCount: 2},
			FlowLogs:     network.FlowLogs{SampleRate: 0.5},
		},
		Cluster: cluster.Args{
			UserPools:   []cluster.NodePool{{Name: "apps", MinCount: 1, MaxCount: 10}},
			AdminGroups: []string{"gke-security-groups@acme.example"},
			GKE:         cluster.GKEOptions{BackupAgent: true},
		},
		CertManager: certmanager.Args{Email: acmeEmail},
		Backup:      backup.Args{GKE: backup.GKEOptions{BackupForGKE: true}},
		Access:      breakGlass(google),
		Teams:       teams(google),
	}
}
