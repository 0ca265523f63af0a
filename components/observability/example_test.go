package observability_test

import (
	"fmt"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/observability"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
)

// The baseline alerts of a production GKE cluster, with the on-call as the
// receiver of critical alerts: resolving builds them, registering nothing.
func ExampleArgs_Resolve() {
	target := platform.Target{Cloud: gkefacts.Facts, Region: "europe-west1", Production: true}
	net, _ := network.Args{AddressSpace: "10.30.0.0/16"}.Resolve("prod-gke", "network", target)
	cl, _ := cluster.Args{}.Resolve("prod-gke", "cluster", target, net.Spec())

	r, err := observability.Args{
		Receivers: []observability.Receiver{{
			Name: "oncall", Emails: []string{"oncall@example.com"}, Severities: []platform.Severity{platform.SeverityCritical},
		}},
	}.Resolve("prod-gke", "observability", target, observability.Watched{Cluster: cl.Spec(), CertManager: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range r.Spec().Rules {
		fmt.Println(a.Severity, a.Name)
	}
	// Output:
	// critical NodeNotReady
	// warning PodCrashLooping
	// warning PersistentVolumeFilling
	// critical APIServerErrors
	// warning APIServerLatency
	// warning CertificateExpiring
	// critical CertificateNotReady
	// warning NodePoolAtMaximumSystem
}

// A production environment whose critical alerts reach nobody is refused.
func ExampleArgs_Resolve_noReceiver() {
	target := platform.Target{Cloud: gkefacts.Facts, Production: true}
	net, _ := network.Args{AddressSpace: "10.30.0.0/16"}.Resolve("prod-gke", "network", target)
	cl, _ := cluster.Args{}.Resolve("prod-gke", "cluster", target, net.Spec())
	_, err := observability.Args{}.Resolve("prod-gke", "observability", target, observability.Watched{Cluster: cl.Spec()})
	fmt.Println(err)
	// Output:
	// observability.receivers: required: a production environment's critical alerts reach someone: add a receiver with severities [critical], e.g. the on-call's e-mail or paging webhook
}
