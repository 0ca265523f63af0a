package gke

import (
	"reflect"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

var registryCfg = Config{Project: "acme-prod", Region: "europe-west1"}

func registrySpec() platform.RegistrySpec {
	return platform.RegistrySpec{
		Name:                  "registry",
		Cluster:               &platform.ClusterOutputs{},
		Private:               true,
		Pushers:               []string{"ci-images@acme-ci.iam.gserviceaccount.com", "release@acme-prod.iam.gserviceaccount.com"},
		UntaggedRetentionDays: 30,
		Locked:                true,
		Tags:                  platform.Tags{"environment": "prod", "managed-by": "plinth"},
	}
}

// TestPlanRegistry: a locked (production) registry is a standard Docker
// repository named after the spec, in the backend's region, with
// immutable tags, a cleanup policy for untagged versions, protected and
// retained; the nodes get the reader role and each pusher the writer role,
// on the repository.
func TestPlanRegistry(t *testing.T) {
	got := planRegistry(registryCfg, registrySpec())
	want := registryPlan{
		Name:          "registry-repository",
		RepositoryID:  "registry",
		Location:      "europe-west1",
		Description:   "Plinth container registry registry",
		Format:        "DOCKER",
		Mode:          "STANDARD_REPOSITORY",
		Labels:        map[string]string{"environment": "prod", "managed-by": "plinth"},
		ImmutableTags: true,
		Cleanup:       &cleanupPlan{ID: "delete-untagged", Action: "DELETE", TagState: "UNTAGGED", OlderThan: "2592000s"},
		Protect:       true,
		Retain:        true,
		Scanning:      servicePlan{Name: "registry-container-scanning", Service: "containerscanning.googleapis.com"},
		Reader:        repositoryMemberPlan{Name: "registry-nodes-reader", Role: "roles/artifactregistry.reader"},
		Writers: []repositoryMemberPlan{
			{Name: "registry-pusher-ci-images@acme-ci.iam.gserviceaccount.com", Role: "roles/artifactregistry.writer", Member: "serviceAccount:ci-images@acme-ci.iam.gserviceaccount.com"},
			{Name: "registry-pusher-release@acme-prod.iam.gserviceaccount.com", Role: "roles/artifactregistry.writer", Member: "serviceAccount:release@acme-prod.iam.gserviceaccount.com"},
		},
		Prefix: "europe-west1-docker.pkg.dev/acme-prod/registry/",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan\n%+v\nwant\n%+v", got, want)
	}
}

// TestPlanRegistryUnlocked: a non-production registry keeps movable tags
// and untagged versions (retention 0), and is neither protected nor
// retained; without pushers, nobody may push.
func TestPlanRegistryUnlocked(t *testing.T) {
	spec := registrySpec()
	spec.Locked, spec.UntaggedRetentionDays, spec.Pushers = false, 0, nil
	p := planRegistry(registryCfg, spec)
	if p.ImmutableTags || p.Protect || p.Retain {
		t.Errorf("unlocked registry: immutable tags %v, protect %v, retain %v", p.ImmutableTags, p.Protect, p.Retain)
	}
	if p.Cleanup != nil {
		t.Errorf("retention 0 deletes untagged versions: %+v", p.Cleanup)
	}
	if len(p.Writers) != 0 {
		t.Errorf("writers %+v without pushers", p.Writers)
	}
	spec.UntaggedRetentionDays = 1
	if c := planRegistry(registryCfg, spec).Cleanup; c == nil || c.OlderThan != "86400s" {
		t.Errorf("one day's cleanup %+v, want olderThan 86400s", c)
	}
}

// TestPlanRegistryNoProjectReader: no role of the registry is on the
// project, and the node service account's project roles hold no Artifact
// Registry role: the nodes read the environment's repository alone.
func TestPlanRegistryNoProjectReader(t *testing.T) {
	for _, r := range nodeServiceAccountRoles {
		if strings.HasPrefix(r.Role, "roles/artifactregistry.") || strings.Contains(r.Name, "artifact") {
			t.Errorf("the node service account gets %s (%s) on the project; it reads the repository only", r.Role, r.Name)
		}
	}
	for _, r := range planCluster(registryCfg, clusterSpec()).NodeSA.Roles {
		if strings.HasPrefix(r.Role, "roles/artifactregistry.") {
			t.Errorf("cluster plan binds %s on the project", r.Role)
		}
	}
}

func TestRegistryPrefix(t *testing.T) {
	for _, tc := range []struct{ region, project, id, want string }{
		{"europe-west1", "acme-prod", "registry", "europe-west1-docker.pkg.dev/acme-prod/registry/"},
		{"us-central1", "acme-dev-1", "images", "us-central1-docker.pkg.dev/acme-dev-1/images/"},
	} {
		if got := registryPrefix(Config{Project: tc.project, Region: tc.region}, tc.id); got != tc.want {
			t.Errorf("prefix %q, want %q", got, tc.want)
		}
	}
}

// TestRepositoryID: the IDs Artifact Registry takes.
func TestRepositoryID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"registry", true},
		{"r", true},
		{"prod-images-2", true},
		{strings.Repeat("a", 63), true},
		{strings.Repeat("a", 64), false},
		{"", false},
		{"1registry", false},
		{"-registry", false},
		{"registry-", false},
		{"Registry", false},
		{"my_registry", false},
		{"my.registry", false},
	} {
		err := checkRepositoryID(field.NewPath("registry").Child("name"), tc.id)
		if (err == nil) != tc.ok {
			t.Errorf("%q: error %v, want ok %v", tc.id, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), `registry.name "`+tc.id+`": Artifact Registry takes repository IDs of 1-63 lowercase letters`) {
			t.Errorf("%q: error %q", tc.id, err)
		}
	}
}

func TestValidateRegistry(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*platform.RegistrySpec)
		want   []string
	}{
		{"a pusher that is not a service account", func(s *platform.RegistrySpec) { s.Pushers[1] = "ci@acme.example" },
			[]string{`registry.pushers[1] "ci@acme.example": not a service account email, e.g. "ci-images@acme-prod.iam.gserviceaccount.com"`}},
		{"a pusher given as an IAM member", func(s *platform.RegistrySpec) {
			s.Pushers[0] = "serviceAccount:ci-images@acme-ci.iam.gserviceaccount.com"
		}, []string{`registry.pushers[0] "serviceAccount:ci-images@acme-ci.iam.gserviceaccount.com": not a service account email`}},
		{"a pusher twice", func(s *platform.RegistrySpec) { s.Pushers[1] = s.Pushers[0] },
			[]string{`registry.pushers[1] "ci-images@acme-ci.iam.gserviceaccount.com": repeats registry.pushers[0]`}},
		{"a name Artifact Registry refuses, once", func(s *platform.RegistrySpec) { s.Name = "Registry" },
			[]string{`registry.name "Registry": use lowercase letters, digits and '-'`}},
		{"everything at once", func(s *platform.RegistrySpec) {
			s.Cluster, s.UntaggedRetentionDays, s.Pushers[0] = nil, 400, "nobody"
		}, []string{"registry.cluster: required", "registry.untaggedRetentionDays 400: must be 0..365", `registry.pushers[0] "nobody"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := registrySpec()
			tc.mutate(&spec)
			err := validateRegistry(spec, field.NewPath("registry"))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\nwant\n%s", err, w)
				}
			}
			if n := strings.Count(err.Error(), "registry.name"); n > 1 {
				t.Errorf("the name is reported %d times:\n%v", n, err)
			}
		})
	}
	if err := validateRegistry(registrySpec(), field.NewPath("registry")); err != nil {
		t.Errorf("the plan's spec is refused: %v", err)
	}
}
