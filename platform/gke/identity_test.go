package gke_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const certManagerSA = "cert-manager-wi@" + project + ".iam.gserviceaccount.com"

func TestWorkloadIdentity(t *testing.T) {
	r := renderCluster(t, nil, true)
	snap := r.snap

	sa := find(t, snap, "gcp:serviceaccount/account:Account", "cert-manager-identity")
	expect(t, sa, "accountId", "cert-manager-wi")
	expect(t, sa, "project", project)

	// Only the cert-manager/cert-manager Kubernetes service account of this
	// project's pool may act as the Google service account.
	b := find(t, snap, "gcp:serviceaccount/iAMMember:IAMMember", "cert-manager-workload-identity-user")
	expect(t, b, "role", "roles/iam.workloadIdentityUser")
	expect(t, b, "member", "serviceAccount:"+project+".svc.id.goog[cert-manager/cert-manager]")
	expect(t, b, "serviceAccountId", "projects/"+project+"/serviceAccounts/"+certManagerSA)
	// The pool exists once the cluster does; the binding waits for it.
	cluster := find(t, snap, clusterType, "prod-cluster")
	if !slices.Contains(b.DependsOn, cluster.URN) {
		t.Errorf("the workload identity binding does not wait for the cluster: dependsOn %v", b.DependsOn)
	}

	// roles/dns.admin on the one managed zone, not on its project: the
	// project's other zones are out of reach.
	dns := find(t, snap, "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember", "cert-manager-dns-zone-admin")
	expect(t, dns, "project", "acme-dns-prod")
	expect(t, dns, "managedZone", "dev-acme-example")
	expect(t, dns, "role", "roles/dns.admin")
	expect(t, dns, "member", "serviceAccount:"+certManagerSA)
	if _, ok := dns.Inputs["condition"]; ok {
		t.Errorf("the zone grant has a condition %v; it needs none", dns.Inputs["condition"])
	}
	for _, m := range snap.OfType("gcp:projects/iAMMember:IAMMember") {
		if strings.HasPrefix(m.Name, "cert-manager-") {
			t.Errorf("%s: a project-level grant; the identity's grants are on a zone and a bucket only", m.Name)
		}
	}

	bucket := find(t, snap, "gcp:storage/bucketIAMMember:BucketIAMMember", "cert-manager-object-storage-writer")
	expect(t, bucket, "bucket", "acme-prod-backups")
	expect(t, bucket, "role", "roles/storage.objectAdmin")
	expect(t, bucket, "member", "serviceAccount:"+certManagerSA)

	// An object writer may sign blobs as itself, and only as itself, for
	// signed URLs: one permission, bound on its own account.
	signer := find(t, snap, "gcp:projects/iAMCustomRole:IAMCustomRole", "cert-manager-url-signer-role")
	expect(t, signer, "project", project)
	expect(t, signer, "roleId", "plinth.cert_manager.urlSigner")
	expect(t, signer, "permissions", []string{"iam.serviceAccounts.signBlob"})
	self := find(t, snap, "gcp:serviceaccount/iAMMember:IAMMember", "cert-manager-url-signer")
	expect(t, self, "serviceAccountId", "projects/"+project+"/serviceAccounts/"+certManagerSA)
	expect(t, self, "member", "serviceAccount:"+certManagerSA)
	expect(t, self, "role", "projects/"+project+"/roles/plinth.cert_manager.urlSigner")
	if !slices.Contains(self.DependsOn, signer.URN) {
		t.Errorf("the signer binding does not wait for its role: dependsOn %v", self.DependsOn)
	}

	// Exactly these grants, and nothing broad, for the workload.
	var grants []string
	for _, typ := range []string{"gcp:projects/iAMMember:IAMMember", "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember", "gcp:storage/bucketIAMMember:BucketIAMMember", "gcp:serviceaccount/iAMMember:IAMMember"} {
		for _, m := range snap.OfType(typ) {
			role := platformtest.Input(t, m, "role").(string)
			if role == "roles/owner" || role == "roles/editor" {
				t.Errorf("%s grants %s", m.Name, role)
			}
			if strings.HasPrefix(m.Name, "cert-manager-") {
				grants = append(grants, m.Name+" "+role)
			}
		}
	}
	slices.Sort(grants)
	want := []string{
		"cert-manager-dns-zone-admin roles/dns.admin",
		"cert-manager-object-storage-writer roles/storage.objectAdmin",
		"cert-manager-url-signer projects/" + project + "/roles/plinth.cert_manager.urlSigner",
		"cert-manager-workload-identity-user roles/iam.workloadIdentityUser",
	}
	if !slices.Equal(grants, want) {
		t.Errorf("workload grants:\n%v\nwant\n%v", grants, want)
	}

	if got := r.annotations[gke.ServiceAccountAnnotation]; got != certManagerSA || len(r.annotations) != 1 {
		t.Errorf("annotations %v, want %s: %s", r.annotations, gke.ServiceAccountAnnotation, certManagerSA)
	}
	if gke.ServiceAccountAnnotation != "iam.gke.io/gcp-service-account" {
		t.Errorf("annotation key %q", gke.ServiceAccountAnnotation)
	}
	if r.podLabels == nil || len(r.podLabels) != 0 {
		t.Errorf("pod labels %v, want an empty map (GKE needs none)", r.podLabels)
	}
	if r.clientID != certManagerSA {
		t.Errorf("client ID %q, want the service account email", r.clientID)
	}
	if !regexp.MustCompile(`^1[0-9]{20}$`).MatchString(r.principalID) {
		t.Errorf("principal ID %q, want the account's 21-digit unique ID", r.principalID)
	}

	// Children of the identity: parented, named, explicit provider.
	var parent string
	for _, res := range snap.Resources {
		if res.Type == "plinth:test:WorkloadIdentity" {
			parent = res.URN
		}
	}
	children := 0
	for _, res := range snap.Resources {
		if res.Parent != parent {
			continue
		}
		children++
		if !strings.HasPrefix(res.Name, "cert-manager-") || !strings.Contains(res.Provider, "::pulumi:providers:gcp::gcp::") {
			t.Errorf("%s %s: name or provider %q breaks the contract", res.Type, res.Name, res.Provider)
		}
	}
	if children != 6 {
		t.Errorf("%d children under the identity component, want 6 (account, binding, 2 grants, URL signer role and binding)", children)
	}
}
