package mesh

import (
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/internal/helm"
)

// controlPlaneValues are the linkerd-control-plane chart values Plinth
// sets (chart helm.LinkerdControlPlane).
type controlPlaneValues struct {
	// The identity issuer and trust roots come from cert-manager and
	// trust-manager (externalCA), never from the chart's values.
	Identity identityValues `json:"identity"`
	// CNIEnabled drops the proxy-init container, which needs NET_ADMIN
	// and NET_RAW, for the CNI plugin.
	CNIEnabled bool `json:"cniEnabled"`
	// DisableHeartBeat stops the daily call home to linkerd.io.
	DisableHeartBeat bool                   `json:"disableHeartBeat"`
	Proxy            proxyValues            `json:"proxy"`
	ControllerRepl   int                    `json:"controllerReplicas"`
	AntiAffinity     bool                   `json:"enablePodAntiAffinity"`
	PDB              bool                   `json:"enablePodDisruptionBudget"`
	WebhookFailure   string                 `json:"webhookFailurePolicy"`
	HighAvailability bool                   `json:"highAvailability"`
	Tolerations      []helm.Toleration      `json:"tolerations"`
	CommonLabels     map[string]string      `json:"commonLabels"`
	PodMonitor       enabled                `json:"podMonitor"`
	Deployment       *deploymentStrategyVal `json:"deploymentStrategy,omitempty"`
}

type identityValues struct {
	ExternalCA bool         `json:"externalCA"`
	Issuer     issuerValues `json:"issuer"`
}

type issuerValues struct {
	// Scheme kubernetes.io/tls reads the issuer from cert-manager's
	// Secret (tls.crt, tls.key).
	Scheme string `json:"scheme"`
}

// proxyValues set the injected proxy's resources, which the team
// guardrails require of every container (requests and a memory limit).
type proxyValues struct {
	Resources proxyResources `json:"resources"`
}

type proxyResources struct {
	CPU    quantity `json:"cpu"`
	Memory quantity `json:"memory"`
}

type quantity struct {
	Request string `json:"request,omitempty"`
	Limit   string `json:"limit,omitempty"`
}

type enabled struct {
	Enabled bool `json:"enabled"`
}

type deploymentStrategyVal struct {
	RollingUpdate rollingUpdate `json:"rollingUpdate"`
}

type rollingUpdate struct {
	MaxUnavailable int    `json:"maxUnavailable"`
	MaxSurge       string `json:"maxSurge"`
}

// The proxy's resources: what a meshed pod adds to each of its pods
// (counted in the namespace's quota).
const (
	ProxyCPURequest    = "100m"
	ProxyMemoryRequest = "20Mi"
	ProxyMemoryLimit   = "250Mi"
)

// controlPlaneRelease is the control plane's release, with the user's raw
// values.
func (r Resolved) controlPlaneRelease() helm.Release {
	v := controlPlaneValues{
		Identity:         identityValues{ExternalCA: true, Issuer: issuerValues{Scheme: "kubernetes.io/tls"}},
		CNIEnabled:       true,
		DisableHeartBeat: true,
		Proxy: proxyValues{Resources: proxyResources{
			CPU:    quantity{Request: ProxyCPURequest},
			Memory: quantity{Request: ProxyMemoryRequest, Limit: ProxyMemoryLimit},
		}},
		ControllerRepl: 1,
		WebhookFailure: "Ignore",
		Tolerations:    []helm.Toleration{helm.SystemPoolToleration},
		CommonLabels:   r.labels,
	}
	if r.ha {
		// The chart's values-ha.yaml, as values: three replicas on three
		// nodes, disruption budgets, and webhooks that fail closed so
		// that no pod of a meshed namespace starts unmeshed.
		v.ControllerRepl, v.AntiAffinity, v.PDB, v.HighAvailability = ControllerReplicas, true, true, true
		v.WebhookFailure = "Fail"
		v.Deployment = &deploymentStrategyVal{RollingUpdate: rollingUpdate{MaxUnavailable: 1, MaxSurge: "25%"}}
	}
	return helm.Release{
		Chart: helm.LinkerdControlPlane, Name: "linkerd-control-plane",
		Values: v, Raw: r.args.Values, RawPath: r.valuesAt,
	}
}

// crdsValues are the linkerd-crds chart values Plinth sets: the Gateway
// API CRDs are the ingress's (Traefik's chart, or GKE's own).
type crdsValues struct {
	InstallGatewayAPI bool `json:"installGatewayAPI"`
}

// cniValues are the linkerd2-cni chart values: on every node, in the
// nodes' CNI directory. No priority class: GKE admits
// system-node-critical pods outside kube-system only under a quota for it.
type cniValues struct {
	DestCNIBinDir string            `json:"destCNIBinDir,omitempty"`
	Tolerations   []helm.Toleration `json:"tolerations"`
	CommonLabels  map[string]string `json:"commonLabels"`
}

func (r Resolved) cniValues() cniValues {
	return cniValues{
		DestCNIBinDir: r.cniBin,
		// Every node, whatever its taints: an unmeshed node would start
		// meshed pods without their traffic redirection.
		Tolerations:  []helm.Toleration{{Operator: "Exists"}},
		CommonLabels: r.labels,
	}
}

// trustManagerValues are the trust-manager chart values: it reads the
// anchor's Secret in cert-manager's namespace and writes only the mesh's
// namespace.
type trustManagerValues struct {
	ReplicaCount   int                             `json:"replicaCount"`
	PDB            helm.PodDisruptionBudget        `json:"podDisruptionBudget"`
	App            trustApp                        `json:"app"`
	DefaultPackage enabled                         `json:"defaultPackage"`
	SecretTargets  enabled                         `json:"secretTargets"`
	CRDs           trustCRDs                       `json:"crds"`
	Tolerations    []helm.Toleration               `json:"tolerations"`
	Spread         []helm.TopologySpreadConstraint `json:"topologySpreadConstraints,omitempty"`
	CommonLabels   map[string]string               `json:"commonLabels"`
}

type trustApp struct {
	Trust            trustNamespace `json:"trust"`
	TargetNamespaces []string       `json:"targetNamespaces"`
}

type trustNamespace struct {
	Namespace string `json:"namespace"`
}

type trustCRDs struct {
	Enabled bool `json:"enabled"`
	Keep    bool `json:"keep"`
}

func (r Resolved) trustManagerValues() trustManagerValues {
	v := trustManagerValues{
		ReplicaCount:   1,
		App:            trustApp{Trust: trustNamespace{Namespace: certmanager.Namespace}, TargetNamespaces: []string{Namespace}},
		DefaultPackage: enabled{Enabled: false},
		SecretTargets:  enabled{Enabled: false},
		CRDs:           trustCRDs{Enabled: true, Keep: true},
		Tolerations:    []helm.Toleration{helm.SystemPoolToleration},
		CommonLabels:   r.labels,
	}
	if r.ha {
		pods := map[string]string{"app.kubernetes.io/name": "trust-manager"}
		v.ReplicaCount, v.PDB = helm.DefaultReplicas, helm.PodDisruptionBudget{Enabled: true, MaxUnavailable: 1}
		v.Spread = helm.ZoneSpread(pods)
	}
	return v
}

// bundleSpec is a trust-manager Bundle's spec: the anchors' certificates
// into a ConfigMap of the namespaces its selector names.
type bundleSpec struct {
	Sources []bundleSource `json:"sources"`
	Target  bundleTarget   `json:"target"`
}

type bundleSource struct {
	Secret secretKey `json:"secret"`
}

type secretKey struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}

type bundleTarget struct {
	ConfigMap         configMapKey       `json:"configMap"`
	NamespaceSelector helm.LabelSelector `json:"namespaceSelector"`
}

type configMapKey struct {
	Key string `json:"key"`
}

// bundle is the trust roots' Bundle: the anchor's certificate (tls.crt,
// never tls.key) and, during a rotation, the previous one's.
func (r Resolved) bundle() bundleSpec {
	sources := []bundleSource{{Secret: secretKey{Name: TrustAnchorSecret, Key: "tls.crt"}}}
	if r.args.KeepPreviousAnchor {
		sources = append(sources, bundleSource{Secret: secretKey{Name: PreviousAnchorSecret, Key: "tls.crt"}})
	}
	return bundleSpec{Sources: sources, Target: bundleTarget{
		ConfigMap:         configMapKey{Key: TrustRootsKey},
		NamespaceSelector: helm.LabelSelector{MatchLabels: map[string]string{"linkerd.io/is-control-plane": "true"}},
	}}
}
