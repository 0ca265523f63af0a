package backup

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform"
)

// veleroValues are the values of the Velero chart (vmware-tanzu/velero
// 11.x, Velero 1.17) Plinth sets. Everything else keeps the chart's
// default. Notable defaults kept: one server replica with the Recreate
// strategy (Velero has no leader election, so it must never run twice;
// Plinth's two-replica default does not apply), and the chart's CRD upgrade
// job (upgradeCRDs), which owns CRD upgrades when the chart is bumped
// because Helm never upgrades CRDs itself.
type veleroValues struct {
	InitContainers   []initContainer           `json:"initContainers"`
	Credentials      credentials               `json:"credentials"`
	ServiceAccount   serviceAccounts           `json:"serviceAccount"`
	Labels           map[string]string         `json:"labels,omitempty"`
	PodLabels        map[string]string         `json:"podLabels,omitempty"`
	Tolerations      []helm.Toleration         `json:"tolerations"`
	Configuration    configuration             `json:"configuration"`
	BackupsEnabled   bool                      `json:"backupsEnabled"`
	SnapshotsEnabled bool                      `json:"snapshotsEnabled"`
	DeployNodeAgent  bool                      `json:"deployNodeAgent"`
	NodeAgent        *nodeAgent                `json:"nodeAgent,omitempty"`
	Schedules        map[string]veleroSchedule `json:"schedules"`
	UpgradeCRDs      bool                      `json:"upgradeCRDs"`
	CleanUpCRDs      bool                      `json:"cleanUpCRDs"`
	Metrics          metrics                   `json:"metrics"`
	Kubectl          kubectl                   `json:"kubectl"`
	// ConfigMaps, ExtraVolumes and ExtraVolumeMounts carry the Azure
	// plugin's settings file (see azurePluginSettings).
	ConfigMaps        map[string]configMap `json:"configMaps,omitempty"`
	ExtraVolumes      []volume             `json:"extraVolumes,omitempty"`
	ExtraVolumeMounts []volumeMount        `json:"extraVolumeMounts,omitempty"`
}

// initContainer copies a plugin binary into the server's plugins volume.
type initContainer struct {
	Name            string        `json:"name"`
	Image           string        `json:"image"`
	ImagePullPolicy string        `json:"imagePullPolicy"`
	VolumeMounts    []volumeMount `json:"volumeMounts"`
}

type volumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
	ReadOnly  bool   `json:"readOnly,omitempty"`
}

type volume struct {
	Name      string          `json:"name"`
	ConfigMap configMapSource `json:"configMap"`
}

type configMapSource struct {
	Name string `json:"name"`
}

// configMap is one ConfigMap the chart creates, named "velero-<key>".
type configMap struct {
	Labels map[string]string     `json:"labels,omitempty"`
	Data   pulumi.StringMapInput `json:"data"`
}

// everyNodeToleration lets the node agent run on every node, whatever its
// taints: it must reach the volumes of every pod it backs up.
var everyNodeToleration = helm.Toleration{Operator: "Exists"}

type envVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// credentials: no secret; Velero authenticates through workload identity.
type credentials struct {
	UseSecret bool `json:"useSecret"`
}

type serviceAccounts struct {
	Server serviceAccount `json:"server"`
}

type serviceAccount struct {
	Create      bool                  `json:"create"`
	Name        string                `json:"name"`
	Annotations pulumi.StringMapInput `json:"annotations,omitempty"`
	Labels      map[string]string     `json:"labels,omitempty"`
}

type configuration struct {
	BackupStorageLocation  []backupStorageLocation  `json:"backupStorageLocation"`
	VolumeSnapshotLocation []volumeSnapshotLocation `json:"volumeSnapshotLocation"`
	// ExtraEnvVars go on the server and the node agent.
	ExtraEnvVars []envVar `json:"extraEnvVars,omitempty"`
}

type backupStorageLocation struct {
	Name     string                `json:"name"`
	Provider string                `json:"provider"`
	Bucket   pulumi.StringInput    `json:"bucket"`
	Default  bool                  `json:"default"`
	Config   pulumi.StringMapInput `json:"config,omitempty"`
}

type volumeSnapshotLocation struct {
	Name     string                `json:"name"`
	Provider string                `json:"provider"`
	Config   pulumi.StringMapInput `json:"config,omitempty"`
}

// nodeAgent is Velero's file-system backup daemon set; it runs as the
// server's service account, so it carries the identity's pod labels too.
type nodeAgent struct {
	Tolerations       []helm.Toleration `json:"tolerations"`
	Labels            map[string]string `json:"labels,omitempty"`
	PodLabels         map[string]string `json:"podLabels,omitempty"`
	ExtraVolumes      []volume          `json:"extraVolumes,omitempty"`
	ExtraVolumeMounts []volumeMount     `json:"extraVolumeMounts,omitempty"`
}

type veleroSchedule struct {
	Schedule string `json:"schedule"`
	// UseOwnerReferencesInBackup is false so that deleting or renaming a
	// Schedule never garbage-collects the backups it made.
	UseOwnerReferencesInBackup bool              `json:"useOwnerReferencesInBackup"`
	Labels                     map[string]string `json:"labels,omitempty"`
	Template                   backupTemplate    `json:"template"`
}

// backupTemplate is the spec of each Backup a Schedule creates.
type backupTemplate struct {
	TTL                      string   `json:"ttl"`
	StorageLocation          string   `json:"storageLocation"`
	IncludedNamespaces       []string `json:"includedNamespaces,omitempty"`
	ExcludedNamespaces       []string `json:"excludedNamespaces,omitempty"`
	SnapshotVolumes          bool     `json:"snapshotVolumes"`
	DefaultVolumesToFsBackup bool     `json:"defaultVolumesToFsBackup"`
}

type metrics struct {
	Enabled bool           `json:"enabled"`
	Service metricsService `json:"service"`
}

type metricsService struct {
	Labels map[string]string `json:"labels,omitempty"`
}

// kubectl configures the chart's CRD upgrade job.
type kubectl struct {
	Labels map[string]string `json:"labels,omitempty"`
}

// veleroInputs are the values known only once the storage and the identity
// exist.
type veleroInputs struct {
	bucket         pulumi.StringInput
	annotations    pulumi.StringMapInput
	podLabels      map[string]string
	backupConfig   pulumi.StringMapInput
	snapshotConfig pulumi.StringMapInput
	// diskScope is the cluster's DiskScope (the node resource group's
	// ARM ID on AKS).
	diskScope pulumi.StringInput
}

// placeholderInputs stand in for veleroInputs when only the keys of the
// values matter (checking raw values before anything is registered).
func placeholderInputs() veleroInputs {
	return veleroInputs{
		bucket:         pulumi.String(""),
		annotations:    pulumi.StringMap{},
		backupConfig:   pulumi.StringMap{},
		snapshotConfig: pulumi.StringMap{},
		diskScope:      pulumi.String(""),
	}
}

// veleroValues maps the resolved spec to the chart's values.
func newVeleroValues(s Spec, plugin platform.Velero, in veleroInputs) veleroValues {
	podLabels := platform.Tags(s.Labels).Merge(in.podLabels)
	v := veleroValues{
		InitContainers: []initContainer{{
			Name:            "velero-plugin-for-" + plugin.Provider,
			Image:           plugin.Plugin,
			ImagePullPolicy: "IfNotPresent",
			VolumeMounts:    []volumeMount{{Name: "plugins", MountPath: "/target"}},
		}},
		Credentials: credentials{UseSecret: false},
		ServiceAccount: serviceAccounts{Server: serviceAccount{
			Create:      true,
			Name:        ServiceAccount,
			Annotations: in.annotations,
			Labels:      s.Labels,
		}},
		Labels:      s.Labels,
		PodLabels:   podLabels,
		Tolerations: []helm.Toleration{helm.SystemPoolToleration},
		Configuration: configuration{
			BackupStorageLocation: []backupStorageLocation{{
				Name: StorageLocation, Provider: plugin.Provider, Bucket: in.bucket, Default: true, Config: in.backupConfig,
			}},
			VolumeSnapshotLocation: []volumeSnapshotLocation{{
				Name: StorageLocation, Provider: plugin.Provider, Config: in.snapshotConfig,
			}},
		},
		BackupsEnabled:   true,
		SnapshotsEnabled: true,
		DeployNodeAgent:  s.NodeAgent,
		Schedules:        map[string]veleroSchedule{},
		UpgradeCRDs:      true,
		CleanUpCRDs:      false,
		Metrics:          metrics{Enabled: true, Service: metricsService{Labels: s.Labels}},
		Kubectl:          kubectl{Labels: s.Labels},
	}
	if s.NodeAgent {
		v.NodeAgent = &nodeAgent{Tolerations: []helm.Toleration{everyNodeToleration}, Labels: s.Labels, PodLabels: podLabels}
	}
	if plugin.Settings != nil {
		// The plugin's settings file: ConfigMap "velero-<provider>-plugin",
		// mounted at /plinth/<provider>-plugin/cloud. It holds no key or
		// secret (the identity comes from workload identity), so it is a
		// ConfigMap, not a Secret.
		cm := plugin.Provider + "-plugin"
		dir := "/plinth/" + cm
		settings := in.diskScope.ToStringOutput().ApplyT(plugin.Settings).(pulumi.StringOutput)
		v.ConfigMaps = map[string]configMap{cm: {
			Labels: s.Labels,
			Data:   pulumi.StringMap{settingsFile: settings},
		}}
		vol := []volume{{Name: cm, ConfigMap: configMapSource{Name: ReleaseName + "-" + cm}}}
		mount := []volumeMount{{Name: cm, MountPath: dir, ReadOnly: true}}
		v.ExtraVolumes, v.ExtraVolumeMounts = vol, mount
		v.Configuration.ExtraEnvVars = []envVar{{Name: plugin.SettingsVariable, Value: dir + "/" + settingsFile}}
		// configuration.extraEnvVars reach the node agent too: it needs
		// the file wherever the variable points.
		if v.NodeAgent != nil {
			v.NodeAgent.ExtraVolumes, v.NodeAgent.ExtraVolumeMounts = vol, mount
		}
	}
	for _, sc := range s.Schedules {
		v.Schedules[sc.Name] = veleroSchedule{
			Schedule:                   sc.Cron,
			UseOwnerReferencesInBackup: false,
			Labels:                     s.Labels,
			Template: backupTemplate{
				TTL:                      sc.TTL.String(),
				StorageLocation:          StorageLocation,
				IncludedNamespaces:       sc.IncludedNamespaces,
				ExcludedNamespaces:       sc.ExcludedNamespaces,
				SnapshotVolumes:          sc.Volumes == platform.VolumeSnapshots,
				DefaultVolumesToFsBackup: sc.Volumes == platform.VolumeFileSystem,
			},
		}
	}
	return v
}

// metricsPort is the Velero server's container port serving Prometheus
// metrics (8085), named by the chart.
const metricsPort = "http-monitoring"

// settingsFile is the name of a Velero plugin's settings file in its
// ConfigMap.
const settingsFile = "cloud"
