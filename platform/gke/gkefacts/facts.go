package gkefacts

import (
	"fmt"
	"regexp"
	"time"

	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/format"
)

func init() { platform.RegisterCloud(Facts) }

// Facts are Google Cloud's facts.
var Facts = platform.CloudFacts{
	Cloud:          platform.CloudGCP,
	Name:           "GCP",
	Service:        "GKE",
	Zones:          platform.Zones{Names: []string{"a", "b", "c", "d", "e", "f"}, ByRegion: regionZones, Default: []string{"b", "c", "d"}},
	MachineType:    "e2-standard-4",
	DevMachineType: "e2-standard-2",

	// cert-manager's workload identity of environment <name> is the
	// service account "<name>-cert-manager-wi"; GCP takes IDs of 6-30
	// characters.
	MaxEnvironmentName:   30 - len("-cert-manager-wi"),
	EnvironmentNameLimit: `GCP takes service account IDs of at most 30 characters, and cert-manager's is "<name>-cert-manager-wi"`,

	// GKE needs 48 hours of maintenance availability in any 32 days: at
	// least twelve hours a week.
	MinWindowHours: 12,
	// GKE upgrades a cluster whose pools are scaled to zero.
	UpgradesStoppedClusters: true,
	ClusterOptions:          "gke",
	// Google Groups for RBAC takes one group, gke-security-groups@<domain>.
	AdminGroups: platform.IDFormat{
		Valid: securityGroup.MatchString,
		Want:  "the group gke-security-groups@<your domain>, which GKE's Google Groups for RBAC needs",
	},
	MaxAdminGroups: 1,
	Groups:         platform.IDFormat{Valid: format.Email, Want: "a Google group email", Example: "payments-developers@example.com"},
	// RoleBindings to Google groups match only through Google Groups for
	// RBAC (the cluster's authenticatorGroupsConfig).
	GroupsNeedAdminGroup: true,
	Principals:           platform.IDFormat{Valid: format.Email, Want: "an email address", Example: "payments-leads@example.com"},
	// Privileged Access Manager counts seconds; Plinth grants whole hours.
	AccessUnit:     time.Hour,
	AccessUnitRule: "must be whole hours, at least 1h",
	// A team level is a JIT group (JIT Groups: one approval by any of the
	// approvers); break-glass a Privileged Access Manager entitlement,
	// whose second stage would need Security Command Center Premium.
	MaxApprovalStages: 1,
	MaxRequestors:     20, // principals per Privileged Access Manager entitlement
	AccessReviews:     false,
	NoReviewsWhy:      "GCP has no access reviews: JIT group memberships and Privileged Access Manager grants end after maxDuration and are requested again; leave review unset on GCP",
	// A team level's group is its JIT group, jit.<environment>.<team>.<level>@<domain>,
	// whose memberships JIT Groups creates with an expiry and removes.
	TeamExistingGroups: false,
	NoTeamGroupsWhy:    "on GCP a team level's group is its JIT group (jit.<environment>.<team>.<level>@<domain>), whose memberships JIT Groups approves and expires; an existing group's members would hold the level for good: remove existingGroup",
	// JIT Groups names a system (a team) in at most 16 characters.
	MaxTeamName:      16,
	TeamNameLimit:    "JIT Groups takes system names of at most 16 characters, and a team is a system of the environment's JIT Groups policy",
	FlowLogRetention: false,
	DNS01:            platform.DNS01CloudDNS,
	DNSZoneID:        platform.ZoneIDFormat{Check: checkZoneID, Want: zoneIDWant},
	// Google Cloud Managed Service for Prometheus scrapes with its own
	// namespaced PodMonitoring.
	PodMonitor: platform.PodMonitorKind{APIVersion: "monitoring.googleapis.com/v1", Kind: "PodMonitoring", Endpoints: "endpoints"},
	// The managed Prometheus's collectors run in gmp-system.
	MetricsCollectors: "gmp-system",
	// GKE's nodes keep CNI plugins in /home/kubernetes/bin.
	CNIBinDir: "/home/kubernetes/bin",
	// GKE names nodes gke-<cluster, shortened>-<pool>-<hash>-<id>.
	NodePoolNodes: func(_, pool string) string { return "gke-.*-" + pool + "-[0-9a-f]{8}-.*" },
	// GKE's managed kube state metrics packages have no node series
	// (kube_node_* is in none of STORAGE, POD, DEPLOYMENT, STATEFULSET,
	// DAEMONSET, HPA, JOBSET): the node alerts read GKE's system metrics,
	// which Cloud Monitoring answers in PromQL beside managed Prometheus's
	// series (kubernetes.io/node/status_condition as
	// kubernetes_io:node_status_condition, from GKE 1.32.1-gke.1357001;
	// kubernetes.io/node/cpu/allocatable_cores, one series a node). They
	// carry the k8s_node resource's labels: cluster_name and node_name;
	// the condition's status is "True", "False" or "Unknown", and a node
	// whose kubelet stopped reporting is Unknown. label_replace names the
	// node "node", as kube-state-metrics does, for the alert's summary.
	Nodes: platform.NodeQueries{
		NotReady: `label_replace(kubernetes_io:node_status_condition{monitored_resource="k8s_node",condition="Ready",status!="True",` +
			platform.SystemClusterSelector + `}, "node", "$1", "node_name", "(.*)") > 0`,
		Count: func(nodes string) string {
			return fmt.Sprintf(`count(kubernetes_io:node_cpu_allocatable_cores{monitored_resource="k8s_node",node_name=~%q,%s})`, nodes, platform.SystemClusterSelector)
		},
		MinVersion: "1.32",
	},
	Velero:        platform.Velero{Provider: "gcp", Plugin: helm.VeleroPluginGCP},
	ManagedBackup: true,
	Pushers:       platform.IDFormat{Valid: serviceAccount.MatchString, Want: "a service account email", Example: "ci-images@acme-prod.iam.gserviceaccount.com"},
	// Binary Authorization verifies attestations at admission.
	ImageAttestation: platform.ImageAttestation{
		Supported: true,
		Attestors: platform.IDFormat{Valid: attestor.MatchString, Want: "a Binary Authorization attestor, projects/<project>/attestors/<name>", Example: "projects/acme-prod/attestors/built-by-ci"},
	},
}

// serviceAccount matches a service account's email: a user-managed one
// (<id>@<project>.iam.gserviceaccount.com) or a Google-managed one.
var serviceAccount = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9.-]+\.gserviceaccount\.com$`)

// attestor matches a Binary Authorization attestor's resource name.
var attestor = regexp.MustCompile(`^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/attestors/[a-zA-Z0-9_-]{1,100}$`)

var securityGroup = regexp.MustCompile(`^gke-security-groups@[a-z0-9.-]+\.[a-z]{2,}$`)

const zoneIDWant = "the Cloud DNS managed zone's resource name, projects/<project>/managedZones/<zone name>, e.g. \"projects/acme-dns-prod/managedZones/dev-acme-example\" (gcloud dns managed-zones list --project <project>; the zone name is not its DNS name)"

// checkZoneID says why id is not the resource name of a Cloud DNS managed
// zone. The zone's DNS name plays no part: a managed zone's name is chosen
// freely when it is created.
func checkZoneID(id, _ string) string {
	if _, ok := format.ParseCloudDNSZoneID(id); ok {
		return ""
	}
	if format.ProjectID(id, true) {
		return "a project alone does not say which zone cert-manager may change; on GCP dnsZone.id is " + zoneIDWant + ": write projects/" + id + "/managedZones/<zone name>"
	}
	return "not a Cloud DNS zone; on GCP dnsZone.id is " + zoneIDWant
}

// regionZones are the zones of the regions whose zones are not b, c and d
// (Google Cloud's region and zone list). A pool's default zones are the
// first three of its region's.
var regionZones = map[string][]string{
	"asia-east1":              {"a", "b", "c"},
	"asia-east2":              {"a", "b", "c"},
	"asia-northeast1":         {"a", "b", "c"},
	"asia-northeast2":         {"a", "b", "c"},
	"asia-northeast3":         {"a", "b", "c"},
	"asia-south1":             {"a", "b", "c"},
	"asia-south2":             {"a", "b", "c"},
	"asia-southeast1":         {"a", "b", "c"},
	"asia-southeast2":         {"a", "b", "c"},
	"australia-southeast1":    {"a", "b", "c"},
	"australia-southeast2":    {"a", "b", "c"},
	"europe-central2":         {"a", "b", "c"},
	"europe-north1":           {"a", "b", "c"},
	"europe-southwest1":       {"a", "b", "c"},
	"europe-west1":            {"b", "c", "d"},
	"europe-west2":            {"a", "b", "c"},
	"europe-west3":            {"a", "b", "c"},
	"europe-west4":            {"a", "b", "c"},
	"europe-west6":            {"a", "b", "c"},
	"europe-west8":            {"a", "b", "c"},
	"europe-west9":            {"a", "b", "c"},
	"europe-west10":           {"a", "b", "c"},
	"europe-west12":           {"a", "b", "c"},
	"me-central1":             {"a", "b", "c"},
	"me-west1":                {"a", "b", "c"},
	"northamerica-northeast1": {"a", "b", "c"},
	"northamerica-northeast2": {"a", "b", "c"},
	"southamerica-east1":      {"a", "b", "c"},
	"southamerica-west1":      {"a", "b", "c"},
	"us-central1":             {"a", "b", "c", "f"},
	"us-east1":                {"b", "c", "d"},
	"us-east4":                {"a", "b", "c"},
	"us-east5":                {"a", "b", "c"},
	"us-south1":               {"a", "b", "c"},
	"us-west1":                {"a", "b", "c"},
	"us-west2":                {"a", "b", "c"},
	"us-west3":                {"a", "b", "c"},
	"us-west4":                {"a", "b", "c"},
}
