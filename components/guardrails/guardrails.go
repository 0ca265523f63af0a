package guardrails

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	admissionv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/admissionregistration/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/internal/admission"
	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// TypeToken is the Pulumi type of the Guardrails component.
const TypeToken = "plinth:components:Guardrails"

// Args are the guardrails' settings: plain data, the same in Go and YAML.
// Every field has a default.
type Args struct {
	// Mode is ModeEnforce (deny what breaks a rule) or ModeAudit (admit
	// it with a warning and an audit annotation). Production refuses
	// ModeAudit. Unset: DefaultMode; the dev profile sets ModeAudit.
	Mode Mode
	// AllowedRegistries are image prefixes teams may pull from beside the
	// environment's registry (components/registry), each a registry host
	// and path ending in "/", e.g. "mcr.microsoft.com/dotnet/" or
	// "europe-west1-docker.pkg.dev/acme-shared/base-images/". Unset: the
	// environment's registry only. Without a registry and with none
	// listed, the registry rule is not bound, which production refuses.
	AllowedRegistries []string
	// Attestors are the image attestors whose attestation every team
	// image needs at admission, where the cloud verifies attestations
	// (GKE's Binary Authorization: "projects/<project>/attestors/<name>");
	// the platform's own images are admitted by name (helm.SystemImages).
	// A cloud without attestation refuses them. Unset: images from the
	// platform's registries need no attestation.
	Attestors []string
}

// Guardrails is the component resource.
type Guardrails struct {
	pulumi.ResourceState

	// Mode is the mode of every binding.
	Mode Mode
	// Policies are the policies bound, in Policies order.
	Policies []Policy
	// Controls are the cloud's own controls over the same rules
	// (platform.WorkloadPolicyBackend), in platform.WorkloadRules order.
	Controls []platform.WorkloadControl
}

// Resolved is the guardrails' settings, validated and completed against
// the target: what New creates. Only Args.Resolve makes one.
type Resolved struct {
	name     string
	args     Args
	registry bool
	mesh     bool
	platform []string
	labels   map[string]string
	tags     platform.Tags
}

// WithPlatformNamespaces returns r whose cloud controls over the team
// namespaces also leave out namespaces, the platform's own services'
// beyond the well-known ones (a custom ingress namespace, the mesh's).
func (r Resolved) WithPlatformNamespaces(namespaces ...string) Resolved {
	r.platform = append(slices.Clone(r.platform), namespaces...)
	return r
}

// WithMesh returns r for a cluster whose team namespaces may join the
// service mesh (components/mesh): the registries rule and the cloud's
// controls over the team namespaces admit the proxy the mesh injects into
// their pods (helm.MeshProxyImage), and the cloud's whole-cluster control
// the mesh's own images (helm.MeshImages).
func (r Resolved) WithMesh() Resolved {
	r.mesh = true
	return r
}

// Spec returns the completed settings.
func (r Resolved) Spec() Args { return r.args }

// Policies returns the policies New binds.
func (r Resolved) Policies() []Policy { return Policies(r.registries()) }

// registries reports whether the registry rule is bound: images come from
// the environment's registry, or from listed ones.
func (r Resolved) registries() bool { return r.registry || len(r.args.AllowedRegistries) > 0 }

// Resolve validates a against t and the cluster c the rules run in,
// applies the defaults and returns what New creates; path roots the field
// paths of its errors. registry reports whether the environment has a
// registry of its own, whose prefix New then receives. It is pure: it
// registers nothing.
func (a Args) Resolve(name string, path field.Path, t platform.Target, c platform.ClusterSpec, registry bool) (Resolved, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	r := a.withDefaults()
	switch {
	case !slices.Contains(Modes, r.Mode):
		errs.Addf(path.Child("mode"), string(a.Mode), "must be %q or %q", ModeEnforce, ModeAudit)
	case t.Production && r.Mode != ModeEnforce:
		errs.Addf(path.Child("mode"), string(a.Mode), "production enforces the workload rules; set mode to %q (or leave it unset)", ModeEnforce)
	}
	for i, reg := range r.AllowedRegistries {
		p := path.Child("allowedRegistries").Index(i)
		if msg := checkRegistry(reg); msg != "" {
			errs.Addf(p, reg, "%s", msg)
		} else if j := slices.Index(r.AllowedRegistries[:i], reg); j >= 0 {
			errs.Addf(p, reg, "repeats %s; list each registry once", path.Child("allowedRegistries").Index(j))
		}
	}
	if t.Production && !registry && len(r.AllowedRegistries) == 0 {
		errs.Add(field.Required(path.Child("allowedRegistries"), "production admits images only from the platform's registries; add registry to the environment (an empty mapping creates one), or list the registries here"))
	}
	// The cloud's own checks of the attestors, before anything exists.
	check := platform.WorkloadPolicySpec{Name: name, Cluster: &platform.ClusterOutputs{}, Registries: []pulumi.StringInput{pulumi.String("")}, Attestors: r.Attestors}
	for _, e := range check.Validate(path, t.Cloud) {
		if strings.HasPrefix(string(e.Path), string(path.Child("attestors"))) {
			errs.Add(e)
		}
	}
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	return Resolved{
		name: name, args: r, registry: registry,
		labels: c.Tags.Merge(map[string]string{"managed-by": platform.ManagedBy}),
		tags:   c.Tags.Merge(),
	}, nil
}

// checkRegistry returns what is wrong with an allowed registry prefix, or
// "".
func checkRegistry(reg string) string {
	const example = `e.g. "acmeprod.azurecr.io/" or "europe-west1-docker.pkg.dev/acme-prod/apps/"`
	host, _, _ := strings.Cut(reg, "/")
	switch {
	case strings.Contains(reg, "://"):
		return "write the registry without a scheme, " + example
	case reg != strings.ToLower(reg):
		return "write registries in lowercase, as image references do, " + example
	case strings.Trim(reg, "abcdefghijklmnopqrstuvwxyz0123456789.-_/:") != "":
		return "not a registry prefix: use lowercase letters, digits, '.', '-', '_', ':' and '/', " + example
	case !strings.HasSuffix(reg, "/") || strings.Contains(reg, "//"):
		return "end the prefix with \"/\" (and no empty path segment), so that \"acme.azurecr.io\" does not also allow \"acme.azurecr.io.evil.example\"; " + example
	case !strings.Contains(host, ".") && !strings.HasPrefix(host, "localhost"):
		return "start with the registry's host name (it has a dot), " + example
	}
	return ""
}

// New creates the policies r describes and their bindings in the cluster
// of host, children of the component, and through backend the cloud's own
// controls over the same rules (platform.WorkloadPolicyBackend). registry
// is the environment's registry's prefix (components/registry's
// Registry.Prefix) when r was resolved with one, nil otherwise.
func New(ctx *pulumi.Context, r Resolved, backend platform.WorkloadPolicyBackend, host cluster.Host, registry pulumi.StringInput, opts ...pulumi.ResourceOption) (*Guardrails, error) {
	switch {
	case r.name == "":
		return nil, errors.New("guardrails: not resolved; pass what Args.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("guardrails %q: no backend; pass the backend the cluster was created with", r.name)
	case r.registry && registry == nil:
		return nil, fmt.Errorf("guardrails %q: resolved with the environment's registry, and given none; pass its Registry.Prefix", r.name)
	case !r.registry && registry != nil:
		return nil, fmt.Errorf("guardrails %q: given a registry, and resolved without one; resolve with registry true", r.name)
	}
	if err := cluster.CheckHost("guardrails", r.name, host); err != nil {
		return nil, err
	}
	g := &Guardrails{Mode: r.args.Mode, Policies: r.Policies()}
	if err := ctx.RegisterComponentResource(TypeToken, r.name, g, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(g), pulumi.Provider(host.KubernetesProvider())}
	var registries []pulumi.StringInput
	if registry != nil {
		registries = append(registries, registry)
	}
	for _, reg := range r.args.AllowedRegistries {
		registries = append(registries, pulumi.String(reg))
	}
	system, injected := slices.Clone(helm.SystemImages), []string(nil)
	admitted := registries
	if r.mesh {
		system = append(system, helm.MeshImages...)
		injected = []string{helm.MeshProxyImage + "*"}
		admitted = append(slices.Clone(registries), pulumi.String(helm.MeshProxyImage))
	}
	names := pulumi.StringArray{}
	for _, p := range g.Policies {
		var params *admission.ParamKind
		bind := binding(r.args.Mode, nil)
		if p.Name == RegistriesPolicyName {
			if err := newRegistriesParams(ctx, r, admitted, k8s); err != nil {
				return nil, err
			}
			params, bind = registriesParams, binding(r.args.Mode, &admissionv1.ParamRefArgs{
				Name:      pulumi.String(RegistriesParamsName),
				Namespace: pulumi.String(RegistriesParamsNamespace),
				// Without its list the rule refuses every image: a deleted
				// ConfigMap never opens the cluster to any registry.
				ParameterNotFoundAction: pulumi.String("Deny"),
			})
		}
		if err := p.New(ctx, r.name, r.labels, params, bind, k8s...); err != nil {
			return nil, err
		}
		names = append(names, pulumi.String(p.Name))
	}
	if len(registries) > 0 {
		out, err := backend.NewWorkloadPolicy(ctx, platform.WorkloadPolicySpec{
			Name:               r.name,
			Cluster:            host.ClusterOutputs(),
			Enforce:            r.args.Mode == ModeEnforce,
			Registries:         registries,
			SystemImages:       system,
			InjectedImages:     injected,
			PlatformNamespaces: slices.Clone(r.platform),
			Attestors:          slices.Clone(r.args.Attestors),
			Tags:               r.tags,
		}, pulumi.Parent(g))
		if err != nil {
			return nil, fmt.Errorf("guardrails %q: %w", r.name, err)
		}
		g.Controls = out.Controls
	}
	return g, ctx.RegisterResourceOutputs(g, pulumi.Map{"mode": pulumi.String(string(g.Mode)), "policies": names})
}

// newRegistriesParams creates the registries policy's parameters: the
// prefixes, joined by ','.
func newRegistriesParams(ctx *pulumi.Context, r Resolved, registries []pulumi.StringInput, opts []pulumi.ResourceOption) error {
	list := make([]any, len(registries))
	for i, reg := range registries {
		list[i] = reg
	}
	joined := pulumi.All(list...).ApplyT(func(v []any) string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = x.(string)
		}
		return strings.Join(s, ",")
	}).(pulumi.StringOutput)
	_, err := corev1.NewConfigMap(ctx, platform.ChildName(r.name, "guardrails-registries"), &corev1.ConfigMapArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(RegistriesParamsName),
			Namespace: pulumi.String(RegistriesParamsNamespace),
			Labels:    pulumi.ToStringMap(r.labels),
		},
		Data: pulumi.StringMap{RegistriesKey: joined},
	}, opts...)
	return err
}

// binding binds a policy to the team namespaces, the namespaces the
// tenancy policies hold (accesspackage.TenancyNamespaceSelector), with
// mode's validation actions and params, when set, as its parameters.
func binding(mode Mode, params *admissionv1.ParamRefArgs) func(policy pulumi.StringInput) *admissionv1.ValidatingAdmissionPolicyBindingSpecArgs {
	return func(policy pulumi.StringInput) *admissionv1.ValidatingAdmissionPolicyBindingSpecArgs {
		return &admissionv1.ValidatingAdmissionPolicyBindingSpecArgs{
			PolicyName:        policy,
			ParamRef:          params,
			MatchResources:    &admissionv1.MatchResourcesArgs{NamespaceSelector: accesspackage.TenancyNamespaceSelector()},
			ValidationActions: pulumi.ToStringArray(mode.ValidationActions()),
		}
	}
}
