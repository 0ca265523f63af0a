// Command app-namespace is a product team's application stack on a shared
// platform: it reads the platform stack through a stack reference
// (platformref), and deploys the team's storefront into a namespace the
// platform gave the team, behind the platform's ingress, with a
// certificate from the platform's issuer.
//
// The platform team owns the namespace, its quota, limits, network
// policies and RoleBindings (the team's access package); this stack owns
// only what runs in it. pulumi up runs with the deployer's own identity,
// which may change the team's namespaces and nothing else.
//
//	pulumi config set platformStack acme/shop-platform/shop-staging
//	pulumi config set host shop.staging.example.com
//	pulumi up -s storefront-staging
package main

import (
	"fmt"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	networkingv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/networking/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/plinth-dev/plinth/platformref"
)

// App is what the team deploys.
type App struct {
	// Team and Namespace: the platform must have given Team this
	// namespace (environment teams[].namespaces).
	Team, Namespace string
	// Name names the Deployment, Service and Ingress.
	Name string
	// Image is the container image, pinned by digest in production.
	Image string
	// Port is the port the container serves HTTP on.
	Port int
	// Host is the host name the ingress serves, with TLS. It must lie in
	// the platform's DNS zone (plinth:dnsZoneName), where cert-manager
	// solves its certificate by DNS01; its record, pointing at the
	// platform's private ingress address, is yours to create.
	Host string
	// Replicas is the number of pods; with two or more, a disruption
	// budget keeps one serving during node upgrades.
	Replicas int
}

// Storefront is the team's application.
func Storefront(host string) App {
	return App{
		Team: "storefront", Namespace: "storefront", Name: "web",
		Image: "ghcr.io/acme/storefront-web:1.4.2", Port: 8080,
		Host: host, Replicas: 2,
	}
}

// Program deploys app on the platform of the stack platformStack
// ("<organization>/<project>/<stack>").
func Program(platformStack string, app App) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		p, err := platformref.Read(ctx, "platform", platformStack)
		if err != nil {
			return err
		}
		k8s, err := p.Provider(ctx, "platform")
		if err != nil {
			return err
		}
		ns := p.Namespace(app.Team, app.Namespace)
		labels := pulumi.StringMap{
			"app.kubernetes.io/name":    pulumi.String(app.Name),
			"app.kubernetes.io/part-of": pulumi.String(app.Team),
		}
		meta := func(annotations pulumi.StringMap) metav1.ObjectMetaArgs {
			return metav1.ObjectMetaArgs{Name: pulumi.String(app.Name), Namespace: ns, Labels: labels, Annotations: annotations}
		}
		on := pulumi.Provider(k8s)

		if _, err := appsv1.NewDeployment(ctx, app.Name, &appsv1.DeploymentArgs{
			Metadata: meta(nil),
			Spec: appsv1.DeploymentSpecArgs{
				Replicas: pulumi.Int(app.Replicas),
				Selector: metav1.LabelSelectorArgs{MatchLabels: labels},
				Template: corev1.PodTemplateSpecArgs{
					Metadata: metav1.ObjectMetaArgs{Labels: labels},
					Spec: corev1.PodSpecArgs{
						SecurityContext: corev1.PodSecurityContextArgs{
							RunAsNonRoot:   pulumi.Bool(true),
							SeccompProfile: corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
						},
						// Spread over the platform's zones.
						TopologySpreadConstraints: corev1.TopologySpreadConstraintArray{corev1.TopologySpreadConstraintArgs{
							MaxSkew:           pulumi.Int(1),
							TopologyKey:       pulumi.String("topology.kubernetes.io/zone"),
							WhenUnsatisfiable: pulumi.String("ScheduleAnyway"),
							LabelSelector:     metav1.LabelSelectorArgs{MatchLabels: labels},
						}},
						Containers: corev1.ContainerArray{corev1.ContainerArgs{
							Name:  pulumi.String(app.Name),
							Image: pulumi.String(app.Image),
							Ports: corev1.ContainerPortArray{corev1.ContainerPortArgs{Name: pulumi.String("http"), ContainerPort: pulumi.Int(app.Port)}},
							ReadinessProbe: corev1.ProbeArgs{
								HttpGet: corev1.HTTPGetActionArgs{Path: pulumi.String("/healthz"), Port: pulumi.String("http")},
							},
							// Within the namespace's LimitRange and quota.
							Resources: corev1.ResourceRequirementsArgs{
								Requests: pulumi.StringMap{"cpu": pulumi.String("100m"), "memory": pulumi.String("128Mi")},
								Limits:   pulumi.StringMap{"memory": pulumi.String("256Mi")},
							},
							SecurityContext: corev1.SecurityContextArgs{
								AllowPrivilegeEscalation: pulumi.Bool(false),
								ReadOnlyRootFilesystem:   pulumi.Bool(true),
								Capabilities:             corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}},
							},
						}},
					},
				},
			},
		}, on); err != nil {
			return err
		}
		if app.Replicas > 1 {
			if _, err := policyv1.NewPodDisruptionBudget(ctx, app.Name, &policyv1.PodDisruptionBudgetArgs{
				Metadata: meta(nil),
				Spec: policyv1.PodDisruptionBudgetSpecArgs{
					MinAvailable: pulumi.Int(1),
					Selector:     metav1.LabelSelectorArgs{MatchLabels: labels},
				},
			}, on); err != nil {
				return err
			}
		}
		if _, err := corev1.NewService(ctx, app.Name, &corev1.ServiceArgs{
			Metadata: meta(nil),
			Spec: corev1.ServiceSpecArgs{
				Selector: labels,
				Ports:    corev1.ServicePortArray{corev1.ServicePortArgs{Name: pulumi.String("http"), Port: pulumi.Int(80), TargetPort: pulumi.String("http")}},
			},
		}, on); err != nil {
			return err
		}
		// The platform's default-deny network policies admit traffic from
		// its ingress namespace; the certificate comes from its issuer.
		if _, err := networkingv1.NewIngress(ctx, app.Name, &networkingv1.IngressArgs{
			Metadata: meta(pulumi.StringMap{"cert-manager.io/cluster-issuer": p.CertificateIssuer}),
			Spec: networkingv1.IngressSpecArgs{
				IngressClassName: p.IngressClassName,
				Tls: networkingv1.IngressTLSArray{networkingv1.IngressTLSArgs{
					Hosts:      pulumi.StringArray{pulumi.String(app.Host)},
					SecretName: pulumi.String(app.Name + "-tls"),
				}},
				Rules: networkingv1.IngressRuleArray{networkingv1.IngressRuleArgs{
					Host: pulumi.String(app.Host),
					Http: networkingv1.HTTPIngressRuleValueArgs{Paths: networkingv1.HTTPIngressPathArray{networkingv1.HTTPIngressPathArgs{
						Path:     pulumi.String("/"),
						PathType: pulumi.String("Prefix"),
						Backend: networkingv1.IngressBackendArgs{Service: networkingv1.IngressServiceBackendArgs{
							Name: pulumi.String(app.Name),
							Port: networkingv1.ServiceBackendPortArgs{Name: pulumi.String("http")},
						}},
					}}},
				}},
			},
		}, on); err != nil {
			return err
		}
		ctx.Export("url", pulumi.String(fmt.Sprintf("https://%s/", app.Host)))
		ctx.Export("namespace", ns)
		ctx.Export("platformVersion", p.PlinthVersion)
		return nil
	}
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		c := config.New(ctx, "")
		return Program(c.Require("platformStack"), Storefront(c.Require("host")))(ctx)
	})
}
