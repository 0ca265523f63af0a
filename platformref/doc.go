// Package platformref is how a team's own Pulumi project uses a shared
// Plinth platform: it reads the platform stack's outputs through a Pulumi
// stack reference, typed.
//
// A platform stack (stacks.Program, or any program that exports
// environment.Platform.Outputs) exports the names below. An application
// stack reads them with Read, deploys with the platform's kubeconfig
// (Provider), and puts its workloads in a namespace the platform gave its
// team (Namespace), exposed through the platform's ingress class with a
// certificate from its issuer:
//
//	shared, err := platformref.Read(ctx, "platform", "acme/shop-platform/shop-staging")
//	k8s, err := shared.Provider(ctx, "shop-staging")
//	ns := shared.Namespace("storefront", "storefront")
//
// The kubeconfig authenticates whoever runs pulumi up with their own
// identity (kubelogin on AKS, gke-gcloud-auth-plugin on GKE). That
// identity holds the rights of its team's access package in the team's
// namespaces and no others, so an application stack cannot change the
// platform's namespaces, quotas or policies.
//
// A missing output fails Read, in previews too. A team the platform does
// not know, or a namespace the team was not given, fails the deployment
// before anything lands in the namespace. Each error names the stack, the
// value and what to ask the platform team for.
//
// The referencing stack must live in the platform stack's backend and be
// able to decrypt its secrets (the kubeconfig is one), and its deployer
// must reach the cluster's API server.
package platformref
