package check

import (
	"testing"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

func init() {
	fixtures = append(fixtures,
		fixture{
			// dev-gke before issue 17: the teams' RoleBindings name Google
			// groups, the cluster has no Google Groups for RBAC.
			name: "PLN012 GKE group RoleBindings without Google Groups for RBAC", stack: "prod-gke",
			want: []string{
				`PLN012 error prod-gke-cluster | Cluster prod-gke-cluster: authenticatorGroupsConfig.securityGroup: the cluster has no Google Groups for RBAC, so GKE never passes group membership to Kubernetes and no RoleBinding to a group matches anyone (9 RoleBindings: prod-gke-checkout-checkout-admin (jit.prod-gke.checkout.admin@acme.example), prod-gke-checkout-checkout-developer (jit.prod-gke.checkout.developer@acme.example), prod-gke-checkout-checkout-reader (jit.prod-gke.checkout.reader@acme.example), and 6 more); set cluster.adminGroups to ["gke-security-groups@<your domain>"], the group the teams' groups are members of`,
			},
			mutate: func(t *testing.T, s *snapshot.Snapshot) {
				set(t, find(t, s, "prod-gke-cluster"), "authenticatorGroupsConfig", nil)
			},
		},
		fixture{
			// Without group RoleBindings a cluster needs no groups: only
			// Kubernetes' own groups are bound.
			name: "PLN012 no finding without group RoleBindings", stack: "staging-gke",
			mutate: func(t *testing.T, s *snapshot.Snapshot) {
				set(t, find(t, s, "staging-gke-cluster"), "authenticatorGroupsConfig", nil)
				for _, b := range roleBinding.in(s) {
					set(t, b, "subjects", []any{map[string]any{"kind": "Group", "name": "system:serviceaccounts:velero", "apiGroup": "rbac.authorization.k8s.io"}})
				}
			},
		},
	)
}
