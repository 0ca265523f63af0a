package ingress_test

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// An ingress needs only the cluster it runs in; everything else defaults:
// Traefik behind an internal load balancer, the cluster's default
// IngressClass, a GatewayClass and a default Gateway, two replicas. Like
// every component it is made in two steps: Resolve checks the settings
// against the target and the resolved cluster, then New installs what was
// resolved into the cluster, with the backend's load balancer.
func ExampleNew() {
	var class, gatewayClass, namespace string
	_, err := platformtest.Render("dev", func(ctx *pulumi.Context) error {
		// In a real program: aks.New(ctx, "dev", aks.Config{...}) or
		// gke.New(ctx, "dev", gke.Config{...}).
		backend, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		target, err := platform.TargetOf(backend, false)
		if err != nil {
			return err
		}
		nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("dev", field.NewPath("network"), target)
		if err != nil {
			return err
		}
		cr, err := cluster.Args{UserPools: []cluster.NodePool{{Name: "apps"}}}.Resolve("dev", field.NewPath("cluster"), target, nr.Spec())
		if err != nil {
			return err
		}
		ir, err := ingress.Args{}.Resolve("dev", field.NewPath("ingress"), target, cr.Spec())
		if err != nil {
			return err
		}

		net, err := network.New(ctx, nr, backend)
		if err != nil {
			return err
		}
		c, err := cluster.New(ctx, cr, backend, net)
		if err != nil {
			return err
		}
		ing, err := ingress.New(ctx, ir, backend, c)
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

// Resolve needs no backend and no Pulumi program, only the target and the
// resolved cluster: it reports every problem at once, field path first,
// before anything is created.
func ExampleArgs_Resolve() {
	target := platform.Target{Cloud: fake.Facts, Production: true}
	nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("prod", field.NewPath("network"), target)
	if err != nil {
		fmt.Println(err)
		return
	}
	cr, err := cluster.Args{}.Resolve("prod", field.NewPath("cluster"), target, nr.Spec())
	if err != nil {
		fmt.Println(err)
		return
	}
	args := ingress.Args{
		Controller: ingress.ControllerIngressNginx,
		Gateway:    ingress.Gateway{ClassName: "nginx"},
		Replicas:   1,
		Values:     map[string]any{"controller": map[string]any{"replicaCount": 3}},
	}
	_, err = args.Resolve("prod", field.NewPath("ingress"), target, cr.Spec())
	fmt.Println(err)
	// Output:
	// ingress.gateway.className "nginx": ingress-nginx does not serve the Gateway API; remove the gateway settings, or use controller "traefik"
	// ingress.replicas 1: a production ingress runs at least 2 replicas so that losing a node or a zone keeps it serving; leave it unset or raise it
	// ingress.values["controller"]["replicaCount"] "3": Plinth sets this value from a typed field, and typed fields win; set the typed field instead of the raw value
}
