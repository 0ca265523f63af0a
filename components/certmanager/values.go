package certmanager

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform"
)

// chartValues are the cert-manager chart values Plinth sets (chart
// helm.CertManager). A raw value at any of these paths is an error; raw
// values may add anything else.
type chartValues struct {
	Global globalValues `json:"global"`
	CRDs   crdValues    `json:"crds"`

	// The controller, the only workload that talks to the cloud.
	ReplicaCount              int                             `json:"replicaCount"`
	PodDisruptionBudget       helm.PodDisruptionBudget        `json:"podDisruptionBudget"`
	TopologySpreadConstraints []helm.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
	Affinity                  *helm.Affinity                  `json:"affinity,omitempty"`
	Tolerations               []helm.Toleration               `json:"tolerations"`
	// PodLabels carry the workload identity's pod labels
	// (azure.workload.identity/use on AKS); unset without an identity.
	PodLabels      pulumi.StringMapInput `json:"podLabels,omitempty"`
	ServiceAccount serviceAccountValues  `json:"serviceAccount"`
	Prometheus     prometheusValues      `json:"prometheus"`

	Webhook         workloadValues `json:"webhook"`
	CAInjector      workloadValues `json:"cainjector"`
	StartupAPICheck startupValues  `json:"startupapicheck"`
}

type globalValues struct {
	CommonLabels   map[string]string    `json:"commonLabels"`
	LeaderElection leaderElectionValues `json:"leaderElection"`
}

type leaderElectionValues struct {
	Namespace string `json:"namespace"`
}

type crdValues struct {
	Enabled bool `json:"enabled"`
	Keep    bool `json:"keep"`
}

type serviceAccountValues struct {
	Create bool   `json:"create"`
	Name   string `json:"name"`
	// Annotations carry the workload identity's annotations
	// (azure.workload.identity/client-id, iam.gke.io/gcp-service-account).
	Annotations pulumi.StringMapInput `json:"annotations,omitempty"`
}

type prometheusValues struct {
	Enabled bool `json:"enabled"`
}

type workloadValues struct {
	ReplicaCount              int                             `json:"replicaCount"`
	PodDisruptionBudget       helm.PodDisruptionBudget        `json:"podDisruptionBudget"`
	TopologySpreadConstraints []helm.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
	Affinity                  *helm.Affinity                  `json:"affinity,omitempty"`
	Tolerations               []helm.Toleration               `json:"tolerations"`
}

type startupValues struct {
	Tolerations []helm.Toleration `json:"tolerations"`
}

// metricsPort is the controller's container port serving Prometheus
// metrics (9402), named by the chart.
const metricsPort = "http-metrics"

// podLabels are the labels the chart puts on each workload's pods, which
// the spread and anti-affinity terms select.
func podLabels(component string) map[string]string {
	return map[string]string{
		"app.kubernetes.io/instance":  ReleaseName,
		"app.kubernetes.io/component": component,
	}
}

// workload returns the replica, disruption and spread values of one
// workload. A PodDisruptionBudget with a single replica would block every
// node drain, so it is on only from two replicas.
func workload(replicas int, component string) workloadValues {
	w := workloadValues{ReplicaCount: replicas, Tolerations: []helm.Toleration{helm.SystemPoolToleration}}
	if replicas > 1 {
		pods := podLabels(component)
		w.PodDisruptionBudget = helm.PodDisruptionBudget{Enabled: true, MaxUnavailable: 1}
		w.TopologySpreadConstraints = helm.ZoneSpread(pods)
		w.Affinity = helm.NodeAntiAffinity(pods)
	}
	return w
}

// values returns the chart values for r. identity is nil without a DNS
// zone; then no identity annotations or pod labels are set.
func (r *resolved) values(identity *platform.WorkloadIdentity) chartValues {
	controller := workload(r.Replicas, "controller")
	v := chartValues{
		Global: globalValues{
			CommonLabels:   r.labels,
			LeaderElection: leaderElectionValues{Namespace: Namespace},
		},
		CRDs:                      crdValues{Enabled: true, Keep: true},
		ReplicaCount:              controller.ReplicaCount,
		PodDisruptionBudget:       controller.PodDisruptionBudget,
		TopologySpreadConstraints: controller.TopologySpreadConstraints,
		Affinity:                  controller.Affinity,
		Tolerations:               controller.Tolerations,
		ServiceAccount:            serviceAccountValues{Create: true, Name: ServiceAccount},
		Prometheus:                prometheusValues{Enabled: true},
		Webhook:                   workload(r.Replicas, "webhook"),
		CAInjector:                workload(r.Replicas, "cainjector"),
		StartupAPICheck:           startupValues{Tolerations: []helm.Toleration{helm.SystemPoolToleration}},
	}
	if identity != nil {
		v.ServiceAccount.Annotations = identity.ServiceAccountAnnotations
		v.PodLabels = pulumi.ToStringMap(identity.PodLabels)
	}
	return v
}

// placeholderIdentity has the shape of a real identity, for checking raw
// values against the typed ones before anything is registered.
func placeholderIdentity() *platform.WorkloadIdentity {
	return &platform.WorkloadIdentity{
		ServiceAccountAnnotations: pulumi.StringMap{}.ToStringMapOutput(),
		PodLabels:                 map[string]string{},
	}
}
