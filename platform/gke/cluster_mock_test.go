package gke_test

import (
	"encoding/base64"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/container"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/serviceaccount"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/storage"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform/platformtest"
)

// The mocks answer the types the Cluster and WorkloadIdentity capabilities
// create with the IDs and outputs the gcp provider reports, so that what
// tests and snapshots show is what a reviewer would see after `up`.
func TestMockShapesOfClusterTypes(t *testing.T) {
	var mu sync.Mutex
	got := map[string]string{}
	put := func(key string, o pulumi.StringOutput) {
		o.ApplyT(func(v string) string { mu.Lock(); got[key] = v; mu.Unlock(); return v })
	}
	_, err := platformtest.Render("mocks", func(ctx *pulumi.Context) error {
		p, err := gcp.NewProvider(ctx, "gcp", &gcp.ProviderArgs{Project: pulumi.StringPtr(project), Region: pulumi.StringPtr("europe-west1")})
		if err != nil {
			return err
		}
		opt := pulumi.Provider(p)
		sa, err := serviceaccount.NewAccount(ctx, "sa", &serviceaccount.AccountArgs{AccountId: pulumi.String("velero-wi")}, opt)
		if err != nil {
			return err
		}
		put("sa.id", sa.ID().ToStringOutput())
		put("sa.email", sa.Email)
		put("sa.member", sa.Member)
		put("sa.name", sa.Name)
		put("sa.uniqueId", sa.UniqueId)
		pm, err := projects.NewIAMMember(ctx, "pm", &projects.IAMMemberArgs{Project: pulumi.String(project), Role: pulumi.String("roles/dns.admin"), Member: sa.Member}, opt)
		if err != nil {
			return err
		}
		put("projectMember.id", pm.ID().ToStringOutput())
		put("projectMember.etag", pm.Etag)
		sm, err := serviceaccount.NewIAMMember(ctx, "sm", &serviceaccount.IAMMemberArgs{ServiceAccountId: sa.Name, Role: pulumi.String("roles/iam.workloadIdentityUser"), Member: pulumi.String("serviceAccount:" + project + ".svc.id.goog[velero/velero]")}, opt)
		if err != nil {
			return err
		}
		put("saMember.id", sm.ID().ToStringOutput())
		bm, err := storage.NewBucketIAMMember(ctx, "bm", &storage.BucketIAMMemberArgs{Bucket: pulumi.String("acme-backups"), Role: pulumi.String("roles/storage.objectAdmin"), Member: sa.Member}, opt)
		if err != nil {
			return err
		}
		put("bucketMember.id", bm.ID().ToStringOutput())
		c, err := container.NewCluster(ctx, "c", &container.ClusterArgs{
			Name: pulumi.String("prod-cluster"), Location: pulumi.String("europe-west1"),
			PrivateClusterConfig: &container.ClusterPrivateClusterConfigArgs{
				EnablePrivateNodes: pulumi.Bool(true), MasterIpv4CidrBlock: pulumi.String("172.16.0.32/28"),
			},
		}, opt)
		if err != nil {
			return err
		}
		put("cluster.id", c.ID().ToStringOutput())
		put("cluster.endpoint", c.Endpoint)
		put("cluster.selfLink", c.SelfLink)
		put("cluster.privateEndpoint", c.PrivateClusterConfig.PrivateEndpoint().Elem())
		put("cluster.masterIpv4CidrBlock", c.PrivateClusterConfig.MasterIpv4CidrBlock().Elem())
		put("cluster.ca", c.MasterAuth.ClusterCaCertificate().Elem())
		np, err := container.NewNodePool(ctx, "np", &container.NodePoolArgs{Name: pulumi.String("system"), Cluster: c.ID().ToStringOutput(), Location: pulumi.String("europe-west1")}, opt)
		if err != nil {
			return err
		}
		put("pool.id", np.ID().ToStringOutput())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	email := "velero-wi@" + project + ".iam.gserviceaccount.com"
	for key, want := range map[string]string{
		"sa.id":                       "projects/" + project + "/serviceAccounts/" + email,
		"sa.name":                     "projects/" + project + "/serviceAccounts/" + email,
		"sa.email":                    email,
		"sa.member":                   "serviceAccount:" + email,
		"projectMember.id":            project + "/roles/dns.admin/serviceAccount:" + email,
		"saMember.id":                 "projects/" + project + "/serviceAccounts/" + email + "/roles/iam.workloadIdentityUser/serviceAccount:" + project + ".svc.id.goog[velero/velero]",
		"bucketMember.id":             "b/acme-backups/roles/storage.objectAdmin/serviceAccount:" + email,
		"cluster.id":                  "projects/" + project + "/locations/europe-west1/clusters/prod-cluster",
		"cluster.selfLink":            "https://container.googleapis.com/v1/projects/" + project + "/locations/europe-west1/clusters/prod-cluster",
		"cluster.privateEndpoint":     "172.16.0.34",
		"cluster.masterIpv4CidrBlock": "172.16.0.32/28",
		"pool.id":                     "projects/" + project + "/locations/europe-west1/clusters/prod-cluster/nodePools/system",
	} {
		if got[key] != want {
			t.Errorf("%s = %q, want %q", key, got[key], want)
		}
	}
	if !regexp.MustCompile(`^1[0-9]{20}$`).MatchString(got["sa.uniqueId"]) {
		t.Errorf("unique ID %q, want 21 digits", got["sa.uniqueId"])
	}
	if !regexp.MustCompile(`^34\.\d+\.\d+\.\d+$`).MatchString(got["cluster.endpoint"]) {
		t.Errorf("public endpoint %q", got["cluster.endpoint"])
	}
	if got["projectMember.etag"] == "" {
		t.Error("IAM member has no etag")
	}
	ca, err := base64.StdEncoding.DecodeString(got["cluster.ca"])
	if err != nil || !strings.HasPrefix(string(ca), "-----BEGIN CERTIFICATE-----\n") {
		t.Errorf("cluster CA %q is not base64 PEM: %v", got["cluster.ca"], err)
	}
}
