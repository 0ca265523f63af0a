package stacks

import (
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
)

func devAKS() Environment {
	return Environment{
		Name: "dev-aks", Class: ClassDev, Cloud: platform.CloudAzure, CostCenter: "cc-4711",
		Network: network.Args{
			AddressSpace: "10.10.0.0/16",
			MaxNodes:     30,
			FlowLogs:     network.FlowLogs{RetentionDays: 7},
		},
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
	}
}
