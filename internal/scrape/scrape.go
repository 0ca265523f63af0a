package scrape

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
)

// Interval is how often a platform service is scraped.
const Interval = 30 * time.Second

// Target is a service's metrics endpoint: its pods, in Namespace, matching
// Selector, serve Path on the container port named Port.
type Target struct {
	Namespace string
	Selector  map[string]string
	Port      string
	Path      string
	// Labels go on the monitor object.
	Labels map[string]string
}

// For returns t when c has managed metrics on and the cloud has a pod
// monitor (kind), or nil: then nothing is scraped.
func For(kind platform.PodMonitorKind, c platform.ClusterSpec, t Target) *Target {
	if kind.Kind == "" || !c.Monitoring {
		return nil
	}
	return &t
}

// Spec is the monitor's spec: the pods and the endpoint.
func (t Target) Spec(kind platform.PodMonitorKind) map[string]any {
	return map[string]any{
		"selector": map[string]any{"matchLabels": t.Selector},
		kind.Endpoints: []any{map[string]any{
			"port":     t.Port,
			"path":     t.Path,
			"interval": fmt.Sprintf("%ds", int(Interval/time.Second)),
		}},
	}
}

// PodMonitor registers the monitor of t, named name in Pulumi and
// "<name>" in the target's namespace, which must exist: pass
// pulumi.DependsOn the release that creates it.
func PodMonitor(ctx *pulumi.Context, name, object string, kind platform.PodMonitorKind, t Target, opts ...pulumi.ResourceOption) (*apiextensions.CustomResource, error) {
	return apiextensions.NewCustomResource(ctx, name, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String(kind.APIVersion),
		Kind:       pulumi.String(kind.Kind),
		Metadata: &metav1.ObjectMetaArgs{
			Name:      pulumi.String(object),
			Namespace: pulumi.String(t.Namespace),
			Labels:    pulumi.ToStringMap(t.Labels),
		},
		OtherFields: kubernetes.UntypedArgs{"spec": t.Spec(kind)},
	}, opts...)
}
