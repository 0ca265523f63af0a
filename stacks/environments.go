package stacks

import (
	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
)

// acmeEmail receives Let's Encrypt's expiry and account notices.
const acmeEmail = "platform-team@acme.example"

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
	}
}
