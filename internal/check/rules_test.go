package check

import (
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

// TestCommittedSnapshotsPass runs every rule of its class on each committed
// snapshot: Plinth's own stacks are production-ready by its own rules.
func TestCommittedSnapshotsPass(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			tg := target(t, stack)
			if got := lines(Run(tg)); len(got) > 0 {
				t.Errorf("findings on the committed snapshot:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}

// TestRulesSeeTheSnapshots guards against a rule that passes the committed
// snapshots only because its matchers find nothing: every kind the rules
// read is present in each snapshot of its cloud.
func TestRulesSeeTheSnapshots(t *testing.T) {
	for _, stack := range stacks {
		s := load(t, stack)
		kinds := []kind{helmRelease, clusterIssuer}
		if strings.HasSuffix(stack, "-aks") {
			kinds = append(kinds, aksCluster, aksAgentPool, azureVNet, azureSubnet, azureRG, azureRoleAssn,
				azureIdentity, azureFederated, azureStorage, azureBlobSvc, azureVault)
			if strings.HasPrefix(stack, "prod-") {
				kinds = append(kinds, azureLock)
			}
		} else {
			kinds = append(kinds, gkeCluster, gkeNodePool, gcpNetwork, gcpSubnetwork, gcpBucket, gcpSAIAMMember, gcpProjectIAM)
			// Only break-glass is a PAM entitlement, and dev has none.
			if !strings.HasPrefix(stack, "dev-") {
				kinds = append(kinds, gcpEntitlement)
			}
		}
		for _, k := range kinds {
			if len(k.in(s)) == 0 {
				t.Errorf("%s: no %s:%s:%s resource; a rule reading it checks nothing", stack, k.pkg, k.module, k.name)
			}
		}
		for _, chart := range []string{"velero", "cert-manager"} {
			if len(releasesOf(s, chart)) != 1 {
				t.Errorf("%s: want one %s release", stack, chart)
			}
		}
		if len(ingressReleases(s)) != 1 {
			t.Errorf("%s: want one ingress release", stack)
		}
	}
}

// fixture breaks one setting of a committed snapshot and lists every
// finding Run must then return, exactly.
type fixture struct {
	name  string
	stack string
	// tags overrides the tags table built from the unchanged snapshot.
	tags   func(base func(string) (string, bool)) func(string) (string, bool)
	mutate func(t *testing.T, s *snapshot.Snapshot)
	want   []string
}

func TestFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			tg := target(t, fx.stack)
			if fx.tags != nil {
				tg.TagsProperty = fx.tags(tg.TagsProperty)
			}
			fx.mutate(t, tg.Snapshot)
			got := lines(Run(tg))
			if !slices.Equal(got, fx.want) {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(fx.want, "\n"))
			}
		})
	}
}

// TestEveryRuleHasAFixture keeps the fixtures complete: each rule fails on
// at least one broken snapshot.
func TestEveryRuleHasAFixture(t *testing.T) {
	covered := map[string]bool{}
	for _, fx := range fixtures {
		for _, w := range fx.want {
			covered[strings.Fields(w)[0]] = true
		}
	}
	for _, r := range Rules() {
		if !covered[r.ID] {
			t.Errorf("%s has no fixture that violates it", r.ID)
		}
	}
}
