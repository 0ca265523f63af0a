package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

func ingressRule() Rule {
	return Rule{
		ID:       "PLN006",
		Title:    "Ingress load balancer internal",
		Severity: SeverityWarning,
		Rationale: "Baseline: the ingress controller sits behind an internal load balancer by default " +
			"(azure-load-balancer-internal with the ingress subnet on AKS, networking.gke.io/load-balancer-type " +
			"Internal on GKE). A warning and not an error: a public ingress is a supported, explicit choice " +
			"(the Ingress component's Public), which review should confirm.",
		Classes: allClasses,
		Check:   checkIngress,
	}
}

// Service annotations of the clouds' Kubernetes load-balancer controllers.
const (
	azureInternal       = "service.beta.kubernetes.io/azure-load-balancer-internal"
	azureInternalSubnet = "service.beta.kubernetes.io/azure-load-balancer-internal-subnet"
	gkeLBType           = "networking.gke.io/load-balancer-type"
	gkeLegacyLBType     = "cloud.google.com/load-balancer-type"
)

// ingressCharts are the ingress controllers' charts, for releases that are
// not children of an Ingress component.
var ingressCharts = []string{"traefik", "ingress-nginx"}

// ingressReleases returns the Helm releases of ingress controllers: the
// releases of Ingress components, and any release of a known controller
// chart.
func ingressReleases(s *snapshot.Snapshot) []*snapshot.Resource {
	var out []*snapshot.Resource
	for _, r := range helmRelease.in(s) {
		parent := s.ByURN(r.Parent)
		chart := str(r.Inputs, "chart")
		if (parent != nil && parent.Type == "plinth:components:Ingress") || slices.Contains(ingressCharts, chart[strings.LastIndex(chart, "/")+1:]) {
			out = append(out, r)
		}
	}
	return out
}

// serviceAnnotations returns the annotations of an ingress controller's
// Service and where they are in the release's inputs: values.service for
// Traefik, values.controller.service for ingress-nginx.
func serviceAnnotations(rel *snapshot.Resource) (map[string]string, field.Path) {
	if chart := str(rel.Inputs, "chart"); chart == "ingress-nginx" || strings.HasSuffix(chart, "/ingress-nginx") {
		return stringMap(get(rel.Inputs, "values", "controller", "service", "annotations")), "values.controller.service.annotations"
	}
	return stringMap(get(rel.Inputs, "values", "service", "annotations")), "values.service.annotations"
}

func checkIngress(t Target) []Finding {
	var out []Finding
	for _, rel := range ingressReleases(t.Snapshot) {
		a, path := serviceAnnotations(rel)
		switch t.Cloud {
		case string(platform.CloudAzure):
			if v := a[azureInternal]; v != "true" {
				out = append(out, invalid(rel, path.Key(azureInternal), nonEmpty(v),
					"the ingress controller's load balancer gets a public address; set it to \"true\" so that the address comes from the ingress subnet, "+
						"or confirm in review that this ingress is meant to be public"))
			} else if a[azureInternalSubnet] == "" {
				out = append(out, invalid(rel, path.Key(azureInternalSubnet), nil,
					"the internal load balancer takes its address from the nodes subnet; name the ingress subnet"))
			}
		case string(platform.CloudGCP):
			if a[gkeLBType] != "Internal" && a[gkeLegacyLBType] != "Internal" {
				out = append(out, invalid(rel, path.Key(gkeLBType), nonEmpty(a[gkeLBType]),
					"the ingress controller's load balancer gets a public address; set it to \"Internal\", "+
						"or confirm in review that this ingress is meant to be public"))
			}
		}
	}
	return out
}

func certManagerRule() Rule {
	return Rule{
		ID:       "PLN008",
		Title:    "cert-manager on workload identity",
		Severity: SeverityError,
		Rationale: "Write-up lesson: cert-manager broke once Log Analytics added a second managed identity to the " +
			"nodes (\"Multiple user assigned identities exist, please specify the clientId\"). Baseline fix: an " +
			"identity of its own federated with system:serviceaccount:cert-manager:cert-manager, the " +
			"azure.workload.identity/client-id annotation and use label, and managedIdentity.clientID in the " +
			"azureDNS solver; on GKE a roles/iam.workloadIdentityUser binding for [cert-manager/cert-manager].",
		Classes: allClasses,
		Check:   checkCertManager,
	}
}

// Workload identity names.
const (
	azureClientIDAnnotation = "azure.workload.identity/client-id"
	azureUseLabel           = "azure.workload.identity/use"
	azureTokenAudience      = "api://AzureADTokenExchange"
	gkeSAAnnotation         = "iam.gke.io/gcp-service-account"
	gkeWorkloadIdentityUser = "roles/iam.workloadIdentityUser"
)

func checkCertManager(t Target) []Finding {
	var out []Finding
	for _, rel := range releasesOf(t.Snapshot, "cert-manager") {
		switch t.Cloud {
		case string(platform.CloudAzure):
			out = append(out, checkCertManagerAzure(t.Snapshot, rel)...)
		case string(platform.CloudGCP):
			out = append(out, checkCertManagerGCP(t.Snapshot, rel)...)
		}
	}
	return out
}

// serviceAccountOf returns the namespace and name of the service account a
// cert-manager release runs as: values.serviceAccount.name, else the
// chart's default, the release name.
func serviceAccountOf(rel *snapshot.Resource) (namespace, name string) {
	namespace, name = str(rel.Inputs, "namespace"), str(rel.Inputs, "values", "serviceAccount", "name")
	if name == "" {
		name = str(rel.Inputs, "name")
	}
	return namespace, name
}

func checkCertManagerAzure(s *snapshot.Snapshot, rel *snapshot.Resource) []Finding {
	var out []Finding
	ns, sa := serviceAccountOf(rel)
	subject := fmt.Sprintf("system:serviceaccount:%s:%s", ns, sa)
	annotations := field.NewPath("values").Child("serviceAccount").Child("annotations")
	clientID := str(rel.Inputs, "values", "serviceAccount", "annotations", azureClientIDAnnotation)
	if clientID == "" {
		out = append(out, invalid(rel, annotations.Key(azureClientIDAnnotation), nil,
			"cert-manager's service account names no identity, so Azure DNS calls fall back to the node's identities and fail once there are two; "+
				"set it to the client ID of cert-manager's own user-assigned identity"))
	}
	if v := str(rel.Inputs, "values", "podLabels", azureUseLabel); v != "true" {
		out = append(out, invalid(rel, field.NewPath("values").Child("podLabels").Key(azureUseLabel), nonEmpty(v),
			"the workload identity webhook does not give cert-manager's pods a token; set it to \"true\""))
	}
	out = append(out, checkFederation(s, rel, subject)...)
	for _, ci := range clusterIssuer.in(s) {
		for i, solver := range list(ci.Inputs, "spec", "acme", "solvers") {
			dns := get(solver, "dns01", "azureDNS")
			if dns == nil {
				continue
			}
			path := field.NewPath("spec").Child("acme").Child("solvers").Index(i).Child("dns01").Child("azureDNS").Child("managedIdentity").Child("clientID")
			switch got := str(dns, "managedIdentity", "clientID"); {
			case got == "":
				out = append(out, invalid(ci, path, nil,
					"the solver does not say which identity to use, and token requests fail once the nodes have a second identity "+
						"(\"Multiple user assigned identities exist\"); set it to cert-manager's client ID %q", clientID))
			case clientID != "" && got != clientID:
				out = append(out, invalid(ci, path, got,
					"differs from the client ID on cert-manager's service account (%q); use cert-manager's own identity", clientID))
			}
		}
	}
	return out
}

// checkFederation checks that a federated identity credential lets the
// service account with the given subject act as the identity the release
// names. The release depends on that identity (its client ID feeds the
// annotation), which is how the credential's identity is matched.
func checkFederation(s *snapshot.Snapshot, rel *snapshot.Resource, subject string) []Finding {
	var identities []string
	for _, id := range azureIdentity.in(s) {
		if dependsOn(rel, id.URN) {
			identities = append(identities, str(id.Inputs, "resourceName"))
		}
	}
	var out []Finding
	found := false
	for _, fic := range azureFederated.in(s) {
		if str(fic.Inputs, "subject") != subject {
			continue
		}
		found = true
		if aud := stringList(fic.Inputs, "audiences"); !slices.Contains(aud, azureTokenAudience) {
			out = append(out, invalid(fic, "audiences", strings.Join(aud, ", "), "Entra ID accepts the token only for audience %q; set it", azureTokenAudience))
		}
		if str(fic.Inputs, "issuer") == "" {
			out = append(out, invalid(fic, "issuer", nil, "set it to the cluster's OIDC issuer URL"))
		}
		if name := str(fic.Inputs, "resourceName"); len(identities) > 0 && !slices.Contains(identities, name) {
			out = append(out, invalid(fic, "resourceName", name,
				"the credential federates another identity than the one cert-manager's service account names (%s); federate that one", quoted(identities)))
		}
	}
	if !found {
		out = append(out, note(rel, "no federated identity credential has subject %q, so cert-manager's service account cannot act as its identity; "+
			"add one on cert-manager's identity with that subject, audience %q and the cluster's OIDC issuer", subject, azureTokenAudience))
	}
	return out
}

func checkCertManagerGCP(s *snapshot.Snapshot, rel *snapshot.Resource) []Finding {
	var out []Finding
	ns, sa := serviceAccountOf(rel)
	gsa := str(rel.Inputs, "values", "serviceAccount", "annotations", gkeSAAnnotation)
	if gsa == "" {
		out = append(out, invalid(rel, field.NewPath("values").Child("serviceAccount").Child("annotations").Key(gkeSAAnnotation), nil,
			"cert-manager's service account names no Google service account, so Cloud DNS calls run as the node service account; "+
				"set it to cert-manager's own service account"))
	} else if member := workloadIdentityMember(s, ns, sa); !hasWorkloadIdentityUser(s, member, gsa) {
		out = append(out, note(rel, "no %s binding lets the Kubernetes service account %s/%s act as %s; "+
			"add a service-account IAMMember on it with role %s and member %q", gkeWorkloadIdentityUser, ns, sa, gsa, gkeWorkloadIdentityUser, member))
	}
	for _, ci := range clusterIssuer.in(s) {
		for i, solver := range list(ci.Inputs, "spec", "acme", "solvers") {
			if ref := get(solver, "dns01", "cloudDNS", "serviceAccountSecretRef"); ref != nil {
				out = append(out, invalid(ci, field.NewPath("spec").Child("acme").Child("solvers").Index(i).Child("dns01").Child("cloudDNS").Child("serviceAccountSecretRef"),
					nonEmpty(str(ref, "name")), "the solver authenticates with a service-account key from a Secret; remove it so that cert-manager uses workload identity"))
			}
		}
	}
	return out
}

// workloadIdentityMember returns the IAM member that stands for the
// Kubernetes service account ns/sa: in the workload pool of the stack's GKE
// cluster, or, without one, in any pool (written "<project>.svc.id.goog").
func workloadIdentityMember(s *snapshot.Snapshot, ns, sa string) string {
	for _, c := range gkeCluster.in(s) {
		if pool := str(c.Inputs, "workloadIdentityConfig", "workloadPool"); pool != "" {
			return fmt.Sprintf("serviceAccount:%s[%s/%s]", pool, ns, sa)
		}
	}
	return fmt.Sprintf("serviceAccount:<project>.svc.id.goog[%s/%s]", ns, sa)
}

// hasWorkloadIdentityUser reports whether a roles/iam.workloadIdentityUser
// binding on the Google service account gsa admits member.
func hasWorkloadIdentityUser(s *snapshot.Snapshot, member, gsa string) bool {
	anyPool, isTemplate := strings.CutPrefix(member, "serviceAccount:<project>")
	admits := func(m string) bool {
		return m == member || (isTemplate && strings.HasPrefix(m, "serviceAccount:") && strings.HasSuffix(m, anyPool))
	}
	for _, b := range append(gcpSAIAMMember.in(s), gcpSAIAMBinding.in(s)...) {
		id := str(b.Inputs, "serviceAccountId")
		if str(b.Inputs, "role") != gkeWorkloadIdentityUser || (id != gsa && !strings.HasSuffix(id, "/serviceAccounts/"+gsa)) {
			continue
		}
		members := append(stringList(b.Inputs, "members"), str(b.Inputs, "member"))
		if slices.ContainsFunc(members, admits) {
			return true
		}
	}
	return false
}
