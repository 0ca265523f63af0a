package accesspackage

import (
	"slices"
	"time"

	"github.com/plinth-dev/plinth/platform"
)

// day is 24 hours; access durations are counted in days and hours.
const day = 24 * time.Hour

// Defaults and limits of the catalog.
const (
	// DefaultMaxDuration is the platform maximum when
	// CatalogArgs.MaxDuration is unset: no grant of any level lasts longer
	// than 90 days without being requested again.
	DefaultMaxDuration = 90 * day
	// MaxDurationLimit is the longest platform maximum a catalog accepts.
	MaxDurationLimit = 365 * day

	// BreakGlassTeam is the team the break-glass level belongs to. No
	// AccessPackage may use it while the catalog has a break-glass level.
	BreakGlassTeam = "platform"
	// DefaultBreakGlassName is the break-glass level's name when
	// Level.Name is unset.
	DefaultBreakGlassName = "break-glass"
	// DefaultBreakGlassMaxDuration is how long a break-glass grant lasts
	// when its MaxDuration is unset; on Azure one day (platform.CloudFacts.AccessUnit).
	DefaultBreakGlassMaxDuration = 4 * time.Hour
	// BreakGlassDurationLimit is the longest break-glass grant: cluster
	// admin is for an incident, not for a sprint. On Azure it is one day,
	// the shortest assignment Entra entitlement management offers.
	BreakGlassDurationLimit = 8 * time.Hour

	// DefaultCatalogDescription is shown to requestors when
	// CatalogArgs.Description is unset.
	DefaultCatalogDescription = "Request-based access to the platform's Kubernetes namespaces, managed by Plinth"
)

// Defaults and limits of access levels.
const (
	// DefaultApprovalTimeoutDays is how long an approval stage waits when
	// its TimeoutDays is unset: one day, the same on both clouds (Privileged
	// Access Manager expires pending requests after 24 hours whatever the
	// setting; Entra waits as long as configured).
	DefaultApprovalTimeoutDays = 1
	// MaxApprovalTimeoutDays is the longest an approval stage may wait
	// (the Entra limit).
	MaxApprovalTimeoutDays = 14
	// DefaultJustification is whether requestors must say why, when
	// Level.Justification is unset.
	DefaultJustification = true
)

// Defaults of the Kubernetes side.
const (
	// DefaultIngressNamespace is the ingress controller's namespace, the
	// Ingress component's default; the network policy admits traffic from
	// it.
	DefaultIngressNamespace = "ingress"
	// PodSecurityBaseline enforces the Kubernetes baseline Pod Security
	// Standard, and warns and audits against restricted. It is the default.
	PodSecurityBaseline = "baseline"
	// PodSecurityRestricted enforces, warns and audits the restricted Pod
	// Security Standard.
	PodSecurityRestricted = "restricted"
	// DefaultPodSecurity is Namespace.PodSecurity when unset.
	DefaultPodSecurity = PodSecurityBaseline
)

// roundUp returns d rounded up to a whole multiple of unit.
func roundUp(d, unit time.Duration) time.Duration {
	return (d + unit - 1) / unit * unit
}

// DefaultDurations is a level's MaxDuration when unset, by role, rounded up
// to the cloud's access unit (platform.CloudFacts.AccessUnit) and capped at the catalog's MaxDuration:
// readers renew quarterly, developers monthly, namespace admins every
// working day (every day on Azure).
var DefaultDurations = map[platform.AccessRole]time.Duration{
	platform.AccessView:  90 * day,
	platform.AccessEdit:  30 * day,
	platform.AccessAdmin: 8 * time.Hour,
}

// DefaultLevels are a team's levels when Args.Levels is unset. Their
// requestors are Args.Requestors; developer and admin are approved in one
// stage by Args.Approvers; every level requires a justification and lasts
// DefaultDurations of its role.
var DefaultLevels = []Level{
	{Name: "reader", Role: platform.AccessView, NoApproval: true},
	{Name: "developer", Role: platform.AccessEdit},
	{Name: "admin", Role: platform.AccessAdmin},
}

// DefaultQuota is each namespace's ResourceQuota when Namespace.Quota is
// unset; a set Quota takes these values for its unset fields. No
// LoadBalancer or NodePort services: teams are reached through the ingress
// controller.
var DefaultQuota = Quota{
	CPU:                    "8",
	Memory:                 "16Gi",
	MemoryLimit:            "32Gi",
	Pods:                   50,
	PersistentVolumeClaims: 10,
	Storage:                "200Gi",
}

// DefaultLimits are each namespace's container defaults (LimitRange) when
// Namespace.Limits is unset; a set Limits takes these values for its unset
// fields. There is no default CPU limit: CPU limits throttle, and the
// quota bounds CPU requests.
var DefaultLimits = Limits{
	CPURequest:    "100m",
	MemoryRequest: "128Mi",
	MemoryLimit:   "512Mi",
}

// DefaultReservedNamespaces are namespaces no team may claim: Kubernetes'
// own, the platform's (cert-manager, Velero, the ingress controller) and
// the clouds' add-ons. Names starting with ReservedNamespacePrefixes are
// refused too.
var DefaultReservedNamespaces = []string{
	"default",
	"cert-manager",
	"velero",
	DefaultIngressNamespace,
	"gatekeeper-system",
	"app-routing-system",
	"calico-system",
	"tigera-operator",
	"config-management-system",
}

// ReservedNamespacePrefixes start the names of namespaces Kubernetes and
// the clouds create (kube-system, gke-managed-system, gmp-system,
// aks-command).
var ReservedNamespacePrefixes = []string{"kube-", "gke-", "gmp-", "aks-"}

// withDefaults returns a copy of a with every unset optional field filled.
// It never changes a value the user set.
func (a CatalogArgs) withDefaults(cloud platform.CloudFacts, clusterTags platform.Tags) CatalogArgs {
	if a.Description == "" {
		a.Description = DefaultCatalogDescription
	}
	if a.MaxDuration == 0 {
		a.MaxDuration = DefaultMaxDuration
	}
	if a.Environment == "" {
		a.Environment = clusterTags["environment"]
	}
	if a.CostCenter == "" {
		a.CostCenter = clusterTags["cost-center"]
	}
	if a.PodSecurity == "" {
		a.PodSecurity = DefaultPodSecurity
	}
	if a.BreakGlass != nil {
		bg := a.BreakGlass.clone()
		if bg.Name == "" {
			bg.Name = DefaultBreakGlassName
		}
		if bg.Role == "" {
			bg.Role = platform.AccessClusterAdmin
		}
		if bg.MaxDuration == 0 {
			bg.MaxDuration = min(roundUp(DefaultBreakGlassMaxDuration, cloud.AccessUnit), a.MaxDuration)
		}
		bg = bg.withPolicyDefaults()
		a.BreakGlass = &bg
	}
	return a
}

// withDefaults returns a copy of a with every unset optional field filled
// from the catalog c (whose args are resolved). It never changes a value
// the user set.
func (a Args) withDefaults(c *resolvedCatalog) Args {
	if a.CostCenter == "" {
		a.CostCenter = c.CostCenter
	}
	if a.IngressNamespace == "" {
		a.IngressNamespace = DefaultIngressNamespace
	}
	if a.Hostnames == nil && ValidTeamName(a.Team) {
		a.Hostnames = DefaultHostnames(a.Team, c.Domain)
	} else {
		a.Hostnames = slices.Clone(a.Hostnames)
	}
	if len(a.Namespaces) == 0 && a.Team != "" {
		a.Namespaces = []Namespace{{Name: a.Team}}
	}
	nss := make([]Namespace, len(a.Namespaces))
	for i, ns := range a.Namespaces {
		nss[i] = ns.withDefaults(c.PodSecurity)
	}
	a.Namespaces = nss

	if len(a.Levels) == 0 {
		a.Levels = DefaultLevels
	}
	levels := make([]Level, len(a.Levels))
	for i, l := range a.Levels {
		l = l.clone()
		if len(l.Requestors) == 0 {
			l.Requestors = slices.Clone(a.Requestors)
		}
		if len(l.Approval) == 0 && !l.NoApproval && len(a.Approvers) > 0 {
			l.Approval = []platform.ApprovalStage{{Approvers: slices.Clone(a.Approvers)}}
		}
		if d, ok := DefaultDurations[l.Role]; ok && l.MaxDuration == 0 {
			l.MaxDuration = min(roundUp(d, c.cloud.AccessUnit), c.MaxDuration)
		}
		levels[i] = l.withPolicyDefaults()
	}
	a.Levels = levels
	return a
}

// withPolicyDefaults fills the approval stages' timeouts and the
// justification.
func (l Level) withPolicyDefaults() Level {
	for i := range l.Approval {
		if l.Approval[i].TimeoutDays == 0 {
			l.Approval[i].TimeoutDays = DefaultApprovalTimeoutDays
		}
	}
	if l.Justification == nil {
		j := DefaultJustification
		l.Justification = &j
	}
	return l
}

// clone returns a deep copy of l, so that defaults never write into the
// caller's slices.
func (l Level) clone() Level {
	l.Requestors = slices.Clone(l.Requestors)
	stages := make([]platform.ApprovalStage, len(l.Approval))
	for i, s := range l.Approval {
		stages[i] = platform.ApprovalStage{Approvers: slices.Clone(s.Approvers), TimeoutDays: s.TimeoutDays}
	}
	if l.Approval == nil {
		stages = nil
	}
	l.Approval = stages
	if l.Justification != nil {
		j := *l.Justification
		l.Justification = &j
	}
	if l.Review != nil {
		r := *l.Review
		r.Reviewers = slices.Clone(r.Reviewers)
		l.Review = &r
	}
	return l
}

// withDefaults fills ns's unset fields; podSecurity is the catalog's
// default standard.
func (ns Namespace) withDefaults(podSecurity string) Namespace {
	q := DefaultQuota
	if ns.Quota != nil {
		q = ns.Quota.withDefaults()
	}
	ns.Quota = &q
	l := DefaultLimits
	if ns.Limits != nil {
		l = ns.Limits.withDefaults()
	}
	ns.Limits = &l
	if ns.PodSecurity == "" {
		ns.PodSecurity = podSecurity
	}
	if ns.Mesh != nil {
		m := *ns.Mesh
		if m.Ports == nil {
			m.Ports = slices.Clone(DefaultMeshPorts)
		}
		ns.Mesh = &m
	}
	return ns
}

// DefaultMeshPorts are the port names a meshed namespace serves when it
// names none (NamespaceMesh.Ports): HTTP and gRPC.
var DefaultMeshPorts = []string{"http", "grpc"}

func (q Quota) withDefaults() Quota {
	d := DefaultQuota
	if q.CPU == "" {
		q.CPU = d.CPU
	}
	if q.Memory == "" {
		q.Memory = d.Memory
	}
	if q.MemoryLimit == "" {
		q.MemoryLimit = d.MemoryLimit
	}
	if q.Pods == 0 {
		q.Pods = d.Pods
	}
	if q.PersistentVolumeClaims == 0 {
		q.PersistentVolumeClaims = d.PersistentVolumeClaims
	}
	if q.Storage == "" {
		q.Storage = d.Storage
	}
	return q
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.CPURequest == "" {
		l.CPURequest = d.CPURequest
	}
	if l.MemoryRequest == "" {
		l.MemoryRequest = d.MemoryRequest
	}
	if l.MemoryLimit == "" {
		l.MemoryLimit = d.MemoryLimit
	}
	return l
}
