package helm

// Every chart and image the platform installs is pinned here and nowhere
// else, so that one file shows what a platform runs and a bump is a
// one-line, reviewable change (it shows in every stack's snapshot as the
// release's version). The "renovate:" comments let a Renovate custom regex
// manager propose bumps.

// Chart identifies one chart version in one repository.
type Chart struct {
	// Name is the chart's name in its repository.
	Name string
	// Repo is the chart repository URL.
	Repo string
	// Version is the exact chart version; ranges are never used.
	Version string
}

// The pinned charts.
var (
	// Traefik is the default ingress controller: Ingress API and Gateway API.
	// renovate: datasource=helm depName=traefik registryUrl=https://traefik.github.io/charts
	Traefik = Chart{Name: "traefik", Repo: "https://traefik.github.io/charts", Version: "37.3.0"}

	// IngressNginx is kept only as a migration option: the project was
	// retired upstream in March 2026 and gets no more releases or fixes.
	// renovate: datasource=helm depName=ingress-nginx registryUrl=https://kubernetes.github.io/ingress-nginx
	IngressNginx = Chart{Name: "ingress-nginx", Repo: "https://kubernetes.github.io/ingress-nginx", Version: "4.15.1"}

	// CertManager issues certificates; its CRDs are installed by the chart.
	// renovate: datasource=helm depName=cert-manager registryUrl=https://charts.jetstack.io
	CertManager = Chart{Name: "cert-manager", Repo: "https://charts.jetstack.io", Version: "v1.19.1"}

	// ExternalDNS writes the DNS records of the teams' routes into the
	// environment's zone.
	// renovate: datasource=helm depName=external-dns registryUrl=https://kubernetes-sigs.github.io/external-dns/
	ExternalDNS = Chart{Name: "external-dns", Repo: "https://kubernetes-sigs.github.io/external-dns/", Version: "1.19.0"}

	// LinkerdCRDs, LinkerdControlPlane and LinkerdCNI are the optional
	// service mesh (components/mesh): Linkerd's edge channel, the only
	// open-source release channel since February 2024 (edge-26.8.3). The
	// three are bumped together.
	// renovate: datasource=helm depName=linkerd-crds registryUrl=https://helm.linkerd.io/edge
	LinkerdCRDs = Chart{Name: "linkerd-crds", Repo: "https://helm.linkerd.io/edge", Version: "2026.8.3"}
	// renovate: datasource=helm depName=linkerd-control-plane registryUrl=https://helm.linkerd.io/edge
	LinkerdControlPlane = Chart{Name: "linkerd-control-plane", Repo: "https://helm.linkerd.io/edge", Version: "2026.8.3"}
	// renovate: datasource=helm depName=linkerd2-cni registryUrl=https://helm.linkerd.io/edge
	LinkerdCNI = Chart{Name: "linkerd2-cni", Repo: "https://helm.linkerd.io/edge", Version: "2026.8.3"}

	// TrustManager distributes the mesh's trust anchor (components/mesh).
	// renovate: datasource=helm depName=trust-manager registryUrl=https://charts.jetstack.io
	TrustManager = Chart{Name: "trust-manager", Repo: "https://charts.jetstack.io", Version: "v0.24.0"}

	// Velero backs up cluster objects and volumes.
	// renovate: datasource=helm depName=velero registryUrl=https://vmware-tanzu.github.io/helm-charts
	Velero = Chart{Name: "velero", Repo: "https://vmware-tanzu.github.io/helm-charts", Version: "11.1.1"}
)

// The pinned images charts do not choose themselves: Velero's cloud
// plugins, which must match the Velero version of the chart above.
const (
	// renovate: datasource=docker depName=velero/velero-plugin-for-microsoft-azure
	VeleroPluginAzure = "velero/velero-plugin-for-microsoft-azure:v1.13.0"
	// renovate: datasource=docker depName=velero/velero-plugin-for-gcp
	VeleroPluginGCP = "velero/velero-plugin-for-gcp:v1.13.0"
)

// SystemImages are the images the pinned charts and plugins above run,
// as image name patterns ("<registry>/<path>", an optional trailing "*"):
// what a control that covers the whole cluster, not only the team
// namespaces (Binary Authorization on GKE), must admit beside the
// environment's registry. Docker Hub's images appear both as charts write
// them and as Docker normalizes them ("docker.io/library/..."). A chart
// bump that brings a new image adds it here.
var SystemImages = []string{
	// traefik: image.registry docker.io, image.repository traefik.
	"docker.io/traefik:*",
	"docker.io/library/traefik:*",
	// cert-manager: controller, webhook, cainjector, startupapicheck and
	// the ACME solver.
	"quay.io/jetstack/cert-manager-*",
	// external-dns: the chart's default image.
	"registry.k8s.io/external-dns/external-dns:*",
	// velero: the server, its cloud plugins and the chart's kubectl job
	// (the chart's default image since it left bitnami/kubectl).
	"docker.io/velero/velero:*",
	"docker.io/velero/velero-plugin-for-*",
	"docker.io/bitnamilegacy/kubectl:*",
}

// MeshImages are the images of the optional service mesh
// (components/mesh), as SystemImages writes them, admitted beside
// SystemImages where the mesh runs: Linkerd's controller, its proxy (which
// also runs each meshed pod's network validator) and its CNI plugin, and
// trust-manager.
var MeshImages = []string{
	"cr.l5d.io/linkerd/controller:*",
	"cr.l5d.io/linkerd/proxy:*",
	"cr.l5d.io/linkerd/cni-plugin:*",
	"quay.io/jetstack/trust-manager:*",
}

// MeshProxyImage is the image Linkerd injects into every meshed pod (its
// proxy and its network validator), as an image prefix: the team
// guardrails admit it in a namespace that joins the mesh.
const MeshProxyImage = "cr.l5d.io/linkerd/proxy:"
