package gke_test

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/artifactregistry"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/binaryauthorization"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudidentity"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudscheduler"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/container"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/dns"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/gkebackup"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/kms"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/logging"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/monitoring"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/privilegedaccessmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/secretmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/workflows"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/kubetypes"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/gke/gketypes"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// renderEverything renders every capability of the backend in one stack,
// each spec tagged networkTags: network, cluster (with the backup agent),
// cert-manager's identity, Velero's storage and identity, Backup for GKE,
// an access package that creates groups, a power schedule, and
// observability (log retention, channels, PromQL and log-match policies).
func renderEverything(t *testing.T) *platformtest.Snapshot {
	t.Helper()
	tags := platform.Tags(networkTags)
	return renderPlatform(t, accessConfig, func(s *platform.ClusterSpec) {
		s.GKE.BackupAgent = true
		s.SecretsEncryption = &platform.SecretsEncryptionSpec{KeyRotationDays: 90} // its key ring, key and grant
		s.Tags = tags
	}, func(ctx *pulumi.Context, b *gke.Backend, spec platform.ClusterSpec, out *platform.ClusterOutputs) error {
		if err := certManagerIdentity(ctx, b, spec, out, &rendered{}); err != nil {
			return err
		}
		storage := backupStorageSpec(out)
		storage.Tags = tags
		st, err := b.NewBackupStorage(ctx, storage)
		if err != nil {
			return err
		}
		if _, err := b.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
			Name: "velero", Cluster: out, Namespace: "velero", ServiceAccount: "velero", Grants: st.Grants, Tags: tags,
		}); err != nil {
			return err
		}
		managed := managedBackupSpec(out)
		managed.Tags = tags
		if err := b.NewManagedBackup(ctx, managed); err != nil {
			return err
		}
		access := teamAccess()
		access.Tags = tags
		published := access
		published.Cluster, published.Catalog = nil, nil
		if _, err := b.NewAccessCatalog(ctx, platform.AccessCatalogSpec{Name: "platform", Packages: []platform.AccessPackageSpec{published}, Tags: tags}); err != nil {
			return err
		}
		if _, err := b.NewAccessPackage(ctx, access); err != nil {
			return err
		}
		power := officeHours(spec, out)
		power.Tags = tags
		if _, err := b.NewPowerSchedule(ctx, power); err != nil {
			return err
		}
		obs := observabilitySpec(spec, out)
		obs.Tags = tags
		if _, err := b.NewObservability(ctx, obs); err != nil {
			return err
		}
		zones := dnsZonesSpec(spec.Network)
		zones.Tags = tags
		dnsOut, err := b.NewDNSZones(ctx, zones)
		if err != nil {
			return err
		}
		if err := b.NewDNSRecord(ctx, platform.DNSRecordSpec{
			Name: "everything-record", Zone: dnsOut.ZoneID, Domain: zones.Domain, Host: "shop", Type: "A",
			Values: pulumi.ToStringArray([]string{"203.0.113.10"}), TTLSeconds: 300,
		}); err != nil {
			return err
		}
		reg := registrySpec(out)
		reg.Tags = tags
		registry, err := b.NewRegistry(ctx, reg)
		if err != nil {
			return err
		}
		policy := policySpec(true)
		policy.Cluster, policy.Tags = out, tags
		policy.Registries = append(policy.Registries, registry.Prefix)
		if _, err := b.NewWorkloadPolicy(ctx, *policy); err != nil {
			return err
		}
		_, err = edgeUnder(ctx, b, out, func(s *platform.EdgeSpec) { s.Tags = tags })
		return err
	})
}

// TestRegistryListsExactlyTheRegisteredTypes renders every capability of
// the backend and checks the registry (gketypes) against it: every
// registered type is in it, every resource whose type takes labels carries
// the spec's tags at exactly the property it names (C7), and every type in
// it is registered by the render.
func TestRegistryListsExactlyTheRegisteredTypes(t *testing.T) {
	snap := renderEverything(t)
	registered := map[string]bool{}
	for i := range snap.Resources {
		r := &snap.Resources[i]
		if !r.Custom {
			continue // the tests' components
		}
		if _, k8s := kubetypes.Registry.Lookup(r.Type); k8s {
			continue // the edge's certificate and the cluster's provider: internal/kubetypes
		}
		registered[r.Type] = true
		prop, known := gke.TagsProperty(r.Type)
		switch {
		case !known:
			t.Errorf("%s (%s): not in the registry; add it to platform/gke/gketypes", r.Type, r.Name)
		case prop != "":
			expect(t, r, prop, networkTags)
		}
	}
	for _, typ := range gketypes.Registry.Tokens() {
		if !registered[typ] {
			t.Errorf("the registry lists %s, which the render does not register: a typo, or a type the backend no longer uses", typ)
		}
	}
}

// sdkArgs maps each type of the registry to the zero value of its SDK
// Args, whose label fields say where the type takes labels.
var sdkArgs = map[string]pulumi.Input{
	"pulumi:providers:gcp":                                         gcp.ProviderArgs{},
	"gcp:artifactregistry/repository:Repository":                   artifactregistry.RepositoryArgs{},
	"gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": artifactregistry.RepositoryIamMemberArgs{},
	"gcp:binaryauthorization/policy:Policy":                        binaryauthorization.PolicyArgs{},
	"gcp:projects/service:Service":                                 projects.ServiceArgs{},
	"gcp:cloudidentity/group:Group":                                cloudidentity.GroupArgs{},
	"gcp:cloudidentity/groupMembership:GroupMembership":            cloudidentity.GroupMembershipArgs{},
	"gcp:cloudscheduler/job:Job":                                   cloudscheduler.JobArgs{},
	"gcp:compute/address:Address":                                  compute.AddressArgs{},
	"gcp:compute/firewall:Firewall":                                compute.FirewallArgs{},
	"gcp:compute/globalAddress:GlobalAddress":                      compute.GlobalAddressArgs{},
	"gcp:compute/securityPolicy:SecurityPolicy":                    compute.SecurityPolicyArgs{},
	"gcp:compute/network:Network":                                  compute.NetworkArgs{},
	"gcp:compute/router:Router":                                    compute.RouterArgs{},
	"gcp:compute/routerNat:RouterNat":                              compute.RouterNatArgs{},
	"gcp:compute/subnetwork:Subnetwork":                            compute.SubnetworkArgs{},
	"gcp:container/cluster:Cluster":                                container.ClusterArgs{},
	"gcp:container/nodePool:NodePool":                              container.NodePoolArgs{},
	"gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember":      dns.DnsManagedZoneIamMemberArgs{},
	"gcp:dns/managedZone:ManagedZone":                              dns.ManagedZoneArgs{},
	"gcp:dns/recordSet:RecordSet":                                  dns.RecordSetArgs{},
	"gcp:gkebackup/backupPlan:BackupPlan":                          gkebackup.BackupPlanArgs{},
	"gcp:kms/cryptoKey:CryptoKey":                                  kms.CryptoKeyArgs{},
	"gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember":                kms.CryptoKeyIAMMemberArgs{},
	"gcp:kms/keyRing:KeyRing":                                      kms.KeyRingArgs{},
	"gcp:logging/projectBucketConfig:ProjectBucketConfig":          logging.ProjectBucketConfigArgs{},
	"gcp:logging/projectExclusion:ProjectExclusion":                logging.ProjectExclusionArgs{},
	"gcp:logging/projectSink:ProjectSink":                          logging.ProjectSinkArgs{},
	"gcp:monitoring/alertPolicy:AlertPolicy":                       monitoring.AlertPolicyArgs{},
	"gcp:monitoring/notificationChannel:NotificationChannel":       monitoring.NotificationChannelArgs{},
	"gcp:privilegedaccessmanager/entitlement:entitlement":          privilegedaccessmanager.EntitlementArgs{},
	"gcp:projects/iAMCustomRole:IAMCustomRole":                     projects.IAMCustomRoleArgs{},
	"gcp:projects/iAMMember:IAMMember":                             projects.IAMMemberArgs{},
	"gcp:secretmanager/secret:Secret":                              secretmanager.SecretArgs{},
	"gcp:secretmanager/secretIamMember:SecretIamMember":            secretmanager.SecretIamMemberArgs{},
	"gcp:secretmanager/secretVersion:SecretVersion":                secretmanager.SecretVersionArgs{},
	"gcp:serviceaccount/account:Account":                           serviceaccount.AccountArgs{},
	"gcp:serviceaccount/iAMMember:IAMMember":                       serviceaccount.IAMMemberArgs{},
	"gcp:storage/bucket:Bucket":                                    storage.BucketArgs{},
	"gcp:storage/bucketIAMMember:BucketIAMMember":                  storage.BucketIAMMemberArgs{},
	"gcp:workflows/workflow:Workflow":                              workflows.WorkflowArgs{},
	// The edge's Kubernetes objects: custom resources, which take no tags.
	"kubernetes:gateway.networking.k8s.io/v1:Gateway":   apiextensions.CustomResourceArgs{},
	"kubernetes:gateway.networking.k8s.io/v1:HTTPRoute": apiextensions.CustomResourceArgs{},
	"kubernetes:networking.gke.io/v1:GCPBackendPolicy":  apiextensions.CustomResourceArgs{},
	"kubernetes:networking.gke.io/v1:HealthCheckPolicy": apiextensions.CustomResourceArgs{},
}

// notCostLabels are the types whose labels field carries something other
// than the spec's tags, so that they take none: Cloud Identity group labels
// say what kind of group it is, and the API rejects any other key.
var notCostLabels = []string{"gcp:cloudidentity/group:Group"}

// TestRegistryTagsFollowTheSDK checks each type's Tags in the registry
// against its SDK Args: a top-level UserLabels field (Cloud Monitoring's
// policies and channels, whose Labels are a channel's configuration), else
// a top-level Labels field, else a top-level ResourceLabels field (GKE
// clusters), else the ResourceLabels of its
// NodeConfig (GKE node pools, whose labels go on the nodes' VMs; the
// NodeConfig's Labels are Kubernetes node labels, not GCP labels).
func TestRegistryTagsFollowTheSDK(t *testing.T) {
	if got, want := slices.Sorted(maps.Keys(sdkArgs)), gketypes.Registry.Tokens(); !slices.Equal(got, want) {
		t.Fatalf("sdkArgs has %v,\nthe registry %v", got, want)
	}
	for token, args := range sdkArgs {
		want := labelProperty(args.ElementType())
		if slices.Contains(notCostLabels, token) {
			want = ""
		}
		if got, _ := gke.TagsProperty(token); got != want {
			t.Errorf("%s: the registry says labels %q, the SDK's Args %q", token, got, want)
		}
	}
}

var stringMap = reflect.TypeFor[map[string]string]()

// labelProperty reads the label property of a resource from t, the input
// struct its Args stand for.
func labelProperty(t reflect.Type) string {
	for _, name := range []string{"UserLabels", "Labels", "ResourceLabels"} {
		if f, ok := t.FieldByName(name); ok && f.Type == stringMap {
			return propertyName(f)
		}
	}
	if nc, ok := t.FieldByName("NodeConfig"); ok {
		inner := nc.Type
		if inner.Kind() == reflect.Pointer {
			inner = inner.Elem()
		}
		if inner.Kind() == reflect.Struct {
			if f, ok := inner.FieldByName("ResourceLabels"); ok && f.Type == stringMap {
				return propertyName(nc) + "." + propertyName(f)
			}
		}
	}
	return ""
}

// propertyName is a struct field's Pulumi property name, from its pulumi
// tag.
func propertyName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
	return name
}

func TestTagsProperty(t *testing.T) {
	for _, tt := range []struct {
		token, property string
		known           bool
	}{
		{"gcp:container/cluster:Cluster", "resourceLabels", true},
		{"gcp:container/nodePool:NodePool", "nodeConfig.resourceLabels", true},
		{"gcp:compute/address:Address", "labels", true},
		{"gcp:storage/bucket:Bucket", "labels", true},
		{"gcp:gkebackup/backupPlan:BackupPlan", "labels", true},
		{"gcp:workflows/workflow:Workflow", "labels", true},
		// A channel's labels are its configuration; its tags are userLabels.
		{"gcp:monitoring/notificationChannel:NotificationChannel", "userLabels", true},
		{"gcp:monitoring/alertPolicy:AlertPolicy", "userLabels", true},
		// A log bucket takes no labels.
		{"gcp:logging/projectBucketConfig:ProjectBucketConfig", "", true},
		// Group labels are Cloud Identity's group types, not cost labels.
		{"gcp:cloudidentity/group:Group", "", true},
		{"gcp:cloudscheduler/job:Job", "", true},
		{"gcp:compute/network:Network", "", true},
		{"gcp:serviceaccount/account:Account", "", true},
		{"gcp:projects/iAMCustomRole:IAMCustomRole", "", true},
		{"gcp:privilegedaccessmanager/entitlement:entitlement", "", true},
		{"gcp:compute/instance:Instance", "", false},
		{"azure-native:resources:ResourceGroup", "", false},
		{"pulumi:providers:gcp", "", true},
	} {
		prop, known := gke.TagsProperty(tt.token)
		if prop != tt.property || known != tt.known {
			t.Errorf("TagsProperty(%q) = %q, %v; want %q, %v", tt.token, prop, known, tt.property, tt.known)
		}
	}
}
