package environment_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
)

// On GKE the teams' RoleBindings name Google groups, which the cluster
// passes to Kubernetes only through Google Groups for RBAC (its admin
// group): an environment with teams and no such group is refused in every
// class, before anything is registered.
func TestGKETeamsNeedGoogleGroupsForRBAC(t *testing.T) {
	want := []string{
		`cluster.adminGroups: required: the teams' RoleBindings name their groups, which GKE passes to Kubernetes only through the cluster's admin group, so without one team access matches nobody; give the group gke-security-groups@<your domain>, which GKE's Google Groups for RBAC needs`,
	}
	for _, class := range environment.Classes {
		t.Run(string(class), func(t *testing.T) {
			env := define(class, platform.CloudGCP)
			env.Cluster.AdminGroups = nil
			if got := errs(t, env.Validate()); !slices.Equal(got, want) {
				t.Errorf("problems:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			snap, _, err := render(t, env)
			if err == nil || !strings.Contains(err.Error(), want[0]) {
				t.Errorf("render: err %v, want the error", err)
			}
			if snap != nil && len(snap.Resources) > 0 {
				t.Errorf("%d resources registered for an invalid environment", len(snap.Resources))
			}
		})
	}
	// Without teams no RoleBinding names a group.
	env := define(environment.Dev, platform.CloudGCP)
	env.Cluster.AdminGroups, env.Teams = nil, nil
	if err := env.Validate(); err != nil {
		t.Errorf("GKE without teams: %v", err)
	}
	// AKS passes Entra groups to Kubernetes without an admin group.
	if err := define(environment.Dev, platform.CloudAzure).Validate(); err != nil {
		t.Errorf("AKS: %v", err)
	}
}
