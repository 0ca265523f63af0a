package ingress_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// An ingress needs the backend and the cluster; everything else defaults:
// Traefik behind an internal load balancer, the cluster's default
// IngressClass, a GatewayClass and a default Gateway, two replicas.
func ExampleNew() {
	var class, gatewayClass, namespace string
	_, err := platformtest.Render("dev", func(ctx *pulumi.Context) error {
		// In a real program: aks.New(ctx, "dev", aks.Config{...}) or
		// gke.New(ctx, "dev", gke.Config{...}).
		backend, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		net, err := network.New(ctx, "dev", &network.Args{Backend: backend, AddressSpace: "10.20.0.0/16"})
		if err != nil {
			return err
		}
		c, err := cluster.New(ctx, "dev", &cluster.Args{Backend: backend, Network: net, UserPools: []cluster.NodePool{{Name: "apps"}}})
		if err != nil {
			return err
		}
		ing, err := ingress.New(ctx, "dev", &ingress.Args{
			Backend: backend,
			Cluster: c,
		})
		if err != nil {
			return err
		}
		ctx.Export("ingressAddress", ing.Address)
		pulumi.All(ing.IngressClassName, ing.GatewayClassName, ing.Namespace).ApplyT(func(v []any) error {
			class, gatewayClass, namespace = v[0].(string), v[1].(string), v[2].(string)
			return nil
		})
		fmt.Println("controller:", ing.Spec.Controller, "replicas:", ing.Spec.Replicas, "public:", ing.Spec.Public)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println("IngressClass:", class, "GatewayClass:", gatewayClass, "namespace:", namespace)
	// Output:
	// controller: traefik replicas: 2 public: false
	// IngressClass: traefik GatewayClass: traefik namespace: ingress
}

// Resolve reports every problem at once, field path first, before anything
// is registered.
func ExampleArgs_Resolve() {
	var err error
	_, _ = platformtest.Render("prod", func(ctx *pulumi.Context) error {
		backend, _ := fake.New(ctx, "fake")
		net, _ := network.New(ctx, "prod", &network.Args{Backend: backend, AddressSpace: "10.20.0.0/16"})
		c, _ := cluster.New(ctx, "prod", &cluster.Args{Backend: backend, Network: net})
		args := ingress.Args{
			Backend:    backend,
			Cluster:    c,
			Controller: ingress.ControllerIngressNginx,
			Gateway:    ingress.Gateway{ClassName: "nginx"},
			Production: true,
			Replicas:   1,
			Values:     map[string]any{"controller": map[string]any{"replicaCount": 3}},
		}
		_, err = args.Resolve("prod", field.NewPath("ingress"))
		return nil
	})
	fmt.Println(err)
	// Output:
	// ingress.gateway.className "nginx": ingress-nginx does not serve the Gateway API; remove the gateway settings, or use controller "traefik"
	// ingress.replicas 1: a production ingress runs at least 2 replicas so that losing a node or a zone keeps it serving; leave it unset or raise it
	// ingress.values["controller"]["replicaCount"] "3": Plinth sets this value from a typed field, and typed fields win; set the typed field instead of the raw value
}
