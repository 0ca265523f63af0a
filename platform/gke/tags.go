package gke

import (
	"reflect"
	"strings"
	"sync"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudidentity"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/cloudscheduler"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/compute"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/container"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/gkebackup"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/privilegedaccessmanager"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/workflows"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// registeredTypes maps the type token of every gcp resource the backend
// registers to the zero value of its SDK Args, which TagsProperty reads the
// label property from. A type the backend starts to register belongs here;
// the tests render every capability and fail on a type missing.
var registeredTypes = map[string]pulumi.Input{
	"gcp:cloudidentity/group:Group":                       cloudidentity.GroupArgs{},
	"gcp:cloudidentity/groupMembership:GroupMembership":   cloudidentity.GroupMembershipArgs{},
	"gcp:cloudscheduler/job:Job":                          cloudscheduler.JobArgs{},
	"gcp:compute/address:Address":                         compute.AddressArgs{},
	"gcp:compute/firewall:Firewall":                       compute.FirewallArgs{},
	"gcp:compute/network:Network":                         compute.NetworkArgs{},
	"gcp:compute/router:Router":                           compute.RouterArgs{},
	"gcp:compute/routerNat:RouterNat":                     compute.RouterNatArgs{},
	"gcp:compute/subnetwork:Subnetwork":                   compute.SubnetworkArgs{},
	"gcp:container/cluster:Cluster":                       container.ClusterArgs{},
	"gcp:container/nodePool:NodePool":                     container.NodePoolArgs{},
	"gcp:gkebackup/backupPlan:BackupPlan":                 gkebackup.BackupPlanArgs{},
	"gcp:privilegedaccessmanager/entitlement:entitlement": privilegedaccessmanager.EntitlementArgs{},
	"gcp:projects/iAMCustomRole:IAMCustomRole":            projects.IAMCustomRoleArgs{},
	"gcp:projects/iAMMember:IAMMember":                    projects.IAMMemberArgs{},
	"gcp:serviceaccount/account:Account":                  serviceaccount.AccountArgs{},
	"gcp:serviceaccount/iAMMember:IAMMember":              serviceaccount.IAMMemberArgs{},
	"gcp:storage/bucket:Bucket":                           storage.BucketArgs{},
	"gcp:storage/bucketIAMMember:BucketIAMMember":         storage.BucketIAMMemberArgs{},
	"gcp:workflows/workflow:Workflow":                     workflows.WorkflowArgs{},
}

// notCostLabels are the types whose labels field carries something other
// than the spec's tags, so that they take none.
var notCostLabels = map[string]string{
	// Cloud Identity group labels say what kind of group it is
	// ("cloudidentity.googleapis.com/groups.discussion_forum",
	// "...security"); the API rejects any other key.
	"gcp:cloudidentity/group:Group": "",
}

// tagsProperties derives the label property of every registered type once.
var tagsProperties = sync.OnceValue(func() map[string]string {
	out := make(map[string]string, len(registeredTypes))
	for token, args := range registeredTypes {
		out[token] = labelProperty(args.ElementType())
	}
	for token, p := range notCostLabels {
		out[token] = p
	}
	return out
})

// TagsProperty returns the input property that carries labels for a
// resource type the GKE backend registers ("labels", "resourceLabels", or a
// nested path such as "nodeConfig.resourceLabels"), "" when the type
// accepts none, and known=false for a type this backend does not register
// (the table then needs the type).
//
// The property is the one the backend puts the spec's tags on. A cluster
// carries them twice, on its resourceLabels and on its temporary default
// pool's nodeConfig.resourceLabels; TagsProperty names the first. Provider
// resources (pulumi:providers:gcp) are not in the table.
func TagsProperty(typeToken string) (property string, known bool) {
	property, known = tagsProperties()[typeToken]
	return property, known
}

var stringMap = reflect.TypeOf(map[string]string(nil))

// labelProperty reads the label property of a resource from t, the input
// struct its Args stand for: a top-level Labels field, else a top-level
// ResourceLabels field (GKE clusters), else the ResourceLabels of its
// NodeConfig (GKE node pools, whose labels go on the nodes' VMs; the
// NodeConfig's Labels are Kubernetes node labels, not GCP labels).
func labelProperty(t reflect.Type) string {
	for _, name := range []string{"Labels", "ResourceLabels"} {
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
