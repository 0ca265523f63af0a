package gke_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/gke"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	repositoryType = "gcp:artifactregistry/repository:Repository"
	repoMemberType = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember"
	serviceType    = "gcp:projects/service:Service"
	binauthzType   = "gcp:binaryauthorization/policy:Policy"
	pusherCI       = "ci-images@acme-ci.iam.gserviceaccount.com"
	pusherRelease  = "release@" + project + ".iam.gserviceaccount.com"
	registryPrefix = "europe-west1-docker.pkg.dev/" + project + "/registry/"
	ciAttestor     = "projects/" + project + "/attestors/built-by-ci"
)

// registryResult is a rendered registry and workload policy: the
// snapshot, the resolved outputs and the backend's errors.
type registryResult struct {
	snap                   *platformtest.Snapshot
	registryErr, policyErr error

	mu         sync.Mutex
	id, prefix string
	controls   []platform.WorkloadControl
}

// renderRegistry renders the prod cluster, under a component "registry"
// the registry of spec (registrySpec, edited by mutate), and, when policy
// is not nil, under a component "guardrails" the workload policy of
// *policy, whose registries are the registry's prefix and then its own.
func renderRegistry(t *testing.T, mutate func(*platform.RegistrySpec), policy *platform.WorkloadPolicySpec) *registryResult {
	t.Helper()
	res := &registryResult{}
	r := renderStack(t, nil, func(ctx *pulumi.Context, b *gke.Backend, _ platform.ClusterSpec, out *platform.ClusterOutputs, _ *rendered) error {
		parent := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:Registry", "registry", parent); err != nil {
			return err
		}
		spec := registrySpec(out)
		if mutate != nil {
			mutate(&spec)
		}
		reg, err := b.NewRegistry(ctx, spec, pulumi.Parent(parent))
		if err != nil {
			res.registryErr = err
			return nil
		}
		capture := func(o pulumi.StringOutput, dst *string) {
			o.ApplyT(func(v string) string { res.mu.Lock(); defer res.mu.Unlock(); *dst = v; return v })
		}
		capture(reg.ID, &res.id)
		capture(reg.Prefix, &res.prefix)
		if policy == nil {
			return nil
		}
		gp := &testComponent{}
		if err := ctx.RegisterComponentResource("plinth:test:Guardrails", "guardrails", gp); err != nil {
			return err
		}
		ps := *policy
		ps.Cluster = out
		ps.Registries = append([]pulumi.StringInput{reg.Prefix}, ps.Registries...)
		wp, err := b.NewWorkloadPolicy(ctx, ps, pulumi.Parent(gp))
		if err != nil {
			res.policyErr = err
			return nil
		}
		res.controls = wp.Controls
		return nil
	})
	res.snap = r.snap
	return res
}

// registrySpec is production's registry: locked, with two pushers and a
// 30-day retention of untagged versions.
func registrySpec(out *platform.ClusterOutputs) platform.RegistrySpec {
	return platform.RegistrySpec{
		Name:                  "registry",
		Cluster:               out,
		Private:               true,
		Pushers:               []string{pusherCI, pusherRelease},
		UntaggedRetentionDays: 30,
		Locked:                true,
		Tags:                  platform.Tags{"environment": "prod", "managed-by": "plinth"},
	}
}

// TestRegistryRepository: production's repository is a standard Docker
// repository in the backend's region, labeled, with immutable tags and a
// cleanup policy of untagged versions, protected and retained, after the
// Container Scanning API; its ID and prefix are GCP's.
func TestRegistryRepository(t *testing.T) {
	r := renderRegistry(t, nil, nil)
	if r.registryErr != nil {
		t.Fatal(r.registryErr)
	}
	repo := find(t, r.snap, repositoryType, "registry-repository")
	expect(t, repo, "project", project)
	expect(t, repo, "location", "europe-west1")
	expect(t, repo, "repositoryId", "registry")
	expect(t, repo, "format", "DOCKER")
	expect(t, repo, "mode", "STANDARD_REPOSITORY")
	expect(t, repo, "labels", map[string]string{"environment": "prod", "managed-by": "plinth"})
	expect(t, repo, "dockerConfig.immutableTags", true)
	expect(t, repo, "cleanupPolicyDryRun", false)
	policy := platformtest.At(t, platformtest.Input(t, repo, "cleanupPolicies"), 0)
	want := map[string]any{"id": "delete-untagged", "action": "DELETE", "condition": map[string]any{"tagState": "UNTAGGED", "olderThan": "2592000s"}}
	if fmt.Sprint(policy) != fmt.Sprint(want) {
		t.Errorf("cleanup policy %v, want %v", policy, want)
	}
	if !repo.Protect || !repo.RetainOnDelete {
		t.Errorf("locked repository: protect %v, retainOnDelete %v", repo.Protect, repo.RetainOnDelete)
	}
	if p := r.snap.ByURN(repo.Parent); p == nil || p.Name != "registry" {
		t.Errorf("repository parent %q, want the registry component", repo.Parent)
	}

	scanning := find(t, r.snap, serviceType, "registry-container-scanning")
	expect(t, scanning, "project", project)
	expect(t, scanning, "service", "containerscanning.googleapis.com")
	expect(t, scanning, "disableOnDestroy", false)
	expect(t, scanning, "disableDependentServices", false)
	if !slices.Contains(repo.DependsOn, scanning.URN) {
		t.Error("the repository does not wait for the Container Scanning API: its first images would go unscanned")
	}

	if r.id != "projects/"+project+"/locations/europe-west1/repositories/registry" {
		t.Errorf("ID %q", r.id)
	}
	if r.prefix != registryPrefix {
		t.Errorf("prefix %q, want %q", r.prefix, registryPrefix)
	}
}

// TestRegistryGrants: the nodes read, and each pusher writes, on the
// repository and nowhere else; the project holds no Artifact Registry
// role of anyone.
func TestRegistryGrants(t *testing.T) {
	r := renderRegistry(t, nil, nil)
	if r.registryErr != nil {
		t.Fatal(r.registryErr)
	}
	want := map[string][2]string{
		"registry-nodes-reader":            {"roles/artifactregistry.reader", "serviceAccount:" + nodeSA},
		"registry-pusher-" + pusherCI:      {"roles/artifactregistry.writer", "serviceAccount:" + pusherCI},
		"registry-pusher-" + pusherRelease: {"roles/artifactregistry.writer", "serviceAccount:" + pusherRelease},
	}
	members := r.snap.OfType(repoMemberType)
	if len(members) != len(want) {
		t.Errorf("%d repository members, want %d", len(members), len(want))
	}
	for name, w := range want {
		m := find(t, r.snap, repoMemberType, name)
		expect(t, m, "role", w[0])
		expect(t, m, "member", w[1])
		expect(t, m, "repository", "registry")
		expect(t, m, "location", "europe-west1")
		expect(t, m, "project", project)
	}
	for _, m := range r.snap.OfType(iamMember) {
		if role := platformtest.Input(t, m, "role").(string); strings.HasPrefix(role, "roles/artifactregistry.") {
			t.Errorf("%s: %s on the project; Artifact Registry roles belong on the repository", m.Name, role)
		}
	}
}

// TestRegistryUnlocked: a non-production registry moves tags, keeps
// untagged versions, and is neither protected nor retained.
func TestRegistryUnlocked(t *testing.T) {
	r := renderRegistry(t, func(s *platform.RegistrySpec) {
		s.Locked, s.UntaggedRetentionDays, s.Pushers, s.Private = false, 0, nil, false
	}, nil)
	if r.registryErr != nil {
		t.Fatal(r.registryErr)
	}
	repo := find(t, r.snap, repositoryType, "registry-repository")
	expect(t, repo, "dockerConfig.immutableTags", false)
	if _, ok := repo.Input("cleanupPolicies"); ok {
		t.Error("retention 0, yet a cleanup policy")
	}
	if repo.Protect || repo.RetainOnDelete {
		t.Errorf("unlocked repository: protect %v, retainOnDelete %v", repo.Protect, repo.RetainOnDelete)
	}
	if n := len(r.snap.OfType(repoMemberType)); n != 1 {
		t.Errorf("%d repository members, want the nodes' reader alone", n)
	}
}

// TestRegistryRefusesBeforeRegistering: every problem is reported at once
// and nothing of the registry is registered.
func TestRegistryRefusesBeforeRegistering(t *testing.T) {
	r := renderRegistry(t, func(s *platform.RegistrySpec) {
		s.Pushers = []string{"ci@acme.example", pusherCI, pusherCI}
		s.UntaggedRetentionDays = -1
	}, nil)
	if r.registryErr == nil {
		t.Fatal("accepted")
	}
	for _, w := range []string{
		`registry.pushers[0] "ci@acme.example": not a service account email, e.g. "ci-images@acme-prod.iam.gserviceaccount.com"`,
		`registry.pushers[2] "` + pusherCI + `": repeats registry.pushers[1]`,
		"registry.untaggedRetentionDays -1: must be 0..365",
	} {
		if !strings.Contains(r.registryErr.Error(), w) {
			t.Errorf("error\n%v\nwant\n%s", r.registryErr, w)
		}
	}
	for _, typ := range []string{repositoryType, repoMemberType, serviceType} {
		if n := len(r.snap.OfType(typ)); n != 0 {
			t.Errorf("%d %s registered before the spec was valid", n, typ)
		}
	}
}

func policySpec(enforce bool, attestors ...string) *platform.WorkloadPolicySpec {
	return &platform.WorkloadPolicySpec{
		Name:         "guardrails",
		Enforce:      enforce,
		Registries:   []pulumi.StringInput{pulumi.String("ghcr.io/acme/")},
		SystemImages: []string{"quay.io/jetstack/cert-manager-*", "docker.io/velero/velero-plugin-for-*"},
		Attestors:    attestors,
	}
}

// TestWorkloadPolicy: the project's Binary Authorization policy in each
// case: the allowlist (the system images as given, and the registries'
// prefixes with "**" only without attestors, the registry's resolved from
// NewRegistry's output), the default rule and its enforcement, Google's
// global policy, and retention (always) and protection (when enforced).
func TestWorkloadPolicy(t *testing.T) {
	system := []any{"quay.io/jetstack/cert-manager-*", "docker.io/velero/velero-plugin-for-*"}
	tests := []struct {
		name      string
		spec      *platform.WorkloadPolicySpec
		patterns  []any
		eval      string
		attestors []any
		enforce   string
		effect    string
	}{
		{"enforced", policySpec(true), append(slices.Clone(system), registryPrefix+"**", "ghcr.io/acme/**"),
			"ALWAYS_DENY", nil, "ENFORCED_BLOCK_AND_AUDIT_LOG", "deny"},
		{"audited", policySpec(false), append(slices.Clone(system), registryPrefix+"**", "ghcr.io/acme/**"),
			"ALWAYS_DENY", nil, "DRYRUN_AUDIT_LOG_ONLY", "audit"},
		{"enforced with attestors", policySpec(true, ciAttestor), system,
			"REQUIRE_ATTESTATION", []any{ciAttestor}, "ENFORCED_BLOCK_AND_AUDIT_LOG", "deny"},
		{"audited with attestors", policySpec(false, ciAttestor), system,
			"REQUIRE_ATTESTATION", []any{ciAttestor}, "DRYRUN_AUDIT_LOG_ONLY", "audit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := renderRegistry(t, nil, tc.spec)
			if r.registryErr != nil || r.policyErr != nil {
				t.Fatal(r.registryErr, r.policyErr)
			}
			p := find(t, r.snap, binauthzType, "guardrails-binary-authorization")
			expect(t, p, "project", project)
			expect(t, p, "globalPolicyEvaluationMode", "ENABLE")
			var got []any
			for _, w := range platformtest.Input(t, p, "admissionWhitelistPatterns").([]any) {
				got = append(got, w.(map[string]any)["namePattern"])
			}
			if !slices.Equal(got, tc.patterns) {
				t.Errorf("allowlist %v\nwant %v", got, tc.patterns)
			}
			expect(t, p, "defaultAdmissionRule.evaluationMode", tc.eval)
			expect(t, p, "defaultAdmissionRule.enforcementMode", tc.enforce)
			attestors, _ := p.Input("defaultAdmissionRule.requireAttestationsBies")
			if fmt.Sprint(attestors) != fmt.Sprint(tc.attestors) && (attestors != nil || tc.attestors != nil) {
				t.Errorf("requireAttestationsBy %v, want %v", attestors, tc.attestors)
			}
			// Deleting an enforced policy would admit every image; a dry
			// run refuses nothing, and a destroyed dev leaves nothing.
			if enforced := tc.effect == "deny"; p.RetainOnDelete != enforced || p.Protect != enforced {
				t.Errorf("retainOnDelete %v protect %v, want both %v", p.RetainOnDelete, p.Protect, enforced)
			}
			if len(r.controls) != 1 || r.controls[0].Rule != platform.RuleRegistries || r.controls[0].Effect != tc.effect ||
				!strings.HasPrefix(r.controls[0].Control, "Binary Authorization policy of project "+project+" (") {
				t.Errorf("controls %+v", r.controls)
			}
		})
	}
}

// TestWorkloadPolicyRefuses: bad inputs are refused before the policy is
// registered, every problem at once.
func TestWorkloadPolicyRefuses(t *testing.T) {
	spec := policySpec(true, "built-by-ci")
	spec.SystemImages = append(spec.SystemImages, "velero/velero:*")
	r := renderRegistry(t, nil, spec)
	if r.policyErr == nil {
		t.Fatal("accepted")
	}
	for _, w := range []string{
		`guardrails.attestors[0] "built-by-ci": not a Binary Authorization attestor, projects/<project>/attestors/<name>, e.g. "projects/acme-prod/attestors/built-by-ci"`,
		`guardrails.systemImages[2] "velero/velero:*": not an image name pattern`,
	} {
		if !strings.Contains(r.policyErr.Error(), w) {
			t.Errorf("error\n%v\nwant\n%s", r.policyErr, w)
		}
	}
	if r.snap.Find(binauthzType, "guardrails-binary-authorization") != nil {
		t.Error("the policy is registered although the spec is refused")
	}
}

// TestWorkloadPolicyRefusesAResolvedRegistry: a registry that resolves to
// something other than a prefix ending in "/" fails the render, as
// "<prefix>**" would admit other registries' images.
func TestWorkloadPolicyRefusesAResolvedRegistry(t *testing.T) {
	spec := policySpec(true)
	spec.Registries = []pulumi.StringInput{pulumi.String("ghcr.io/acme").ToStringOutput()}
	_, err := platformtest.Render("prod-gke", func(ctx *pulumi.Context) error {
		b, err := newBackend(ctx)
		if err != nil {
			return err
		}
		spec.Cluster = &platform.ClusterOutputs{}
		_, err = b.NewWorkloadPolicy(ctx, *spec)
		return err
	})
	want := `guardrails.registries[0] "ghcr.io/acme": not a registry prefix`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %s", err, want)
	}
}
