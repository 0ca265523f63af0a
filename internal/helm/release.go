package helm

import (
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// PodSecurity is a Kubernetes Pod Security Standards level, enforced on a
// release's namespace.
type PodSecurity string

// The Pod Security Standards levels.
const (
	Restricted PodSecurity = "restricted"
	Baseline   PodSecurity = "baseline"
	Privileged PodSecurity = "privileged"
)

// Release is one chart installation.
type Release struct {
	// Chart is the pinned chart (see versions.go).
	Chart Chart
	// Name is the Helm release name; it is fixed, never auto-named, so that
	// object names in the cluster are stable.
	Name string
	// Namespace is created with the release and labeled with Labels and
	// the PodSecurity level.
	Namespace   string
	PodSecurity PodSecurity
	// Values is the chart's typed values struct (see Encode).
	Values any
	// Raw are the user's raw values; see Merge. RawPath is where they sit
	// in the user's Args, for errors.
	Raw     map[string]any
	RawPath field.Path
	// Labels go on the namespace (team, environment, managed-by).
	Labels map[string]string
}

// Installed is a release and its namespace.
type Installed struct {
	Namespace *corev1.Namespace
	Release   *ReleaseResource
}

// ReleaseType is the Pulumi type of a Helm release, served by the
// Kubernetes provider.
const ReleaseType = "kubernetes:helm.sh/v3:Release"

// ReleaseResource is a registered Helm release (the provider's
// helm.sh/v3 Release). Plinth registers it itself rather than through the
// SDK's helm/v3 package: that package also holds the old Chart resource,
// whose YAML support pulls every Kubernetes API package into the build
// (about 200 s and 2 GB more on a cold build of any component).
type ReleaseResource struct {
	pulumi.CustomResourceState

	// Name and Namespace are the release's.
	Name      pulumi.StringOutput `pulumi:"name"`
	Namespace pulumi.StringOutput `pulumi:"namespace"`
	// Status is what Helm reports: name, namespace, chart, version,
	// appVersion, status ("deployed") and revision.
	Status pulumi.MapOutput `pulumi:"status"`
}

// releaseInputs are the Release inputs Plinth sets, by their provider
// names.
type releaseInputs struct {
	Name           string             `json:"name"`
	Namespace      pulumi.StringInput `json:"namespace"`
	Chart          string             `json:"chart"`
	Version        string             `json:"version"`
	RepositoryOpts repositoryOpts     `json:"repositoryOpts"`
	Values         pulumi.Map         `json:"values"`
	Atomic         bool               `json:"atomic"`
	CleanupOnFail  bool               `json:"cleanupOnFail"`
	MaxHistory     int                `json:"maxHistory"`
	Timeout        int                `json:"timeout"`
	// Compat is what the SDK's NewRelease always sends ("true"); the
	// provider expects it from current SDKs.
	Compat string `json:"compat"`
}

type repositoryOpts struct {
	Repo string `json:"repo"`
}

// TimeoutSeconds bounds one install or upgrade; Atomic rolls a failed one
// back to the previous revision.
const TimeoutSeconds = 600

// MaxHistory is how many Helm revisions are kept for `helm rollback`.
const MaxHistory = 10

// FinalValues returns the release's final Helm values: the typed values with
// the raw ones merged in. It fails, naming the path, when a raw value
// collides with a typed one.
func (r Release) FinalValues() (pulumi.Map, error) {
	return Merge(Encode(r.Values), r.Raw, r.RawPath)
}

// Install creates the release's namespace and the helm/v3.Release, named
// "<component>-namespace" and "<component>-release" and parented by opts
// (which carry the cluster's Kubernetes provider). Validate values with
// FinalValues before registering anything.
func Install(ctx *pulumi.Context, component string, r Release, opts ...pulumi.ResourceOption) (*Installed, error) {
	values, err := r.FinalValues()
	if err != nil {
		return nil, err
	}
	labels := platform.Tags(r.Labels).Merge(map[string]string{
		"pod-security.kubernetes.io/enforce": string(r.PodSecurity),
		"pod-security.kubernetes.io/warn":    string(r.PodSecurity),
	})
	ns, err := corev1.NewNamespace(ctx, platform.ChildName(component, "namespace"), &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:   pulumi.String(r.Namespace),
			Labels: pulumi.ToStringMap(labels),
		},
	}, opts...)
	if err != nil {
		return nil, err
	}
	rel, err := register(ctx, component, r, values, ns.Metadata.Name().Elem(), opts...)
	if err != nil {
		return nil, err
	}
	return &Installed{Namespace: ns, Release: rel}, nil
}

// InstallInto creates the release "<component>-release" in namespace, which
// exists already (made by another component, or with labels of its own):
// Install without the namespace. r.Namespace, r.PodSecurity and r.Labels
// are not used.
func InstallInto(ctx *pulumi.Context, component string, r Release, namespace pulumi.StringInput, opts ...pulumi.ResourceOption) (*ReleaseResource, error) {
	values, err := r.FinalValues()
	if err != nil {
		return nil, err
	}
	return register(ctx, component, r, values, namespace, opts...)
}

// register registers r's helm/v3.Release with values in namespace.
func register(ctx *pulumi.Context, component string, r Release, values pulumi.Map, namespace pulumi.StringInput, opts ...pulumi.ResourceOption) (*ReleaseResource, error) {
	var rel ReleaseResource
	err := ctx.RegisterResource(ReleaseType, platform.ChildName(component, "release"), Encode(releaseInputs{
		Name:           r.Name,
		Namespace:      namespace,
		Chart:          r.Chart.Name,
		Version:        r.Chart.Version,
		RepositoryOpts: repositoryOpts{Repo: r.Chart.Repo},
		Values:         values,
		Atomic:         true,
		CleanupOnFail:  true,
		MaxHistory:     MaxHistory,
		Timeout:        TimeoutSeconds,
		Compat:         "true",
	}), &rel, opts...)
	if err != nil {
		return nil, err
	}
	return &rel, nil
}
