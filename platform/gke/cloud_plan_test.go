package gke

import (
	"testing"
)

// An environment deploys only into a project labeled for it: a project
// that Resource Manager does not list under the claim filter (unlabeled,
// or labeled for another environment) is refused with one line that says
// why and how to label it.
func TestProjectClaim(t *testing.T) {
	cfg := Config{Project: "acme-prod", Region: "europe-west1", Environment: "prod-gke"}
	if got, want := claimFilter(cfg), "id:acme-prod labels.plinth-environment:prod-gke"; got != want {
		t.Errorf("claim filter %q, want %q", got, want)
	}
	if err := checkProjectClaim(cfg, []string{"acme-prod"}, "gke"); err != nil {
		t.Errorf("labeled project refused: %v", err)
	}
	want := `gke.project "acme-prod": is not labeled plinth-environment=prod-gke, so it may hold another environment: every cluster in a GCP project shares its workload identity pool and project-level roles, so each environment needs a project of its own (docs/adr/0004-gcp-environment-isolation.md); give prod-gke its own project and label it: gcloud projects update acme-prod --update-labels=plinth-environment=prod-gke`
	for _, found := range [][]string{nil, {"acme-dev"}} {
		err := checkProjectClaim(cfg, found, "gke")
		if err == nil || err.Error() != want {
			t.Errorf("found %v: err = %v\nwant %s", found, err, want)
		}
	}
}

func TestEnvironmentMustBeALabelValue(t *testing.T) {
	err := Config{Project: "acme-prod", Region: "europe-west1", Environment: "Prod.GKE"}.validate("gke")
	want := `gke.environment "Prod.GKE": cannot be a GCP label value, which the project's plinth-environment label must hold; use at most 63 lowercase letters, digits, '-' and '_'`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}
