package gke

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

const attestor = "projects/acme-prod/attestors/built-by-ci"

var systemImages = []string{"quay.io/jetstack/cert-manager-*", "docker.io/velero/velero-plugin-for-*"}

func workloadPolicySpec(enforce bool, attestors ...string) platform.WorkloadPolicySpec {
	return platform.WorkloadPolicySpec{
		Name:         "guardrails",
		Cluster:      &platform.ClusterOutputs{},
		Enforce:      enforce,
		Registries:   []pulumi.StringInput{pulumi.String("europe-west1-docker.pkg.dev/acme-prod/registry/")},
		SystemImages: slices.Clone(systemImages),
		Attestors:    attestors,
	}
}

// TestPlanWorkloadPolicy: the project's policy in each case. Without
// attestors, the registries are allowlisted and everything else denied;
// with them, only the system images are allowlisted and everything else
// needs every attestor's attestation. Enforce blocks and protects; audit
// only logs. The policy is always retained: deleting it would admit every
// image.
func TestPlanWorkloadPolicy(t *testing.T) {
	const project = "acme-prod"
	tests := []struct {
		name      string
		spec      platform.WorkloadPolicySpec
		allow     bool
		eval      string
		attestors []string
		enforce   string
		protect   bool
		effect    string
		control   string
	}{
		{"enforced, registries allowlisted", workloadPolicySpec(true), true, "ALWAYS_DENY", nil, "ENFORCED_BLOCK_AND_AUDIT_LOG", true, "deny",
			"Binary Authorization policy of project acme-prod (admits only images under the allowlisted registries and the platform's system images, and Google's own through the global policy; ENFORCED_BLOCK_AND_AUDIT_LOG)"},
		{"audited, registries allowlisted", workloadPolicySpec(false), true, "ALWAYS_DENY", nil, "DRYRUN_AUDIT_LOG_ONLY", false, "audit",
			"Binary Authorization policy of project acme-prod (admits only images under the allowlisted registries and the platform's system images, and Google's own through the global policy; DRYRUN_AUDIT_LOG_ONLY)"},
		{"enforced, attested", workloadPolicySpec(true, attestor), false, "REQUIRE_ATTESTATION", []string{attestor}, "ENFORCED_BLOCK_AND_AUDIT_LOG", true, "deny",
			"Binary Authorization policy of project acme-prod (admits only images attested by projects/acme-prod/attestors/built-by-ci, the platform's system images, and Google's own through the global policy; ENFORCED_BLOCK_AND_AUDIT_LOG)"},
		{"audited, attested", workloadPolicySpec(false, attestor), false, "REQUIRE_ATTESTATION", []string{attestor}, "DRYRUN_AUDIT_LOG_ONLY", false, "audit",
			"Binary Authorization policy of project acme-prod (admits only images attested by projects/acme-prod/attestors/built-by-ci, the platform's system images, and Google's own through the global policy; DRYRUN_AUDIT_LOG_ONLY)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := planWorkloadPolicy(Config{Project: project, Region: "europe-west1"}, tc.spec)
			if p.Name != "guardrails-binary-authorization" || p.Project != project || p.GlobalPolicy != "ENABLE" {
				t.Errorf("name %q project %q global policy %q", p.Name, p.Project, p.GlobalPolicy)
			}
			if !slices.Equal(p.SystemPatterns, systemImages) {
				t.Errorf("system patterns %v, want the system images as given", p.SystemPatterns)
			}
			if p.AllowRegistries != tc.allow || p.EvaluationMode != tc.eval || !slices.Equal(p.Attestors, tc.attestors) || p.EnforcementMode != tc.enforce {
				t.Errorf("allow registries %v, evaluation %s by %v, enforcement %s", p.AllowRegistries, p.EvaluationMode, p.Attestors, p.EnforcementMode)
			}
			// The API takes attestors with REQUIRE_ATTESTATION only.
			if (len(p.Attestors) > 0) != (p.EvaluationMode == "REQUIRE_ATTESTATION") {
				t.Errorf("evaluation %s with attestors %v", p.EvaluationMode, p.Attestors)
			}
			if p.Protect != tc.protect || p.Retain != tc.protect {
				t.Errorf("protect %v retain %v", p.Protect, p.Retain)
			}
			want := platform.WorkloadControl{Rule: platform.RuleRegistries, Control: tc.control, Effect: tc.effect}
			if !reflect.DeepEqual(p.Control, want) {
				t.Errorf("control\n%+v\nwant\n%+v", p.Control, want)
			}
		})
	}
}

// TestAdmissionPatterns: the allowlist is the system images, then each
// registry prefix with "**" when the registries are admitted by name;
// with attestors, the system images alone.
func TestAdmissionPatterns(t *testing.T) {
	cfg := Config{Project: "acme-prod", Region: "europe-west1"}
	registries := []string{"europe-west1-docker.pkg.dev/acme-prod/registry/", "ghcr.io/acme/"}
	path := field.NewPath("guardrails").Child("registries")

	got, err := admissionPatterns(planWorkloadPolicy(cfg, workloadPolicySpec(true)), registries, path)
	want := append(slices.Clone(systemImages), "europe-west1-docker.pkg.dev/acme-prod/registry/**", "ghcr.io/acme/**")
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("patterns %v (%v), want %v", got, err, want)
	}
	got, err = admissionPatterns(planWorkloadPolicy(cfg, workloadPolicySpec(true, attestor)), registries, path)
	if err != nil || !slices.Equal(got, systemImages) {
		t.Errorf("attested patterns %v (%v), want the system images only %v", got, err, systemImages)
	}
}

// TestRegistryPatterns: a resolved registry that would admit more than
// its own images is refused, all at once.
func TestRegistryPatterns(t *testing.T) {
	path := field.NewPath("guardrails").Child("registries")
	for _, bad := range []string{
		"",
		"europe-west1-docker.pkg.dev/acme-prod/registry",   // no '/': would admit registry-other
		"europe-west1-docker.pkg.dev/acme-prod/registry/*", // a wildcard
		"localhost/",             // no registry host
		"acme-prod/registry/",    // no registry host
		"ghcr.io/acme/@sha256:/", // a digest
	} {
		_, err := registryPatterns([]string{"ghcr.io/acme/", bad}, path)
		if err == nil {
			t.Errorf("%q accepted", bad)
			continue
		}
		want := `guardrails.registries[1] "` + bad + `": not a registry prefix: write "<registry host>/<path>/", ending in '/'`
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error\n%v\nwant\n%s", err, want)
		}
	}
	_, err := registryPatterns([]string{"gcr.io/acme", "quay.io"}, path)
	if err == nil || !strings.Contains(err.Error(), "guardrails.registries[0]") || !strings.Contains(err.Error(), "guardrails.registries[1]") {
		t.Errorf("want both bad registries reported at once, got %v", err)
	}
}

func TestValidateWorkloadPolicy(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*platform.WorkloadPolicySpec)
		want   []string
	}{
		{"an attestor that is not an attestor's resource name", func(s *platform.WorkloadPolicySpec) { s.Attestors = []string{"built-by-ci"} },
			[]string{`guardrails.attestors[0] "built-by-ci": not a Binary Authorization attestor, projects/<project>/attestors/<name>, e.g. "projects/acme-prod/attestors/built-by-ci"`}},
		{"a system image without a registry host", func(s *platform.WorkloadPolicySpec) { s.SystemImages[1] = "velero/velero:*" },
			[]string{`guardrails.systemImages[1] "velero/velero:*": not an image name pattern`}},
		{"a system image with a wildcard inside", func(s *platform.WorkloadPolicySpec) { s.SystemImages[0] = "quay.io/*/cert-manager" },
			[]string{`guardrails.systemImages[0] "quay.io/*/cert-manager": not an image name pattern`}},
		{"everything at once", func(s *platform.WorkloadPolicySpec) {
			s.Cluster, s.Registries, s.Attestors = nil, nil, []string{"projects/x/attestors/a"}
		}, []string{"guardrails.cluster: required", "guardrails.registries: required", `guardrails.attestors[0] "projects/x/attestors/a"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := workloadPolicySpec(true)
			tc.mutate(&spec)
			err := validateWorkloadPolicy(spec, field.NewPath("guardrails"))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nwant\n%s", err, w)
				}
			}
		})
	}
	for _, spec := range []platform.WorkloadPolicySpec{workloadPolicySpec(true), workloadPolicySpec(false, attestor)} {
		if err := validateWorkloadPolicy(spec, field.NewPath("guardrails")); err != nil {
			t.Errorf("refused: %v", err)
		}
	}
}
