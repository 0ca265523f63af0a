package platformref

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The outputs a Plinth platform stack exports, by name. They are a
// contract between the platform stack and the stacks that reference it:
// renaming one breaks every application stack, so names are only ever
// added.
const (
	// OutputPlinthVersion is the Plinth release the stack was deployed with.
	OutputPlinthVersion = "plinthVersion"
	// OutputEnvironment is the environment's name.
	OutputEnvironment = "environment"
	// OutputEnvironmentClass is the environment's class: dev, staging or prod.
	OutputEnvironmentClass = "environmentClass"
	// OutputCloud is the cloud: azure or gcp.
	OutputCloud = "cloud"
	// OutputNetworkID is the cloud ID of the network (VNet or VPC).
	OutputNetworkID = "networkId"
	// OutputEgressIPs are the addresses the cluster's outbound traffic
	// leaves from, for allow lists elsewhere.
	OutputEgressIPs = "egressIps"
	// OutputClusterName is the Kubernetes cluster's name.
	OutputClusterName = "clusterName"
	// OutputClusterEndpoint is the API server's address.
	OutputClusterEndpoint = "clusterEndpoint"
	// OutputOIDCIssuerURL is the cluster's service account token issuer,
	// for federating workload identities of the application's own.
	OutputOIDCIssuerURL = "oidcIssuerUrl"
	// OutputKubeconfig is an exec-based kubeconfig, a secret.
	OutputKubeconfig = "kubeconfig"
	// OutputIngressClassName is the ingress class of the platform's ingress
	// controller.
	OutputIngressClassName = "ingressClassName"
	// OutputIngressAddress is the ingress load balancer's private address.
	OutputIngressAddress = "ingressAddress"
	// OutputCertificateIssuer is the ClusterIssuer of publicly trusted
	// certificates (ACME), for the cert-manager.io/cluster-issuer
	// annotation.
	OutputCertificateIssuer = "certificateIssuer"
	// OutputTeamNamespaces maps each team to the namespaces its access
	// package gave it.
	OutputTeamNamespaces = "teamNamespaces"
	// OutputBackupBucket is the storage of cluster backups; absent when the
	// environment has none.
	OutputBackupBucket = "backupBucket"
	// OutputTeamSecrets maps each team to where its secrets are and the
	// service account that reads them (TeamSecrets); absent when the
	// environment has no secret store.
	OutputTeamSecrets = "teamSecrets"
	// OutputRegistry is the image prefix of the environment's registry,
	// ending in "/" ("<name>.azurecr.io/",
	// "<region>-docker.pkg.dev/<project>/<repository>/"); absent when the
	// environment has none.
	OutputRegistry = "registry"
	// OutputDNSZone is the environment's public DNS zone, its name and its
	// delegation, for the parent zone's owner: a map of DNSZoneName,
	// DNSZoneID, DNSNameServers and DNSDSRecords; absent when the
	// environment has no DNS component.
	OutputDNSZone = "dnsZone"
	// OutputEdgeEndpoint is the public edge's own address (Front Door's
	// endpoint host name, the global load balancer's IP address); absent
	// when the environment has no edge.
	OutputEdgeEndpoint = "edgeEndpoint"
)

// The keys of OutputDNSZone.
const (
	// DNSZoneName is the zone's DNS name, e.g. "prod.example.com".
	DNSZoneName = "name"
	// DNSZoneID is the zone's ID in the cloud's form.
	DNSZoneID = "id"
	// DNSNameServers are the name servers the parent zone's NS records
	// delegate to; empty for an adopted zone.
	DNSNameServers = "nameServers"
	// DNSDSRecords are the DS records the parent zone needs for a signed
	// zone (DNSSEC), each "<key tag> <algorithm> <digest type> <digest>";
	// empty for an unsigned or adopted zone.
	DNSDSRecords = "dsRecords"
	// DNSPrivateZone is the private zone's DNS name, "" without one.
	DNSPrivateZone = "privateZone"
)

// The keys of each team's entry of OutputTeamSecrets.
const (
	// SecretsStore is the team's store: its Key Vault's name on Azure,
	// the project ID on GCP.
	SecretsStore = "store"
	// SecretsURI is the store's address: the vault URI on Azure,
	// "projects/<project>" on GCP.
	SecretsURI = "uri"
	// SecretsPrefix starts the name of each of the team's secrets where
	// the store is shared ("<team>-" on GCP), "" otherwise.
	SecretsPrefix = "prefix"
	// SecretsNamespace and SecretsServiceAccount name the Kubernetes
	// service account that reads the team's secrets: pods that mount them
	// run as it, in that namespace.
	SecretsNamespace      = "namespace"
	SecretsServiceAccount = "serviceAccount"
	// SecretsClientID is the identity's client ID (Azure, the Secrets
	// Store CSI driver's clientID) or service account email (GCP).
	SecretsClientID = "clientId"
	// SecretsTenantID is the Entra tenant of the vault (Azure; "" on GCP).
	SecretsTenantID = "tenantId"
)

// RequiredOutputs are the names of the outputs every platform stack
// exports (all but OutputBackupBucket), in a fixed order. plinth rollout
// verifies a deployed stack has each of them.
func RequiredOutputs() []string {
	return []string{
		OutputPlinthVersion, OutputEnvironment, OutputEnvironmentClass, OutputCloud,
		OutputNetworkID, OutputEgressIPs, OutputClusterName, OutputClusterEndpoint,
		OutputOIDCIssuerURL, OutputKubeconfig, OutputIngressClassName,
		OutputIngressAddress, OutputCertificateIssuer, OutputTeamNamespaces,
	}
}

// Platform is a platform stack as another stack sees it. Create it with
// Read, which fails when the stack lacks any of RequiredOutputs.
type Platform struct {
	// Stack is the referenced stack's name, "<organization>/<project>/<stack>".
	Stack string
	// Reference is the underlying stack reference.
	Reference *pulumi.StackReference

	// PlinthVersion is the Plinth release the platform was deployed with.
	PlinthVersion pulumi.StringOutput
	// Environment is the platform's environment name, e.g. "shop-staging".
	Environment pulumi.StringOutput
	// Class is the environment's class: "dev", "staging" or "prod".
	Class pulumi.StringOutput
	// Cloud is "azure" or "gcp".
	Cloud pulumi.StringOutput
	// NetworkID is the cloud ID of the platform's VNet or VPC.
	NetworkID pulumi.StringOutput
	// EgressIPs are the addresses the cluster's outbound traffic leaves
	// from, for allow lists of the services the application calls.
	EgressIPs pulumi.StringArrayOutput
	// ClusterName is the Kubernetes cluster's name.
	ClusterName pulumi.StringOutput
	// ClusterEndpoint is the API server's address.
	ClusterEndpoint pulumi.StringOutput
	// OIDCIssuerURL is the cluster's service account token issuer, for the
	// application's own workload identities.
	OIDCIssuerURL pulumi.StringOutput
	// IngressClassName is the class of the platform's ingress controller.
	IngressClassName pulumi.StringOutput
	// IngressAddress is the ingress load balancer's private address.
	IngressAddress pulumi.StringOutput
	// CertificateIssuer is the ClusterIssuer of publicly trusted
	// certificates, for the cert-manager.io/cluster-issuer annotation.
	CertificateIssuer pulumi.StringOutput
	// Kubeconfig is the exec-based kubeconfig of the cluster, a secret.
	Kubeconfig pulumi.StringOutput
	// TeamNamespaces maps each team to its namespaces.
	TeamNamespaces pulumi.StringArrayMapOutput
}

// Read reads the platform stack stack ("<organization>/<project>/<stack>")
// through a stack reference whose resource name is name, and returns its
// outputs, typed. It fails on a malformed stack name, and, in previews as
// in updates, when the stack lacks any of RequiredOutputs, before the
// caller registers anything on the platform.
func Read(ctx *pulumi.Context, name, stack string, opts ...pulumi.ResourceOption) (*Platform, error) {
	if err := validStackName(stack); err != nil {
		return nil, err
	}
	ref, err := pulumi.NewStackReference(ctx, name, &pulumi.StackReferenceArgs{Name: pulumi.String(stack)}, opts...)
	if err != nil {
		return nil, err
	}
	p := &Platform{Stack: stack, Reference: ref}
	if err := p.checkOutputs(); err != nil {
		return nil, err
	}
	str := func(key string) pulumi.StringOutput {
		return ref.GetOutput(pulumi.String(key)).ApplyT(func(v any) (string, error) {
			s, ok := v.(string)
			if !ok {
				return "", p.shape(key, v)
			}
			return s, nil
		}).(pulumi.StringOutput)
	}
	p.PlinthVersion = str(OutputPlinthVersion)
	p.Environment = str(OutputEnvironment)
	p.Class = str(OutputEnvironmentClass)
	p.Cloud = str(OutputCloud)
	p.NetworkID = str(OutputNetworkID)
	p.ClusterName = str(OutputClusterName)
	p.ClusterEndpoint = str(OutputClusterEndpoint)
	p.OIDCIssuerURL = str(OutputOIDCIssuerURL)
	p.IngressClassName = str(OutputIngressClassName)
	p.IngressAddress = str(OutputIngressAddress)
	p.CertificateIssuer = str(OutputCertificateIssuer)
	p.Kubeconfig = str(OutputKubeconfig)
	p.EgressIPs = ref.GetOutput(pulumi.String(OutputEgressIPs)).ApplyT(func(v any) ([]string, error) {
		return p.strings(OutputEgressIPs, v)
	}).(pulumi.StringArrayOutput)
	p.TeamNamespaces = ref.GetOutput(pulumi.String(OutputTeamNamespaces)).ApplyT(func(v any) (map[string][]string, error) {
		teams, ok := v.(map[string]any)
		if !ok {
			return nil, p.shape(OutputTeamNamespaces, v)
		}
		out := make(map[string][]string, len(teams))
		for team, list := range teams {
			nss, err := p.strings(OutputTeamNamespaces+"."+team, list)
			if err != nil {
				return nil, err
			}
			out[team] = nss
		}
		return out, nil
	}).(pulumi.StringArrayMapOutput)
	return p, nil
}

// checkOutputs fails, naming every missing output, when the stack lacks
// any of RequiredOutputs. It waits for the reference, which the engine
// reads in previews too: a missing output would otherwise be unknown in a
// preview and fail only the update.
func (p *Platform) checkOutputs() error {
	var missing []string
	for _, k := range RequiredOutputs() {
		d, err := p.Reference.GetOutputDetails(k)
		if err != nil {
			return fmt.Errorf("platform stack %s: %w", p.Stack, err)
		}
		if d.Value == nil && d.SecretValue == nil {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("platform stack %s exports no %s: it is not a Plinth platform stack, or one deployed with a Plinth release older than this one; deploy it with this release first", p.Stack, quoted(missing))
	}
	return nil
}

// strings converts a list output, v, naming key in the error.
func (p *Platform) strings(key string, v any) ([]string, error) {
	items, ok := v.([]any)
	if !ok {
		return nil, p.shape(key, v)
	}
	out := make([]string, 0, len(items))
	for i, item := range items {
		s, ok := item.(string)
		if !ok {
			return nil, p.shape(fmt.Sprintf("%s[%d]", key, i), item)
		}
		out = append(out, s)
	}
	return out, nil
}

// shape is the error of an output, or an element of one at key, that is
// not in the shape Plinth exports.
func (p *Platform) shape(key string, v any) error {
	return fmt.Errorf("platform stack %s: %s is %T (%v), not the shape Plinth exports; is the stack a Plinth platform stack?", p.Stack, key, v, v)
}

// Namespace resolves to namespace when the platform gave it to team, and
// otherwise fails the deployment with the team's namespaces, or the
// platform's teams, and what to ask the platform team for. Depending on it
// orders a workload after the check.
func (p *Platform) Namespace(team, namespace string) pulumi.StringOutput {
	return p.TeamNamespaces.ApplyT(func(teams map[string][]string) (string, error) {
		nss, ok := teams[team]
		if !ok {
			return "", fmt.Errorf("platform stack %s has no team %q (its teams: %s); ask the platform team to add the team to the environment's teams", p.Stack, team, list(slices.Sorted(maps.Keys(teams))))
		}
		if !slices.Contains(nss, namespace) {
			return "", fmt.Errorf("platform stack %s gives team %q no namespace %q (its namespaces: %s); use one of them, or ask the platform team to add %q to the team's access package", p.Stack, team, namespace, list(nss), namespace)
		}
		return namespace, nil
	}).(pulumi.StringOutput)
}

// TeamSecrets resolves to where team's secrets are, keyed Secrets*
// (SecretsStore, SecretsURI, SecretsPrefix, SecretsNamespace,
// SecretsServiceAccount, SecretsClientID, SecretsTenantID): what a
// SecretProviderClass and the pod that mounts it name. It fails the
// deployment, naming the platform's teams with secrets and what to ask the
// platform team for, when the platform keeps no secrets for team or has
// no secret store.
func (p *Platform) TeamSecrets(team string) pulumi.StringMapOutput {
	return p.Reference.GetOutput(pulumi.String(OutputTeamSecrets)).ApplyT(func(v any) (map[string]string, error) {
		if v == nil {
			return nil, fmt.Errorf("platform stack %s exports no %s: the environment has no secret store; ask the platform team to set secrets in the environment", p.Stack, OutputTeamSecrets)
		}
		teams, ok := v.(map[string]any)
		if !ok {
			return nil, p.shape(OutputTeamSecrets, v)
		}
		entry, ok := teams[team].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("platform stack %s keeps no secrets for team %q (its teams with secrets: %s); ask the platform team to add the team to the environment's teams", p.Stack, team, list(slices.Sorted(maps.Keys(teams))))
		}
		out := make(map[string]string, len(entry))
		for k, v := range entry {
			s, ok := v.(string)
			if !ok {
				return nil, p.shape(OutputTeamSecrets+"."+team+"."+k, v)
			}
			out[k] = s
		}
		return out, nil
	}).(pulumi.StringMapOutput)
}

// Image resolves to the reference of the image name at version in the
// platform's registry: "<prefix><name>:<version>", or
// "<prefix><name>@<version>" for a digest ("sha256:<hex>"). The
// guardrails admit images from the registry only, and refuse the tag
// "latest"; Image fails the deployment on both at once, and when the
// platform has no registry.
func (p *Platform) Image(name, version string) pulumi.StringOutput {
	return p.Reference.GetOutput(pulumi.String(OutputRegistry)).ApplyT(func(v any) (string, error) {
		if v == nil {
			return "", fmt.Errorf("platform stack %s exports no %s: the environment has no registry; ask the platform team to set registry in the environment", p.Stack, OutputRegistry)
		}
		prefix, ok := v.(string)
		if !ok {
			return "", p.shape(OutputRegistry, v)
		}
		switch {
		case !imagePath.MatchString(name):
			return "", fmt.Errorf("image %q: write the repository path in the registry, in lowercase, without tag or digest, e.g. \"checkout/api\"", name)
		case version == "" || version == "latest":
			return "", fmt.Errorf("image %s: version %q: name a version, a tag other than latest (\"1.4.2\") or a digest (\"sha256:...\"); the guardrails refuse images without one", name, version)
		case strings.HasPrefix(version, "sha256:"):
			if !imageDigest.MatchString(version) {
				return "", fmt.Errorf("image %s: version %q: a digest is \"sha256:\" and 64 lowercase hex digits", name, version)
			}
			return prefix + name + "@" + version, nil
		case !imageTag.MatchString(version):
			return "", fmt.Errorf("image %s: version %q: a tag is 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-' (no '+': write build metadata with '-' or '_'), e.g. \"1.4.2\"", name, version)
		}
		return prefix + name + ":" + version, nil
	}).(pulumi.StringOutput)
}

// The forms of an image's repository path, tag and digest, as the OCI
// distribution specification writes them.
var (
	imagePath   = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$`)
	imageTag    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	imageDigest = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
)

// Provider returns a Kubernetes provider for the platform's cluster,
// authenticated by the kubeconfig: whoever runs pulumi up deploys with
// their own identity and its rights.
func (p *Platform) Provider(ctx *pulumi.Context, name string, opts ...pulumi.ResourceOption) (*kubernetes.Provider, error) {
	return kubernetes.NewProvider(ctx, name, &kubernetes.ProviderArgs{Kubeconfig: p.Kubeconfig}, opts...)
}

// validStackName checks the fully qualified form a reference needs: a
// short name would resolve against whichever organization is logged in.
func validStackName(stack string) error {
	parts := strings.Split(stack, "/")
	if len(parts) != 3 || slices.Contains(parts, "") {
		return fmt.Errorf("platform stack %q: want <organization>/<project>/<stack>, e.g. acme/shop-platform/shop-staging (on a file backend the organization is \"organization\")", stack)
	}
	return nil
}

func quoted(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

func list(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
