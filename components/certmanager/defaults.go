package certmanager

import "github.com/plinth-dev/plinth/internal/helm"

// Defaults for the optional fields of Args, and the fixed names the
// component uses.
const (
	// DefaultACMEServer is Let's Encrypt's production directory.
	DefaultACMEServer = "https://acme-v02.api.letsencrypt.org/directory"
	// DefaultACMEStagingServer is Let's Encrypt's staging directory: untrusted
	// certificates, generous rate limits, for trying issuance out.
	DefaultACMEStagingServer = "https://acme-staging-v02.api.letsencrypt.org/directory"
	// DefaultReplicas is the replica count of the controller, the webhook
	// and the CA injector.
	DefaultReplicas = helm.DefaultReplicas

	// Namespace is where cert-manager runs. It is fixed: the workload
	// identity's subject names it.
	Namespace = "cert-manager"
	// ServiceAccount is the controller's service account, the chart's
	// default name; the workload identity is bound to
	// system:serviceaccount:cert-manager:cert-manager.
	ServiceAccount = "cert-manager"
	// ReleaseName is the Helm release name. It is fixed so that object
	// names and pod labels (app.kubernetes.io/instance) are stable.
	ReleaseName = "cert-manager"

	// ProductionIssuerName is the ClusterIssuer for trusted ACME certificates.
	ProductionIssuerName = "letsencrypt-production"
	// StagingIssuerName is the ClusterIssuer for the ACME staging directory.
	StagingIssuerName = "letsencrypt-staging"
	// SelfSignedIssuerName is the ClusterIssuer that bootstraps the internal CA.
	SelfSignedIssuerName = "plinth-selfsigned"
	// InternalCAIssuerName is the ClusterIssuer that signs with the internal CA,
	// for service-to-service TLS inside the cluster. It is also the name of
	// the CA's Certificate and of its secret in Namespace.
	InternalCAIssuerName = "plinth-internal-ca"

	// InternalCADuration is the internal CA certificate's lifetime (ten
	// years); InternalCARenewBefore is how long before expiry cert-manager
	// renews it.
	InternalCADuration    = "87600h"
	InternalCARenewBefore = "2160h"

	// AzureEnvironment is the Azure cloud the Azure DNS solver talks to.
	AzureEnvironment = "AzurePublicCloud"
)

// withDefaults returns a copy of a with every unset optional field filled.
// It never changes a value the user set.
func (a Args) withDefaults() Args {
	if a.ACMEServer == "" {
		a.ACMEServer = DefaultACMEServer
	}
	if a.ACMEStagingServer == "" {
		a.ACMEStagingServer = DefaultACMEStagingServer
	}
	if a.Replicas == 0 {
		a.Replicas = DefaultReplicas
	}
	return a
}
