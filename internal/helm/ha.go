package helm

// High availability by default: every chart the platform installs runs at
// least DefaultReplicas replicas, spread over zones, kept apart on nodes,
// and guarded by a PodDisruptionBudget, unless the chart cannot run more
// than one replica (its component says why).

// DefaultReplicas is the replica count of every highly available workload.
const DefaultReplicas = 2

// The well-known topology keys.
const (
	ZoneKey = "topology.kubernetes.io/zone"
	HostKey = "kubernetes.io/hostname"
)

// LabelSelector is a Kubernetes label selector by labels.
type LabelSelector struct {
	MatchLabels map[string]string `json:"matchLabels"`
}

// TopologySpreadConstraint is a Kubernetes pod topology spread constraint.
type TopologySpreadConstraint struct {
	MaxSkew           int           `json:"maxSkew"`
	TopologyKey       string        `json:"topologyKey"`
	WhenUnsatisfiable string        `json:"whenUnsatisfiable"`
	LabelSelector     LabelSelector `json:"labelSelector"`
}

// Affinity is the part of Kubernetes pod affinity Plinth sets.
type Affinity struct {
	PodAntiAffinity PodAntiAffinity `json:"podAntiAffinity"`
}

// PodAntiAffinity keeps replicas apart.
type PodAntiAffinity struct {
	Preferred []WeightedPodAffinityTerm `json:"preferredDuringSchedulingIgnoredDuringExecution"`
}

// WeightedPodAffinityTerm is one preferred anti-affinity term.
type WeightedPodAffinityTerm struct {
	Weight int             `json:"weight"`
	Term   PodAffinityTerm `json:"podAffinityTerm"`
}

// PodAffinityTerm selects the pods to keep apart from, per topology domain.
type PodAffinityTerm struct {
	LabelSelector LabelSelector `json:"labelSelector"`
	TopologyKey   string        `json:"topologyKey"`
}

// ZoneSpread returns the zone spread every highly available workload gets:
// replicas differ by at most one per zone, and a replica waits rather than
// land in a zone that already has more (a zone outage then takes at most
// half of two replicas). A single-zone cluster has one domain and is
// always satisfied.
func ZoneSpread(pods map[string]string) []TopologySpreadConstraint {
	return []TopologySpreadConstraint{{
		MaxSkew:           1,
		TopologyKey:       ZoneKey,
		WhenUnsatisfiable: "DoNotSchedule",
		LabelSelector:     LabelSelector{MatchLabels: pods},
	}}
}

// NodeAntiAffinity prefers one replica per node. It is a preference, not a
// requirement, so a rolling update on a small pool still makes progress.
func NodeAntiAffinity(pods map[string]string) *Affinity {
	return &Affinity{PodAntiAffinity: PodAntiAffinity{Preferred: []WeightedPodAffinityTerm{{
		Weight: 100,
		Term:   PodAffinityTerm{LabelSelector: LabelSelector{MatchLabels: pods}, TopologyKey: HostKey},
	}}}}
}

// PodDisruptionBudget is the disruption-budget value the charts Plinth
// installs share: enabled, and how many replicas a voluntary disruption
// (a node drain, an upgrade) may take down at once.
type PodDisruptionBudget struct {
	Enabled        bool `json:"enabled"`
	MaxUnavailable int  `json:"maxUnavailable,omitempty"`
}

// Toleration is a Kubernetes pod toleration.
type Toleration struct {
	Key      string `json:"key,omitempty"`
	Operator string `json:"operator"`
	Effect   string `json:"effect,omitempty"`
}

// SystemPoolToleration lets a platform add-on run on the system pool,
// which components/cluster taints CriticalAddonsOnly=true:NoSchedule, as
// well as on user pools: a cluster whose only user pool is tainted (the
// Spot pools of development stacks) must still run its ingress,
// certificates and backups. It is a permission, not a pin: the scheduler
// spreads replicas over every node they tolerate.
var SystemPoolToleration = Toleration{Key: "CriticalAddonsOnly", Operator: "Exists", Effect: "NoSchedule"}
