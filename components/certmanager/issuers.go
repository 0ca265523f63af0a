package certmanager

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// The types below are the parts of cert-manager's cert-manager.io/v1 API
// Plinth writes, with cert-manager's JSON names. Fields holding a
// pulumi.StringInput carry values known only after deployment (a client
// ID, a subscription parsed from a zone ID); helm.Encode passes them
// through.

// ClusterIssuerSpec is the spec of a ClusterIssuer. Exactly one issuer type
// is set.
type ClusterIssuerSpec struct {
	// ACME issues certificates from an ACME server such as Let's Encrypt.
	ACME *ACMEIssuer `json:"acme,omitempty"`
	// CA signs with a CA certificate held in a secret.
	CA *CAIssuer `json:"ca,omitempty"`
	// SelfSigned signs each certificate with its own key.
	SelfSigned *SelfSignedIssuer `json:"selfSigned,omitempty"`
}

// ACMEIssuer is an ACME account on one directory.
type ACMEIssuer struct {
	// Email is the ACME account's contact, told about expiring certificates
	// and account problems.
	Email string `json:"email"`
	// Server is the ACME directory URL.
	Server string `json:"server"`
	// PrivateKeySecretRef names the secret that holds the account key;
	// cert-manager creates it on first registration.
	PrivateKeySecretRef SecretKeySelector `json:"privateKeySecretRef"`
	// Solvers answer the ACME challenges; the most specific selector wins.
	Solvers []ACMESolver `json:"solvers"`
}

// SecretKeySelector names a secret in cert-manager's namespace, and
// optionally one of its keys.
type SecretKeySelector struct {
	// Name is the secret's name.
	Name string `json:"name"`
	// Key is the key in the secret; empty means the API's default.
	Key string `json:"key,omitempty"`
}

// ACMESolver is one way of answering ACME challenges. Exactly one of
// HTTP01 and DNS01 is set.
type ACMESolver struct {
	// Selector limits the solver to some names; nil matches every name.
	Selector *SolverSelector `json:"selector,omitempty"`
	// HTTP01 answers challenges over HTTP through an ingress.
	HTTP01 *HTTP01Solver `json:"http01,omitempty"`
	// DNS01 answers challenges with TXT records in a DNS zone.
	DNS01 *DNS01Solver `json:"dns01,omitempty"`
}

// SolverSelector limits a solver to the names in some DNS zones.
type SolverSelector struct {
	// DNSZones are zones whose names and subdomains the solver serves.
	DNSZones []string `json:"dnsZones,omitempty"`
}

// HTTP01Solver answers HTTP01 challenges.
type HTTP01Solver struct {
	// Ingress serves the challenge through an ingress of one class.
	Ingress *HTTP01Ingress `json:"ingress,omitempty"`
}

// HTTP01Ingress creates a temporary Ingress for each challenge.
type HTTP01Ingress struct {
	// IngressClassName is the class of the temporary Ingress.
	IngressClassName string `json:"ingressClassName"`
}

// DNS01Solver answers DNS01 challenges. Exactly one provider is set.
type DNS01Solver struct {
	// AzureDNS writes records in an Azure DNS zone.
	AzureDNS *AzureDNS `json:"azureDNS,omitempty"`
	// CloudDNS writes records in a Google Cloud DNS zone.
	CloudDNS *CloudDNS `json:"cloudDNS,omitempty"`
}

// AzureDNS is cert-manager's Azure DNS provider.
type AzureDNS struct {
	// SubscriptionID and ResourceGroupName locate the zone.
	SubscriptionID    pulumi.StringInput `json:"subscriptionID"`
	ResourceGroupName pulumi.StringInput `json:"resourceGroupName"`
	// HostedZoneName is the zone's DNS name.
	HostedZoneName string `json:"hostedZoneName"`
	// Environment is the Azure cloud, AzureEnvironment.
	Environment string `json:"environment"`
	// ManagedIdentity names the identity cert-manager authenticates as.
	// Plinth always sets its client ID: with more than one identity
	// reachable, a token request without a client ID fails.
	ManagedIdentity *AzureManagedIdentity `json:"managedIdentity"`
}

// AzureManagedIdentity selects one managed or workload identity.
type AzureManagedIdentity struct {
	// ClientID is the identity's client ID.
	ClientID pulumi.StringInput `json:"clientID"`
}

// CloudDNS is cert-manager's Google Cloud DNS provider. Without a
// serviceAccountSecretRef it uses the pod's ambient credentials, which
// GKE Workload Identity provides.
type CloudDNS struct {
	// Project is the ID of the project that hosts the zone.
	Project pulumi.StringInput `json:"project"`
	// HostedZoneName is the managed zone's name (not its DNS name): the
	// solver writes there without listing the project's zones, so its
	// identity needs rights on that zone only.
	HostedZoneName pulumi.StringInput `json:"hostedZoneName,omitempty"`
}

// CAIssuer signs with the CA certificate and key in a secret of
// cert-manager's namespace.
type CAIssuer struct {
	// SecretName is the secret holding tls.crt and tls.key.
	SecretName string `json:"secretName"`
}

// SelfSignedIssuer signs each certificate with its own private key.
type SelfSignedIssuer struct{}

// CertificateSpec is the spec of a cert-manager.io/v1 Certificate.
type CertificateSpec struct {
	// IsCA marks the certificate as a certificate authority.
	IsCA bool `json:"isCA,omitempty"`
	// CommonName is the subject's common name.
	CommonName string `json:"commonName,omitempty"`
	// DNSNames are the names the certificate is for.
	DNSNames []string `json:"dnsNames,omitempty"`
	// SecretName is the secret the certificate and key are written to.
	SecretName string `json:"secretName"`
	// Duration and RenewBefore are Go durations ("87600h").
	Duration    string `json:"duration,omitempty"`
	RenewBefore string `json:"renewBefore,omitempty"`
	// PrivateKey sets the key's algorithm, size and rotation.
	PrivateKey *CertificatePrivateKey `json:"privateKey,omitempty"`
	// IssuerRef names the issuer that signs the certificate.
	IssuerRef IssuerRef `json:"issuerRef"`
	// SecretTemplate labels the secret.
	SecretTemplate *SecretTemplate `json:"secretTemplate,omitempty"`
}

// CertificatePrivateKey describes a certificate's private key.
type CertificatePrivateKey struct {
	// Algorithm is "RSA", "ECDSA" or "Ed25519".
	Algorithm string `json:"algorithm"`
	// Size is the key size: the curve size for ECDSA (256 is P-256).
	Size int `json:"size"`
	// RotationPolicy is "Always" (a new key on each renewal) or "Never".
	RotationPolicy string `json:"rotationPolicy,omitempty"`
}

// IssuerRef names an Issuer or ClusterIssuer.
type IssuerRef struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Group string `json:"group"`
}

// SecretTemplate holds the labels written on a certificate's secret.
type SecretTemplate struct {
	Labels map[string]string `json:"labels,omitempty"`
}
