package gke

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/internal/cidr"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// GKE settings every cluster and node pool gets. They are constants, not
// options: each is the hardened choice of the GKE references in
// docs (safer-cluster, Cloud Foundation Fabric).
const (
	// nodeImageType is Container-Optimized OS with containerd.
	nodeImageType = "COS_CONTAINERD"
	// nodeDiskType is the balanced persistent disk.
	nodeDiskType = "pd-balanced"
	// nodeOAuthScope is the only scope nodes get; IAM roles on the node
	// service account decide what they may do.
	nodeOAuthScope = "https://www.googleapis.com/auth/cloud-platform"
	// workloadMetadataMode serves pods the GKE metadata server, so that
	// pods get workload identity and never the node's credentials.
	workloadMetadataMode = "GKE_METADATA"
	// datapathProvider is Dataplane V2 (eBPF, built-in network policy).
	datapathProvider = "ADVANCED_DATAPATH"
	// minWeeklyWindowHours is the shortest weekly maintenance window GKE
	// accepts: it refuses a policy with less than 48 hours of maintenance
	// availability in any 32 days ("maintenance policy would go longer than
	// 32d without 48h maintenance availability"), and 32 days always hold
	// four full weeks.
	minWeeklyWindowHours = 12
	// defaultZoneCount is how many zones GKE spreads a pool over when the
	// pool names none (a regional cluster's default locations).
	defaultZoneCount = 3
)

// vulnerabilityMode is the workload vulnerability scanning that goes with
// each security posture tier.
var vulnerabilityMode = map[string]string{
	"BASIC":      "VULNERABILITY_BASIC",
	"ENTERPRISE": "VULNERABILITY_ENTERPRISE",
}

// binaryAuthorizationMode maps GKEClusterSpec.BinaryAuthorization to the
// cluster's evaluation mode.
var binaryAuthorizationMode = map[bool]string{
	true:  "PROJECT_SINGLETON_POLICY_ENFORCE",
	false: "DISABLED",
}

// nodeServiceAccountRoles are the only project roles the node service
// account gets: what nodes need to write logs and metrics. Never
// roles/editor, never the Compute Engine default service account. Nodes
// pull images only from the environment's repository, whose
// roles/artifactregistry.reader NewRegistry grants on that repository
// alone, never on the project (which would let them pull from every
// repository of the project).
var nodeServiceAccountRoles = []iamPlan{
	{Role: "roles/container.defaultNodeServiceAccount", Name: "nodes-default-node-sa"},
}

// releaseChannels maps Plinth's upgrade channels to GKE release channels.
// ChannelNone is UNSPECIFIED: the cluster is in no release channel and
// GKE only forces the upgrades it must (end of support).
var releaseChannels = map[platform.UpgradeChannel]string{
	platform.ChannelRapid:   "RAPID",
	platform.ChannelRegular: "REGULAR",
	platform.ChannelStable:  "STABLE",
	platform.ChannelNone:    "UNSPECIFIED",
}

// taintEffects maps Kubernetes taint effects to the GKE API's spelling.
var taintEffects = map[platform.TaintEffect]string{
	platform.NoSchedule:       "NO_SCHEDULE",
	platform.PreferNoSchedule: "PREFER_NO_SCHEDULE",
	platform.NoExecute:        "NO_EXECUTE",
}

// systemTaint keeps everything but critical add-ons off the system pool.
var systemTaint = platform.Taint{Key: "CriticalAddonsOnly", Value: "true", Effect: platform.NoSchedule}

// Monitoring and logging components, as the GKE API names them. The list
// given replaces GKE's whole default, so monitoringOn names every package
// the baseline alerts read (docs/components/observability.md): the control
// plane's (apiserver_request_total and its latency), the kube state
// metrics packages (STORAGE to HPA: kube_pod_container_status_waiting_reason
// and the other kube_* series GKE collects), and the kubelet's and
// cAdvisor's (kubelet_volume_stats_*), which GKE turns on by default for a
// new cluster from 1.29 and an explicit list without them turns off.
var (
	monitoringOn = []string{
		"SYSTEM_COMPONENTS", "APISERVER", "SCHEDULER", "CONTROLLER_MANAGER",
		"STORAGE", "POD", "DEPLOYMENT", "STATEFULSET", "DAEMONSET", "HPA",
		"KUBELET", "CADVISOR",
	}
	loggingOn     = []string{"SYSTEM_COMPONENTS", "WORKLOADS", "APISERVER"}
	systemOnly    = []string{"SYSTEM_COMPONENTS"}
	weekdayRRULE  = []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
	weekdayByName = map[string]int{"Monday": 0, "Tuesday": 1, "Wednesday": 2, "Thursday": 3, "Friday": 4, "Saturday": 5, "Sunday": 6}
)

// windowReference is the Monday of the week maintenance windows are
// anchored in. GKE repeats a recurring window from its first occurrence;
// a fixed date in the past keeps the plan deterministic (no time.Now).
var windowReference = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

// clusterPlan is the cloud-side shape of a ClusterSpec on GKE, computed
// without Pulumi so that it can be table-tested.
type clusterPlan struct {
	// Name is the cluster's cloud name and Pulumi name; Description its
	// description.
	Name, Description string
	// Location is the region (regional cluster) or a zone (zonal).
	Location string
	Regional bool
	// ReleaseChannel is the GKE release channel.
	ReleaseChannel   string
	MinMasterVersion string
	// PrivateEndpoint turns the public endpoint off; nodes are always
	// private.
	PrivateEndpoint bool
	MasterCIDR      string
	// AuthorizedNetworks is nil when master authorized networks are off
	// (a public API server open to every address).
	AuthorizedNetworks []authorizedNetwork
	WorkloadPool       string
	// SecurityGroup is the Google Groups for RBAC group; "" for none.
	SecurityGroup string
	// PodRangeName and ServiceRangeName are the node subnet's secondary
	// ranges the cluster takes pod and service addresses from.
	PodRangeName, ServiceRangeName string
	// SecurityPosture and VulnerabilityMode are the security posture tier
	// and the workload vulnerability scanning that goes with it;
	// BinaryAuthorization the Binary Authorization evaluation mode.
	SecurityPosture, VulnerabilityMode string
	BinaryAuthorization                string
	Maintenance                        maintenancePlan
	// MonitoringComponents, ManagedPrometheus and LoggingComponents are the
	// cluster's monitoringConfig and loggingConfig.
	MonitoringComponents []string
	ManagedPrometheus    bool
	LoggingComponents    []string
	DeletionProtection   bool
	Labels               map[string]string
	NodeSA               serviceAccountPlan
	Pools                []poolPlan
	// BackupAgent turns on the Backup for GKE agent add-on
	// (addonsConfig.gkeBackupAgentConfig), which NewManagedBackup needs.
	BackupAgent bool
	// KMS is the key ring and key of application-layer secrets
	// encryption; nil when spec.SecretsEncryption is.
	KMS *kmsPlan
	// Context names the cluster, context and user in the kubeconfig, as
	// gcloud does: gke_<project>_<location>_<cluster>.
	Context string
	// OIDCIssuer is the cluster's service-account token issuer.
	OIDCIssuer string
}

type authorizedNetwork struct {
	CIDR, DisplayName string
}

// maintenancePlan is a GKE recurring window: RFC 3339 start and end of the
// first occurrence and an RFC 5545 recurrence.
type maintenancePlan struct {
	Start, End, Recurrence string
}

type serviceAccountPlan struct {
	// Name is the Pulumi name; AccountID the cloud one.
	Name, AccountID, DisplayName string
	Roles                        []iamPlan
}

// iamPlan is one role binding: its Pulumi name and the role.
type iamPlan struct {
	Name, Role string
}

type poolPlan struct {
	// ResourceName is the Pulumi name, Name the node pool's cloud name:
	// the pool name of the spec, never a version or machine type, so that
	// routine edits never rename (and so replace) a pool.
	ResourceName, Name string
	System             bool
	Locations          []string
	// TotalMin and TotalMax bound the autoscaler over all zones, as the
	// spec counts them.
	TotalMin, TotalMax int
	// LocationPolicy is BALANCED, or ANY for spot pools.
	LocationPolicy string
	// InitialPerZone is the node count each zone starts with.
	InitialPerZone int
	// MaxSurge is the number of extra nodes an upgrade adds.
	MaxSurge    int
	MachineType string
	DiskSizeGB  int
	Spot        bool
	// Labels are the Kubernetes labels of the nodes; ResourceLabels the
	// GCP labels of their VMs and disks (the spec's tags).
	Labels, ResourceLabels map[string]string
	Taints                 []taintPlan
}

type taintPlan struct {
	Key, Value, Effect string
}

// planCluster maps a validated ClusterSpec to GKE settings. See NewCluster
// for what each choice means.
func planCluster(cfg Config, spec platform.ClusterSpec) clusterPlan {
	n := spec.Name
	p := clusterPlan{
		Name:                 clusterCloudName(spec),
		Description:          "Plinth cluster " + n,
		Location:             cfg.Region,
		Regional:             spec.Tier != platform.TierFree,
		ReleaseChannel:       releaseChannels[spec.Channel],
		MinMasterVersion:     spec.KubernetesVersion,
		PrivateEndpoint:      spec.PrivateAPI,
		MasterCIDR:           cfg.MasterCIDR,
		WorkloadPool:         workloadPool(cfg.Project),
		Maintenance:          planMaintenance(spec.Window),
		MonitoringComponents: slices.Clone(systemOnly),
		LoggingComponents:    slices.Clone(systemOnly),
		DeletionProtection:   spec.DeletionProtection,
		BackupAgent:          spec.GKE.BackupAgent,
		Labels:               spec.Tags.Merge(),
		PodRangeName:         spec.Network.Outputs.PodRangeName,
		ServiceRangeName:     spec.Network.Outputs.ServiceRangeName,
		SecurityPosture:      spec.GKE.SecurityPosture,
		VulnerabilityMode:    vulnerabilityMode[spec.GKE.SecurityPosture],
		BinaryAuthorization:  binaryAuthorizationMode[spec.GKE.BinaryAuthorization],
		KMS:                  planKMS(cfg, spec),
	}
	if !p.Regional {
		if sys, ok := systemPool(spec); ok && len(sys.Zones) > 0 {
			p.Location = cfg.Region + "-" + sys.Zones[0]
		}
	}
	if spec.Monitoring {
		p.MonitoringComponents, p.ManagedPrometheus, p.LoggingComponents = slices.Clone(monitoringOn), true, slices.Clone(loggingOn)
	}
	if len(spec.AdminGroups) > 0 {
		p.SecurityGroup = spec.AdminGroups[0]
	}
	switch {
	case spec.PrivateAPI:
		// The private endpoint is reachable from the whole network (every
		// subnet, so CI runners and bastions there work), never from
		// outside it.
		p.AuthorizedNetworks = []authorizedNetwork{{CIDR: spec.Network.Spec.AddressSpace, DisplayName: "network"}}
		for i, c := range spec.AuthorizedCIDRs {
			p.AuthorizedNetworks = append(p.AuthorizedNetworks, authorizedNetwork{CIDR: c, DisplayName: fmt.Sprintf("authorized-%d", i+1)})
		}
	case len(spec.AuthorizedCIDRs) > 0:
		for i, c := range spec.AuthorizedCIDRs {
			p.AuthorizedNetworks = append(p.AuthorizedNetworks, authorizedNetwork{CIDR: c, DisplayName: fmt.Sprintf("authorized-%d", i+1)})
		}
	}
	p.NodeSA = serviceAccountPlan{
		Name:        platform.ChildName(n, "nodes"),
		AccountID:   platform.ChildName(n, "nodes"),
		DisplayName: "GKE nodes of " + p.Name,
	}
	for _, r := range nodeServiceAccountRoles {
		p.NodeSA.Roles = append(p.NodeSA.Roles, iamPlan{Name: platform.ChildName(n, r.Name), Role: r.Role})
	}
	for _, pool := range spec.Pools {
		p.Pools = append(p.Pools, planPool(cfg, n, pool, spec.Tags))
	}
	p.Context = fmt.Sprintf("gke_%s_%s_%s", cfg.Project, p.Location, p.Name)
	p.OIDCIssuer = fmt.Sprintf("https://container.googleapis.com/v1/projects/%s/locations/%s/clusters/%s", cfg.Project, p.Location, p.Name)
	return p
}

// workloadPool is the project's workload identity pool.
func workloadPool(project string) string { return project + ".svc.id.goog" }

func systemPool(spec platform.ClusterSpec) (platform.NodePoolSpec, bool) {
	for _, p := range spec.Pools {
		if p.System {
			return p, true
		}
	}
	return platform.NodePoolSpec{}, false
}

func planPool(cfg Config, cluster string, pool platform.NodePoolSpec, tags platform.Tags) poolPlan {
	zones := len(pool.Zones)
	if zones == 0 {
		zones = defaultZoneCount
	}
	pp := poolPlan{
		ResourceName:   platform.ChildName(cluster, pool.Name),
		Name:           pool.Name,
		System:         pool.System,
		TotalMin:       pool.MinCount,
		TotalMax:       pool.MaxCount,
		LocationPolicy: "BALANCED",
		InitialPerZone: ceilDiv(pool.MinCount, zones),
		MaxSurge:       surge(pool.MaxSurge, ceilDiv(pool.MaxCount, zones)),
		MachineType:    pool.MachineType,
		DiskSizeGB:     pool.DiskSizeGB,
		Spot:           pool.Spot,
		Labels:         platform.Tags(nil).Merge(pool.Labels),
		ResourceLabels: tags.Merge(),
	}
	if pool.Spot {
		pp.LocationPolicy = "ANY"
	}
	for _, z := range pool.Zones {
		pp.Locations = append(pp.Locations, cfg.Region+"-"+z)
	}
	taints := slices.Clone(pool.Taints)
	if pool.System && !slices.Contains(taints, systemTaint) {
		taints = append([]platform.Taint{systemTaint}, taints...)
	}
	for _, t := range taints {
		pp.Taints = append(pp.Taints, taintPlan{Key: t.Key, Value: t.Value, Effect: taintEffects[t.Effect]})
	}
	return pp
}

// planMaintenance turns the weekly window into a GKE recurring window. The
// first occurrence falls in the week of windowReference, on the window's
// day. validateClusterSpec has rejected windows GKE would refuse.
func planMaintenance(w platform.MaintenanceWindow) maintenancePlan {
	day := weekdayByName[w.Day]
	start := windowReference.AddDate(0, 0, day).Add(time.Duration(w.StartHour) * time.Hour)
	end := start.Add(time.Duration(w.DurationHours) * time.Hour)
	return maintenancePlan{
		Start:      start.Format(time.RFC3339),
		End:        end.Format(time.RFC3339),
		Recurrence: "FREQ=WEEKLY;BYDAY=" + weekdayRRULE[day],
	}
}

// surge converts a MaxSurge of "N" (nodes) or "P%" (of perZoneMax, rounded
// up) to a node count of at least 1: with maxUnavailable 0, a surge of 0
// would stall every upgrade. Invalid values are rejected by
// validateClusterSpec before planning.
func surge(s string, perZoneMax int) int {
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		v, _ := strconv.Atoi(pct)
		return max(ceilDiv(v*perZoneMax, 100), 1)
	}
	v, _ := strconv.Atoi(s)
	return max(v, 1)
}

func ceilDiv(a, b int) int {
	if b <= 0 {
		return a
	}
	return (a + b - 1) / b
}

// validateClusterSpec checks what only GKE constrains, on top of what
// components/cluster validated. Problems come back together under path.
func validateClusterSpec(cfg Config, spec platform.ClusterSpec, path field.Path) error {
	var errs field.List
	if _, ok := releaseChannels[spec.Channel]; !ok {
		errs.Addf(path.Child("channel"), string(spec.Channel), "not an upgrade channel; use one of %v", platform.UpgradeChannels)
	}
	if _, ok := vulnerabilityMode[spec.GKE.SecurityPosture]; !ok {
		errs.Addf(path.Child("gke").Child("securityPosture"), spec.GKE.SecurityPosture, "use \"BASIC\" or \"ENTERPRISE\"; resolve the spec with components/cluster")
	}
	if _, ok := weekdayByName[spec.Window.Day]; !ok {
		errs.Addf(path.Child("window").Child("day"), spec.Window.Day, "not a weekday; write it in full, e.g. \"Sunday\"")
	}
	if spec.Window.StartHour < 0 || spec.Window.StartHour > 23 {
		errs.Addf(path.Child("window").Child("startHour"), spec.Window.StartHour, "must be 0..23 (UTC)")
	}
	if spec.Window.DurationHours < minWeeklyWindowHours || spec.Window.DurationHours > 24 {
		errs.Addf(path.Child("window").Child("durationHours"), spec.Window.DurationHours, "GKE needs 48 hours of maintenance availability in any 32 days; a weekly window must be %d..24 hours", minWeeklyWindowHours)
	}
	switch {
	case len(spec.AdminGroups) > 1:
		errs.Addf(path.Child("adminGroups"), strings.Join(spec.AdminGroups, ","), "GKE takes one Google Groups for RBAC security group; give only gke-security-groups@<your domain> and nest the admin groups in it")
	case len(spec.AdminGroups) == 1 && !strings.HasPrefix(spec.AdminGroups[0], "gke-security-groups@"):
		errs.Addf(path.Child("adminGroups").Index(0), spec.AdminGroups[0], "GKE requires the Google Groups for RBAC group to be gke-security-groups@<your domain>")
	}
	if spec.Network.Outputs.PodRangeName == "" || spec.Network.Outputs.ServiceRangeName == "" {
		errs.Add(field.Required(path.Child("network"), "a network created by the gke backend: its node subnet carries the pod and service secondary ranges"))
	}
	if _, ok := spec.Network.Outputs.Subnets[platform.SubnetNodes]; !ok {
		errs.Add(field.Required(path.Child("network").Child("subnets").Key(string(platform.SubnetNodes)), "the cluster's nodes live in the network's nodes subnet"))
	}
	if master, err := cidr.Parse(cfg.MasterCIDR); err == nil {
		for _, r := range []struct{ name, cidr string }{
			{"addressSpace", spec.Network.Spec.AddressSpace},
			{"podCIDR", spec.Network.Spec.PodCIDR},
			{"serviceCIDR", spec.Network.Spec.ServiceCIDR},
		} {
			if p, err := netip.ParsePrefix(r.cidr); err == nil && cidr.Overlaps(master, p) {
				errs.Addf(field.NewPath("gke").Child("masterCIDR"), cfg.MasterCIDR, "overlaps the network's %s %s; pick another /28 in gke.Config", r.name, r.cidr)
			}
		}
	}
	errs.Add(checkKMS(path, spec)...)
	sys, hasSystem := systemPool(spec)
	switch {
	case !hasSystem:
		errs.Add(field.Required(path.Child("pools"), "one pool must be the system pool"))
	case spec.Tier == platform.TierFree && len(sys.Zones) == 0:
		errs.Add(field.Required(path.Child("pools").Index(0).Child("zones"), "a free-tier (zonal) cluster lives in the system pool's first zone; give the system pool its zones"))
	}
	for i, pool := range spec.Pools {
		pp := path.Child("pools").Index(i)
		for j, z := range pool.Zones {
			if len(z) != 1 || z[0] < 'a' || z[0] > 'f' {
				errs.Addf(pp.Child("zones").Index(j), z, "GCP zones are suffixes \"a\"..\"f\" of the region, e.g. \"b\" for %s-b", cfg.Region)
			}
		}
		if !validSurge(pool.MaxSurge) {
			errs.Addf(pp.Child("maxSurge"), pool.MaxSurge, "write a node count (\"1\") or a percentage (\"33%%\")")
		}
		for j, t := range pool.Taints {
			if _, ok := taintEffects[t.Effect]; !ok {
				errs.Addf(pp.Child("taints").Index(j).Child("effect"), string(t.Effect), "use NoSchedule, PreferNoSchedule or NoExecute")
			}
		}
	}
	return errs.Err()
}

func validSurge(s string) bool {
	num, pct := strings.CutSuffix(s, "%")
	v, err := strconv.Atoi(num)
	return err == nil && v >= 0 && (!pct || v <= 100)
}

// renderKubeconfig returns a kubeconfig for one cluster that authenticates
// through AuthPlugin: no token, no client certificate, nothing that expires
// or leaks. context names the cluster, context and user alike.
func renderKubeconfig(context, server, caData string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: %[1]s
  cluster:
    server: %[2]s
    certificate-authority-data: %[3]s
contexts:
- name: %[1]s
  context:
    cluster: %[1]s
    user: %[1]s
current-context: %[1]s
preferences: {}
users:
- name: %[1]s
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: %[4]s
      provideClusterInfo: true
      interactiveMode: IfAvailable
      installHint: Install %[4]s for use with kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin
`, context, server, caData, AuthPlugin)
}
