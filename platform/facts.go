package platform

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// CloudFacts describe a cloud as its backend knows it: plain data and pure
// functions that components and environment profiles read where a setting's
// default or rule depends on the cloud. Components never switch on the
// cloud; a new backend describes its cloud here and every component
// follows. Each backend publishes its facts from a package that imports no
// cloud SDK (aksfacts, gkefacts) and registers them (RegisterCloud), so
// that validating an environment never links a cloud SDK.
type CloudFacts struct {
	// Cloud names the cloud.
	Cloud Cloud
	// Name is how messages name the cloud, e.g. "Azure".
	Name string
	// Service is how messages name the cloud's Kubernetes service, e.g.
	// "AKS".
	Service string

	// MaxEnvironmentName is the longest environment name every cloud name
	// the backend derives from it accepts (an environment names its
	// components "<name>-<component>", and the backend derives cloud names
	// from those); 0 means MaxNameLength. EnvironmentNameLimit names the
	// derived name that sets the limit, for the message that refuses a
	// longer name.
	MaxEnvironmentName   int
	EnvironmentNameLimit string

	// Zones are the cloud's zones.
	Zones Zones
	// MachineType is a node pool's machine when unset; DevMachineType the
	// development profile's smaller system pool machine.
	MachineType, DevMachineType string
	// MinWindowHours is the shortest weekly maintenance window the cloud
	// accepts.
	MinWindowHours int
	// UpgradesStoppedClusters reports whether the cloud upgrades a cluster
	// whose nodes a power schedule has stopped (GKE does; AKS upgrades only
	// a running cluster).
	UpgradesStoppedClusters bool
	// ClusterOptions names the block of cloud-only cluster settings the
	// backend reads ("aks" or "gke"): the other block is refused.
	ClusterOptions string
	// AdminGroups is the form of the cluster's admin groups.
	AdminGroups IDFormat
	// MaxAdminGroups is how many admin groups the cluster takes; 0: any.
	MaxAdminGroups int
	// AdminGroupsAreClusterAdmin reports whether the members of the
	// cluster's admin groups hold cluster-admin at all times (AKS
	// aadProfile.adminGroupObjectIDs). A production cluster then refuses
	// them: its only cluster-admin is the access catalog's time-bound
	// break-glass level. False where the admin groups grant nothing by
	// themselves (GKE's Google Groups for RBAC security group).
	AdminGroupsAreClusterAdmin bool

	// Groups is the form of an existing group's ID in access packages;
	// Principals the form of a user's or group's ID.
	Groups, Principals IDFormat
	// GroupsNeedAdminGroup reports whether the cluster passes a user's
	// directory groups to Kubernetes only when it names an admin group (GKE's
	// Google Groups for RBAC security group, which the teams' groups are
	// members of): without one, RoleBindings to the teams' groups match
	// nobody.
	GroupsNeedAdminGroup bool
	// AccessUnit is what every access duration is a whole multiple of, and
	// the shortest grant; AccessUnitRule says why in messages.
	AccessUnit     time.Duration
	AccessUnitRule string
	// MaxApprovalStages is the most approval stages an access level may
	// have; MaxRequestors the most requestors it may list (0: no limit).
	MaxApprovalStages, MaxRequestors int
	// AccessReviews reports whether the cloud reviews access packages'
	// members; NoReviewsWhy says why not, when it does not.
	AccessReviews bool
	NoReviewsWhy  string
	// TeamExistingGroups reports whether a team's level may use an
	// existing directory group: true where the cloud makes membership of
	// any group time-bound (Entra access packages); false where a level's
	// group is one whose memberships the cloud's access service creates
	// and expires itself (JIT Groups on GCP), so that an existing group's
	// standing members would hold the level for good. NoTeamGroupsWhy
	// says why not, when it does not.
	TeamExistingGroups bool
	NoTeamGroupsWhy    string
	// MaxTeamName is the longest team name the cloud's access service
	// takes (0: no limit beyond the component's); TeamNameLimit says why.
	MaxTeamName   int
	TeamNameLimit string

	// FlowLogRetention reports whether the cloud keeps flow logs in the
	// backend's storage for a number of days (Azure); otherwise it samples
	// a share of the flows into its logging service (GCP).
	FlowLogRetention bool

	// DNS01 is the cert-manager ACME DNS01 solver for the cloud's DNS
	// service; "" when the backend offers none.
	DNS01 DNS01Solver
	// DNSZoneID is the form of the DNS zone ID cert-manager's solver
	// needs; Check returns why id (of the zone named zone) is not one.
	DNSZoneID ZoneIDFormat

	// Velero is the cloud's Velero provider; its Plugin is "" when Plinth
	// pins no plugin for the cloud.
	Velero Velero
	// ManagedBackup reports whether the cloud has a managed backup service
	// for its clusters (Backup for GKE).
	ManagedBackup bool
	// BackupStorageSubnet is the role of the subnet Velero's backup
	// storage is reached through: the backend puts a private endpoint for
	// the storage there and denies public access, so the cluster's network
	// must have that subnet (Azure: SubnetPrivateEndpoints). Empty where
	// the cloud's object storage has no private endpoint of its own (GCS,
	// which nodes reach through Private Google Access): backups then need
	// no particular subnet.
	BackupStorageSubnet SubnetRole
	// SecretStoreSubnet is the role of the subnet a private secret store
	// takes its private endpoint in (Azure Key Vault: SubnetPrivateEndpoints);
	// empty where the store has no endpoint of its own (GCP Secret Manager,
	// which nodes reach through Private Google Access).
	SecretStoreSubnet SubnetRole
	// RegistrySubnet is the role of the subnet a private container
	// registry takes its private endpoint in (Azure Container Registry:
	// SubnetPrivateEndpoints); empty where the registry has no endpoint of
	// its own (Artifact Registry, reached through Private Google Access).
	RegistrySubnet SubnetRole
	// Pushers is the form of a CI identity that may push images
	// (RegistrySpec.Pushers).
	Pushers IDFormat
	// ImageAttestation is whether the cloud verifies image attestations
	// at admission (Binary Authorization).
	ImageAttestation ImageAttestation

	// PodMonitor is the cloud's managed Prometheus custom resource that
	// scrapes pods: each platform service creates one (internal/scrape).
	PodMonitor PodMonitorKind
	// MetricsCollectors is the namespace the managed Prometheus's
	// collectors scrape pods from, for the network policies of namespaces
	// whose pods it scrapes (a meshed team namespace's proxies); "": none.
	MetricsCollectors string
	// CNIBinDir is where the nodes keep their CNI plugins, for a chained
	// plugin (the service mesh's, components/mesh); "": /opt/cni/bin.
	CNIBinDir string
	// NodePoolNodes returns a PromQL regular expression matching the node
	// names of pool in cluster, for the alert on a pool at its autoscaler
	// maximum (Nodes.Count).
	NodePoolNodes func(cluster, pool string) string
	// Nodes are the PromQL queries of the baseline's node alerts, on the
	// series the cloud really holds for a cluster's nodes.
	Nodes NodeQueries
	// ReceiverShortName is how many leading characters of a receiver's
	// name the cloud keeps as the sender of its notifications (an Azure
	// action group's short name): two receivers alike in as many, once a
	// trailing '-' is cut, would send as one and are refused
	// (ReceiverShortNames). 0: the whole name.
	ReceiverShortName int

	// StandIn marks a test backend's cloud (the fake's): its backend
	// builds what was resolved against any cloud's facts.
	StandIn bool
}

// NodeQueries are a cloud's PromQL over a cluster's nodes. Their meaning
// is the same on every cloud; the series differ: kube-state-metrics'
// kube_node_* where the managed Prometheus collects them (AKS), the
// cloud's system metrics where it does not (GKE's managed kube state
// metrics packages have no node series).
type NodeQueries struct {
	// NotReady returns one series a node of the cluster whose Ready
	// condition is not true (false or unknown), labeled "node" with the
	// node's name, as an alert expression: a node that is Ready returns
	// nothing. It selects the cluster with ClusterSelector or
	// SystemClusterSelector.
	NotReady string
	// Count returns a query of one series: how many of the cluster's nodes
	// have a name matching the regular expression nodes
	// (NodePoolNodes), whatever their condition.
	Count func(nodes string) string
	// MinVersion is the oldest Kubernetes minor version (ClusterSpec's
	// KubernetesVersion, e.g. "1.32") whose clusters have the series; ""
	// for any.
	MinVersion string
}

// PodMonitorKind is a managed Prometheus's pod-scraping resource: its API
// version and kind, and the field holding its endpoints.
type PodMonitorKind struct {
	APIVersion, Kind string
	// Endpoints is the spec field listing the endpoints:
	// "podMetricsEndpoints" or "endpoints".
	Endpoints string
}

// Zones are a cloud's availability zones: zone names within a region.
type Zones struct {
	// Names are every zone name the cloud has in some region, e.g. "1".."3"
	// on Azure, "a".."f" on GCP.
	Names []string
	// ByRegion are the zones of the regions where they differ from
	// Default; a region not listed has Default.
	ByRegion map[string][]string
	// Default are the zones of a region not in ByRegion, and of an unknown
	// region; the first is the zone of a single-zone pool.
	Default []string
}

// In returns the zones a pool spreads over by default in region: as many
// of the region's zones as Default has, or Default itself when region is
// empty or not listed.
func (z Zones) In(region string) []string {
	if zs, ok := z.ByRegion[region]; ok {
		return slices.Clone(zs[:min(len(zs), len(z.Default))])
	}
	return slices.Clone(z.Default)
}

// Valid returns the zone names valid in region: the region's zones when
// ByRegion lists it, every zone name otherwise.
func (z Zones) Valid(region string) []string {
	if zs, ok := z.ByRegion[region]; ok {
		return slices.Clone(zs)
	}
	return slices.Clone(z.Names)
}

// IDFormat is the form of an identifier on a cloud.
type IDFormat struct {
	// Valid reports whether id has the form.
	Valid func(id string) bool
	// Want says what the form is, e.g. "an Entra group object ID".
	Want string
	// Example is an ID of the form.
	Example string
}

// Check reports whether id has the form; an IDFormat without Valid
// accepts any id without spaces.
func (f IDFormat) Check(id string) bool {
	if f.Valid == nil {
		return id != "" && !strings.ContainsAny(id, " \t\n")
	}
	return f.Valid(id)
}

// ZoneIDFormat is the form of a DNS zone's ID on a cloud.
type ZoneIDFormat struct {
	// Check returns why id is not the ID of the zone named zone ("" when
	// it is); zone is empty when the name is not known to be valid.
	Check func(id, zone string) string
	// Want says what the ID is.
	Want string
}

// DNS01Solver names a cert-manager ACME DNS01 solver.
type DNS01Solver string

// The DNS01 solvers a backend may name.
const (
	// DNS01AzureDNS solves in Azure DNS through a managed identity.
	DNS01AzureDNS DNS01Solver = "azureDNS"
	// DNS01CloudDNS solves in Google Cloud DNS through workload identity.
	DNS01CloudDNS DNS01Solver = "cloudDNS"
)

// Velero is a cloud's Velero provider.
type Velero struct {
	// Provider is Velero's provider name for the cloud (the storage
	// location's and snapshot location's provider).
	Provider string
	// Plugin is the pinned plugin image; "" when Plinth pins none.
	Plugin string
	// Settings returns the plugin's settings file for a cluster whose
	// disks are in diskScope; nil when the plugin needs none.
	Settings func(diskScope string) string
	// SettingsVariable is the environment variable through which the
	// plugin finds its settings file.
	SettingsVariable string
}

// Target is what a component resolves its settings against: the facts of
// the cloud it deploys to, the region when known, whether it serves
// production and whether the cloud locks it against deletion. Plain data:
// resolving asks no backend and registers nothing.
type Target struct {
	// Cloud are the facts of the cloud.
	Cloud CloudFacts
	// Region is the region or location of the deployment; "" when not
	// known yet (zones are then checked against every zone name).
	Region string
	// Production marks a deployment that serves production: the
	// components refuse their unsafe opt-outs.
	Production bool
	// Lock asks the cloud itself to refuse deleting what the component
	// creates, where the cloud has such locks (an Azure CanNotDelete lock
	// on the resource group).
	Lock bool
}

// TargetOf returns the target of what is created through backend: its
// cloud's facts (LookupCloud), its region when it is a RegionalBackend, and
// production as given; Lock is left to the caller.
func TargetOf(backend Backend, production bool) (Target, error) {
	if backend == nil {
		return Target{}, fmt.Errorf("no backend; pass aks.New(...), gke.New(...) or fake.New(...)")
	}
	facts, err := LookupCloud(backend.Cloud())
	if err != nil {
		return Target{}, err
	}
	t := Target{Cloud: facts, Production: production}
	if rb, ok := backend.(RegionalBackend); ok {
		t.Region = rb.Region()
	}
	return t, nil
}

// RegionalBackend is a backend that deploys to one region: components and
// environments resolve their zones against it (Target.Region).
type RegionalBackend interface {
	// Region returns the region or location the backend deploys to.
	Region() string
}

var clouds = struct {
	sync.RWMutex
	facts map[Cloud]CloudFacts
}{facts: map[Cloud]CloudFacts{}}

// RegisterCloud publishes a cloud's facts, for LookupCloud. Backends call
// it from the init function of their facts package; registering a cloud
// twice panics (two backends for one cloud).
func RegisterCloud(f CloudFacts) {
	clouds.Lock()
	defer clouds.Unlock()
	if f.Cloud == "" {
		panic("platform: RegisterCloud without a cloud name")
	}
	if _, dup := clouds.facts[f.Cloud]; dup {
		panic(fmt.Sprintf("platform: cloud %q registered twice", f.Cloud))
	}
	clouds.facts[f.Cloud] = f
}

// LookupCloud returns the facts of cloud, or an error naming the
// registered clouds when no linked backend describes it.
func LookupCloud(cloud Cloud) (CloudFacts, error) {
	clouds.RLock()
	defer clouds.RUnlock()
	if f, ok := clouds.facts[cloud]; ok {
		return f, nil
	}
	return CloudFacts{}, fmt.Errorf("no backend for cloud %q is linked; use %s, or link the cloud's backend by importing it (platform/aks, platform/gke)", cloud, registered())
}

// RegisteredClouds lists the clouds with facts, sorted.
func RegisteredClouds() []Cloud {
	clouds.RLock()
	defer clouds.RUnlock()
	out := make([]Cloud, 0, len(clouds.facts))
	for c := range clouds.facts {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// registered names the registered clouds for messages, a test backend's
// (CloudFacts.StandIn) only when no other is registered; the caller holds
// the lock.
func registered() string {
	var names, standIns []string
	for c, f := range clouds.facts {
		if f.StandIn {
			standIns = append(standIns, fmt.Sprintf("%q (%s)", c, f.Service))
			continue
		}
		names = append(names, fmt.Sprintf("%q (%s)", c, f.Service))
	}
	// A test backend's cloud is suggested only when it is all there is:
	// no environment file means the fake.
	if len(names) == 0 {
		names = standIns
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "a linked cloud"
	}
	return strings.Join(names, " or ")
}
