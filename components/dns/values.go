package dns

import (
	"encoding/json"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/format"
)

// chartValues are the external-dns chart values Plinth sets (chart
// helm.ExternalDNS).
type chartValues struct {
	Provider       providerValues        `json:"provider"`
	Sources        []string              `json:"sources"`
	DomainFilters  []string              `json:"domainFilters"`
	Policy         string                `json:"policy"`
	Registry       string                `json:"registry"`
	TxtOwnerID     string                `json:"txtOwnerId"`
	Interval       string                `json:"interval"`
	ExtraArgs      pulumi.StringArray    `json:"extraArgs,omitempty"`
	ServiceAccount serviceAccountValues  `json:"serviceAccount"`
	PodLabels      pulumi.StringMapInput `json:"podLabels,omitempty"`
	CommonLabels   map[string]string     `json:"commonLabels"`
	Tolerations    []helm.Toleration     `json:"tolerations"`
	ExtraVolumes   []volume              `json:"extraVolumes,omitempty"`
	ExtraMounts    []volumeMount         `json:"extraVolumeMounts,omitempty"`
	ServiceMonitor serviceMonitorValues  `json:"serviceMonitor"`
}

type providerValues struct {
	Name string `json:"name"`
}

type serviceAccountValues struct {
	Create      bool                  `json:"create"`
	Name        string                `json:"name"`
	Annotations pulumi.StringMapInput `json:"annotations,omitempty"`
}

type serviceMonitorValues struct {
	Enabled bool `json:"enabled"`
}

type volume struct {
	Name      string          `json:"name"`
	ConfigMap configMapSource `json:"configMap"`
}

type configMapSource struct {
	Name string `json:"name"`
}

type volumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
	ReadOnly  bool   `json:"readOnly"`
}

// azureConfigMap holds external-dns's Azure provider file, azure.json,
// mounted at /etc/kubernetes.
const azureConfigMap = "external-dns-azure"

// release is external-dns's Helm release: the teams' Ingresses and
// HTTPRoutes, for names in the public zone only, owned by the environment
// (TXT records), through identity.
func (r Resolved) release(identity *platform.WorkloadIdentity, zoneID pulumi.StringOutput) helm.Release {
	v := chartValues{
		Sources:        []string{"ingress", "gateway-httproute"},
		DomainFilters:  []string{r.spec.Domain},
		Policy:         r.externalDNS.Policy,
		Registry:       "txt",
		TxtOwnerID:     r.spec.Name,
		Interval:       "1m",
		ServiceAccount: serviceAccountValues{Create: true, Name: ExternalDNSServiceAccount},
		CommonLabels:   r.labels,
		Tolerations:    []helm.Toleration{helm.SystemPoolToleration},
		ServiceMonitor: serviceMonitorValues{Enabled: false},
	}
	if identity != nil {
		v.ServiceAccount.Annotations = identity.ServiceAccountAnnotations
		v.PodLabels = pulumi.ToStringMap(identity.PodLabels)
	}
	switch r.solver {
	case platform.DNS01AzureDNS:
		v.Provider.Name = "azure"
		v.ExtraVolumes = []volume{{Name: "azure-config", ConfigMap: configMapSource{Name: azureConfigMap}}}
		v.ExtraMounts = []volumeMount{{Name: "azure-config", MountPath: "/etc/kubernetes", ReadOnly: true}}
	case platform.DNS01CloudDNS:
		v.Provider.Name = "google"
		project := zoneID.ApplyT(func(id string) string {
			z, _ := format.ParseCloudDNSZoneID(id)
			return "--google-project=" + z.Project
		}).(pulumi.StringOutput)
		v.ExtraArgs = pulumi.StringArray{project, pulumi.String("--google-zone-visibility=public")}
	}
	return helm.Release{
		Chart: helm.ExternalDNS, Name: "external-dns", Namespace: ExternalDNSNamespace,
		PodSecurity: helm.Restricted, Values: v, Labels: r.labels,
	}
}

// azureConfig is azure.json for the zone zoneID: its subscription and
// resource group, and workload identity (the tenant and client come from
// the environment workload identity injects).
func azureConfig(zoneID pulumi.StringOutput) pulumi.StringOutput {
	return zoneID.ApplyT(func(id string) (string, error) {
		// The ID is the backend's, or one the zone's form checked: a test
		// backend standing in for Azure gives one of its own, which names
		// no subscription.
		z, _ := format.ParseAzureDNSZoneID(id)
		b, err := json.Marshal(map[string]any{"subscriptionId": z.Subscription, "resourceGroup": z.ResourceGroup, "useWorkloadIdentityExtension": true})
		return string(b), err
	}).(pulumi.StringOutput)
}
