// Command app-namespace is a product team's application stack on a shared
// platform: it reads the platform stack through a stack reference
// (platformref), and deploys the team's storefront into a namespace the
// platform gave the team, behind the platform's ingress, with a
// certificate from the platform's issuer, and a secret from the team's
// store mounted as a file (the Secrets Store CSI driver, as the team's
// secrets reader).
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

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
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
	// Image and Version name the container image in the platform's
	// registry, the only one its guardrails admit (Platform.Image):
	// "storefront/web" and "1.4.2", or a digest "sha256:..." (pin one in
	// production). The team's CI pushes it there.
	Image, Version string
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
	// Secret is a secret of the team's store the pods read, mounted as
	// the file /mnt/secrets/<Secret>: a Key Vault secret of the team's
	// vault on AKS, the Secret Manager secret "<team>-<Secret>" on GKE
	// (docs/operations/granting-a-team-a-secret.md). The pods then run as
	// the team's secrets reader, in its namespace. Unset: none.
	Secret string
}

// Storefront is the team's application.
func Storefront(host string) App {
	return App{
		Team: "storefront", Namespace: "storefront", Name: "web",
		Image: "storefront/web", Version: "1.4.2", Port: 8080,
		Host: host, Replicas: 2, Secret: "database-password",
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

		pod := corev1.PodSpecArgs{
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
		}
		container := corev1.ContainerArgs{
			Name:  pulumi.String(app.Name),
			Image: p.Image(app.Image, app.Version),
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
		}
		if app.Secret != "" {
			if err := mountSecret(ctx, p, app, ns, labels, &pod, &container, on); err != nil {
				return err
			}
		}
		pod.Containers = corev1.ContainerArray{container}

		if _, err := appsv1.NewDeployment(ctx, app.Name, &appsv1.DeploymentArgs{
			Metadata: meta(nil),
			Spec: appsv1.DeploymentSpecArgs{
				Replicas: pulumi.Int(app.Replicas),
				Selector: metav1.LabelSelectorArgs{MatchLabels: labels},
				Template: corev1.PodTemplateSpecArgs{
					Metadata: metav1.ObjectMetaArgs{Labels: labels},
					Spec:     pod,
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

// The Secrets Store CSI driver of each cloud's managed add-on, and where a
// pod mounts the team's secrets.
const (
	azureSecretsDriver = "secrets-store.csi.k8s.io"
	gkeSecretsDriver   = "secrets-store-gke.csi.k8s.io"
	secretsMountPath   = "/mnt/secrets"
)

// mountSecret creates the SecretProviderClass that names app.Secret in the
// team's store (from the platform's TeamSecrets), runs pod as the team's
// secrets reader and mounts the secret read-only into container. The
// secret reaches the pod as a file and never passes through this stack.
func mountSecret(ctx *pulumi.Context, p *platformref.Platform, app App, ns pulumi.StringOutput, labels pulumi.StringMap,
	pod *corev1.PodSpecArgs, container *corev1.ContainerArgs, on pulumi.ResourceOption) error {
	secrets := p.TeamSecrets(app.Team)
	get := func(key string) pulumi.StringOutput { return secrets.MapIndex(pulumi.String(key)) }
	spec := pulumi.All(p.Cloud, secrets).ApplyT(func(v []any) (map[string]any, error) {
		s := v[1].(map[string]string)
		switch cloud := v[0].(string); cloud {
		case "azure":
			return map[string]any{"provider": "azure", "parameters": map[string]any{
				"clientID":     s[platformref.SecretsClientID],
				"keyvaultName": s[platformref.SecretsStore],
				"tenantId":     s[platformref.SecretsTenantID],
				"objects":      fmt.Sprintf("array:\n  - |\n    objectName: %s\n    objectType: secret\n", app.Secret),
			}}, nil
		case "gcp":
			return map[string]any{"provider": "gke", "parameters": map[string]any{
				"secrets": fmt.Sprintf("- resourceName: %q\n  path: %q\n",
					fmt.Sprintf("%s/secrets/%s%s/versions/latest", s[platformref.SecretsURI], s[platformref.SecretsPrefix], app.Secret), app.Secret),
			}}, nil
		default:
			return nil, fmt.Errorf("platform stack %s runs on %q, which has no Secrets Store provider here", p.Stack, cloud)
		}
	})
	name := app.Name + "-secrets"
	if _, err := apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion:  pulumi.String("secrets-store.csi.x-k8s.io/v1"),
		Kind:        pulumi.String("SecretProviderClass"),
		Metadata:    metav1.ObjectMetaArgs{Name: pulumi.String(name), Namespace: ns, Labels: labels},
		OtherFields: kubernetes.UntypedArgs{"spec": spec},
	}, on); err != nil {
		return err
	}
	driver := p.Cloud.ApplyT(func(cloud string) string {
		if cloud == "gcp" {
			return gkeSecretsDriver
		}
		return azureSecretsDriver
	}).(pulumi.StringOutput)
	// The team's reader lives in the namespace the platform put it in;
	// a pod elsewhere cannot run as it.
	reader := pulumi.All(get(platformref.SecretsNamespace), get(platformref.SecretsServiceAccount), ns).ApplyT(func(v []any) (string, error) {
		if v[0] != v[2] {
			return "", fmt.Errorf("team %s's secrets reader is in namespace %q, not %q: run the workloads that read secrets there", app.Team, v[0], v[2])
		}
		return v[1].(string), nil
	}).(pulumi.StringOutput)
	pod.ServiceAccountName = reader
	pod.Volumes = corev1.VolumeArray{corev1.VolumeArgs{
		Name: pulumi.String("secrets"),
		Csi: corev1.CSIVolumeSourceArgs{
			Driver:           driver,
			ReadOnly:         pulumi.Bool(true),
			VolumeAttributes: pulumi.StringMap{"secretProviderClass": pulumi.String(name)},
		},
	}}
	container.VolumeMounts = corev1.VolumeMountArray{corev1.VolumeMountArgs{
		Name: pulumi.String("secrets"), MountPath: pulumi.String(secretsMountPath), ReadOnly: pulumi.Bool(true),
	}}
	return nil
}
