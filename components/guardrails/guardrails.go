package guardrails

import (
	"errors"
	"slices"
	"strings"

	admissionv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/admissionregistration/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/cluster"
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
	// AllowedRegistries are the image prefixes teams may pull from, each
	// a registry host and path ending in "/", e.g. "acmeprod.azurecr.io/"
	// or "europe-west1-docker.pkg.dev/acme-prod/apps/". Unset: the
	// registry rule is not bound (the environment's registry, issue 20,
	// fills it).
	AllowedRegistries []string
}

// Guardrails is the component resource.
type Guardrails struct {
	pulumi.ResourceState

	// Mode is the mode of every binding.
	Mode Mode
	// Policies are the policies bound, in Policies order.
	Policies []Policy
}

// Resolved is the guardrails' settings, validated and completed against
// the target: what New creates. Only Args.Resolve makes one.
type Resolved struct {
	name   string
	args   Args
	labels map[string]string
}

// Spec returns the completed settings.
func (r Resolved) Spec() Args { return r.args }

// Policies returns the policies New binds.
func (r Resolved) Policies() []Policy { return Policies(r.args.AllowedRegistries) }

// Resolve validates a against t and the cluster c the rules run in,
// applies the defaults and returns what New creates; path roots the field
// paths of its errors. It is pure: it registers nothing.
func (a Args) Resolve(name string, path field.Path, t platform.Target, c platform.ClusterSpec) (Resolved, error) {
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
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	return Resolved{name: name, args: r, labels: c.Tags.Merge(map[string]string{"managed-by": platform.ManagedBy})}, nil
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
// of host, children of the component.
func New(ctx *pulumi.Context, r Resolved, host cluster.Host, opts ...pulumi.ResourceOption) (*Guardrails, error) {
	if r.name == "" {
		return nil, errors.New("guardrails: not resolved; pass what Args.Resolve returns")
	}
	if err := cluster.CheckHost("guardrails", r.name, host); err != nil {
		return nil, err
	}
	g := &Guardrails{Mode: r.args.Mode, Policies: r.Policies()}
	if err := ctx.RegisterComponentResource(TypeToken, r.name, g, opts...); err != nil {
		return nil, err
	}
	k8s := []pulumi.ResourceOption{pulumi.Parent(g), pulumi.Provider(host.KubernetesProvider())}
	names := pulumi.StringArray{}
	for _, p := range g.Policies {
		if err := p.New(ctx, r.name, r.labels, nil, binding(r.args.Mode), k8s...); err != nil {
			return nil, err
		}
		names = append(names, pulumi.String(p.Name))
	}
	return g, ctx.RegisterResourceOutputs(g, pulumi.Map{"mode": pulumi.String(string(g.Mode)), "policies": names})
}

// binding binds a policy to the team namespaces, the namespaces the
// tenancy policies hold (accesspackage.TenancyNamespaceSelector), with
// mode's validation actions.
func binding(mode Mode) func(policy pulumi.StringInput) *admissionv1.ValidatingAdmissionPolicyBindingSpecArgs {
	return func(policy pulumi.StringInput) *admissionv1.ValidatingAdmissionPolicyBindingSpecArgs {
		return &admissionv1.ValidatingAdmissionPolicyBindingSpecArgs{
			PolicyName:        policy,
			MatchResources:    &admissionv1.MatchResourcesArgs{NamespaceSelector: accesspackage.TenancyNamespaceSelector()},
			ValidationActions: pulumi.ToStringArray(mode.ValidationActions()),
		}
	}
}
