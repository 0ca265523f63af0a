package backup

import (
	"errors"
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/internal/scrape"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// TypeToken is the Pulumi type of the Backup component.
const TypeToken = "plinth:components:Backup"

// Backend is what the Backup component needs from a cloud backend: storage
// for the backups and a workload identity for Velero. Backup for GKE
// (GKEOptions.BackupForGKE) also needs platform.ManagedBackupBackend, which
// only the GKE backend implements.
type Backend interface {
	platform.BackupStorageBackend
	platform.WorkloadIdentityBackend
}

// Redundancy says where backup storage keeps its copies.
type Redundancy string

// The redundancy levels.
const (
	// ZoneRedundant keeps copies in three zones of the cluster's region:
	// Azure ZRS, a regional GCS bucket.
	ZoneRedundant Redundancy = "zone"
	// GeoRedundant also keeps copies in a second region: Azure GRS (the
	// region's pair), a GCS multi-region bucket.
	GeoRedundant Redundancy = "geo"
)

// Args are a Backup's settings: plain data, the same in Go and YAML. Every
// field has a default, documented on the field. The backups of a
// production target (platform.Target.Production) are always locked: their
// storage is protected from deletion by Pulumi and, on Azure, by a
// CanNotDelete lock, with no opt-out; and the production defaults below
// apply.
type Args struct {
	// Schedules are the recurring backups. Unset: DefaultProductionSchedules
	// (daily for 30 days, weekly for 90) in production,
	// DefaultDevSchedules (daily for 7 days) elsewhere.
	Schedules []Schedule

	// Redundancy says where the storage keeps copies. Unset:
	// DefaultProductionRedundancy (GeoRedundant) in production,
	// DefaultDevRedundancy (ZoneRedundant) elsewhere. Choose ZoneRedundant in
	// production where data must stay in one region or the region has no
	// pair.
	Redundancy Redundancy

	// SoftDeleteDays is how long deleted backups stay recoverable in the
	// storage, 7..90. Unset: DefaultProductionSoftDeleteDays (30) in
	// production, DefaultDevSoftDeleteDays (7) elsewhere.
	SoftDeleteDays int

	// GKE holds options that exist on GKE only. Set them only on a cloud
	// with Backup for GKE (platform.CloudFacts.ManagedBackup); elsewhere
	// they are an error.
	GKE GKEOptions

	// Values are raw Helm values for the Velero chart. They may add keys;
	// a key Plinth sets from a typed field is an error. Unset: none.
	Values map[string]any

	// Tags go on every cloud resource that accepts tags or labels, merged
	// over the cluster's tags. With "managed-by": "plinth" added, they also
	// label the namespace and the Velero objects that take labels. GCP
	// label rules apply; "managed-by" may only be "plinth". Unset: the
	// cluster's tags.
	Tags map[string]string
}

// Schedule is one recurring backup.
type Schedule struct {
	// Name identifies the schedule: 1-63 lowercase letters, digits and '-'
	// (a DNS label), unique within the Backup. Velero names the Schedule
	// "velero-<name>" and its backups "velero-<name>-<timestamp>". Renaming
	// a schedule starts a new series; the old backups expire by their TTL.
	Name string
	// Cron is a five-field cron expression in UTC, e.g. "0 1 * * *" (see
	// internal/cron for what is accepted). Required.
	Cron string
	// TTL is how long each backup is kept: positive, whole hours (with
	// Backup for GKE whole days, at most MaxBackupForGKEDays), e.g.
	// 30 * backup.Day. Required.
	TTL time.Duration
	// IncludedNamespaces limits the backup to these namespaces. Unset:
	// every namespace.
	IncludedNamespaces []string
	// ExcludedNamespaces are left out. A namespace cannot be both included
	// and excluded; Backup for GKE cannot exclude namespaces. Unset: none.
	ExcludedNamespaces []string
	// Volumes says how persistent volumes are captured: snapshots, file
	// system (Velero's node agent; needs privileged pods in the velero
	// namespace; not with Backup for GKE) or none. Unset: DefaultVolumes
	// (snapshots).
	Volumes platform.VolumeBackup
}

// GKEOptions are GKE-only options.
type GKEOptions struct {
	// BackupForGKE adds Backup for GKE, Google's managed backup: one backup
	// plan per schedule, beside Velero unless WithoutVelero, so every
	// schedule must suit both. It needs the cluster's backup agent
	// (cluster.Args.GKE.BackupAgent), and New a backend that implements
	// platform.ManagedBackupBackend. Unset: off.
	BackupForGKE bool
	// WithoutVelero uses Backup for GKE instead of Velero: no storage, no
	// identity and no Velero are created. It requires BackupForGKE. Unset:
	// Velero is installed.
	WithoutVelero bool
}

// Spec is the resolved Backup: Args with every default applied.
type Spec struct {
	// Name is the component's logical name.
	Name string
	// Production and Locked: production storage and backup plans are
	// locked.
	Production, Locked bool
	// Schedules are the recurring backups, each fully set.
	Schedules []platform.BackupSchedule
	// Velero says whether storage, identity and Velero are created;
	// BackupForGKE whether backup plans are.
	Velero, BackupForGKE bool
	// Redundancy and SoftDeleteDays configure the storage; zero without
	// Velero.
	Redundancy     Redundancy
	SoftDeleteDays int
	// Tags go on cloud resources: the cluster's tags with Args.Tags over
	// them.
	Tags platform.Tags
	// Labels go on Kubernetes objects: Tags and "managed-by": "plinth".
	Labels map[string]string
	// PodSecurity is enforced on the velero namespace: baseline, or
	// privileged when the node agent runs (file-system backups).
	PodSecurity helm.PodSecurity
	// NodeAgent says whether Velero's node agent runs: when a schedule uses
	// platform.VolumeFileSystem.
	NodeAgent bool
}

// Backup is the component resource. Its fields are set once New returns.
type Backup struct {
	pulumi.ResourceState

	// Spec is the resolved Backup.
	Spec Spec
	// Storage is the backend's backup storage; nil without Velero.
	Storage *platform.BackupStorageOutputs
	// Identity is Velero's workload identity; nil without Velero.
	Identity *platform.WorkloadIdentity
	// Release is Velero's Helm release; nil without Velero.
	Release *helm.ReleaseResource

	// Bucket is the blob container (Azure) or bucket (GCP) Velero writes
	// to; empty without Velero.
	Bucket pulumi.StringOutput `pulumi:"bucket"`
	// Namespace is Velero's namespace; empty without Velero.
	Namespace pulumi.StringOutput `pulumi:"namespace"`
	// Schedules are the schedule names, in Args order.
	Schedules pulumi.StringArrayOutput `pulumi:"schedules"`
}

// Resolved is a Backup's settings, validated and completed against its
// target and cluster: what New creates. Only Args.Resolve makes one.
type Resolved struct {
	spec   Spec
	velero platform.Velero
	values map[string]any
	path   field.Path
	// metrics is Velero's metrics endpoint and monitor, nil without Velero
	// or when the cluster's managed metrics are off.
	metrics *scrape.Target
	monitor platform.PodMonitorKind
}

// Spec returns the resolved spec.
func (r Resolved) Spec() Spec { return r.spec }

// New creates what r describes through backend, for host (the cluster r
// was resolved against): the backup storage, Velero's workload identity
// and the Velero release in the cluster, and, when asked, Backup for GKE's
// backup plans, which need a backend that implements
// platform.ManagedBackupBackend.
func New(ctx *pulumi.Context, r Resolved, backend Backend, host cluster.Host, opts ...pulumi.ResourceOption) (*Backup, error) {
	spec, name := r.spec, r.spec.Name
	switch {
	case name == "":
		return nil, errors.New("backup: not resolved; pass what Args.Resolve returns")
	case backend == nil:
		return nil, fmt.Errorf("backup %q: no backend; pass the backend the cluster was created with", name)
	}
	if err := cluster.CheckHost("backup", name, host); err != nil {
		return nil, err
	}
	if f, err := platform.LookupCloud(backend.Cloud()); err == nil && spec.Velero && f.Velero.Provider != "" && f.Velero.Provider != r.velero.Provider {
		return nil, fmt.Errorf("backup %q: resolved for Velero's %q plugin, but the backend deploys to %s, whose plugin is %q; resolve it against the backend's cloud", name, r.velero.Provider, f.Cloud, f.Velero.Provider)
	}
	managed, ok := backend.(platform.ManagedBackupBackend)
	if spec.BackupForGKE && !ok {
		return nil, fmt.Errorf("backup %q: gke.backupForGKE needs a backend with managed backups (platform.ManagedBackupBackend), and %T has none; pass the gke backend", name, backend)
	}
	b := &Backup{Spec: spec}
	if err := ctx.RegisterComponentResource(TypeToken, name, b, opts...); err != nil {
		return nil, err
	}
	out := host.ClusterOutputs()
	b.Bucket = pulumi.String("").ToStringOutput()
	b.Namespace = pulumi.String("").ToStringOutput()
	if spec.Velero {
		if err := b.installVelero(ctx, r, backend, host); err != nil {
			return nil, fmt.Errorf("backup %q: %w", name, err)
		}
	}
	if spec.BackupForGKE {
		err := managed.NewManagedBackup(ctx, platform.ManagedBackupSpec{
			Name:      platform.ChildName(name, "gke-backup"),
			Cluster:   out,
			Schedules: spec.Schedules,
			Locked:    spec.Locked,
			Tags:      spec.Tags,
		}, pulumi.Parent(b))
		if err != nil {
			return nil, fmt.Errorf("backup %q: %w", name, err)
		}
	}
	names := make([]string, len(spec.Schedules))
	for i, s := range spec.Schedules {
		names[i] = s.Name
	}
	b.Schedules = pulumi.ToStringArray(names).ToStringArrayOutput()
	err := ctx.RegisterResourceOutputs(b, pulumi.Map{
		"bucket":    b.Bucket,
		"namespace": b.Namespace,
		"schedules": b.Schedules,
	})
	return b, err
}

// installVelero creates the storage, the identity and the release.
func (b *Backup) installVelero(ctx *pulumi.Context, r Resolved, backend Backend, host cluster.Host) error {
	spec, out := b.Spec, host.ClusterOutputs()
	// Where the cloud's storage takes a private endpoint, it goes into the
	// cluster's network (Resolve checked that the network has the subnet).
	storage, err := backend.NewBackupStorage(ctx, platform.BackupStorageSpec{
		Name:           platform.ChildName(spec.Name, "backup"),
		Cluster:        out,
		Network:        host.ClusterSpec().Network,
		GeoRedundant:   spec.Redundancy == GeoRedundant,
		SoftDeleteDays: spec.SoftDeleteDays,
		Locked:         spec.Locked,
		Tags:           spec.Tags,
	}, pulumi.Parent(b))
	if err != nil {
		return err
	}
	if p := storage.VeleroProvider; p != "" && p != r.velero.Provider {
		return fmt.Errorf("the backend's backup storage is for Velero's %q plugin, but the backup was resolved for %q; resolve it against the backend's cloud", p, r.velero.Provider)
	}
	identity, err := backend.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
		Name:           platform.ChildName(spec.Name, "velero"),
		Cluster:        out,
		Namespace:      Namespace,
		ServiceAccount: ServiceAccount,
		Grants:         storage.Grants,
		Tags:           spec.Tags,
	}, pulumi.Parent(b))
	if err != nil {
		return err
	}
	locs := storage.Locations(identity)
	values := newVeleroValues(spec, r.velero, veleroInputs{
		bucket:         storage.Bucket,
		annotations:    identity.ServiceAccountAnnotations,
		podLabels:      identity.PodLabels,
		backupConfig:   locs.Backup,
		snapshotConfig: locs.Snapshot,
		diskScope:      out.DiskScope,
	})
	installed, err := helm.Install(ctx, platform.ChildName(spec.Name, "velero"), helm.Release{
		Chart:       helm.Velero,
		Name:        ReleaseName,
		Namespace:   Namespace,
		PodSecurity: spec.PodSecurity,
		Values:      values,
		Raw:         r.values,
		RawPath:     valuesPath(r.path),
		Labels:      spec.Labels,
	}, pulumi.Parent(b), pulumi.Provider(host.KubernetesProvider()))
	if err != nil {
		return err
	}
	b.Storage, b.Identity, b.Release = storage, identity, installed.Release
	b.Bucket = storage.Bucket
	b.Namespace = installed.Namespace.Metadata.Name().Elem()
	if r.metrics != nil {
		// Velero's metrics (backup successes and failures by schedule),
		// scraped by the cluster's managed Prometheus.
		if _, err := scrape.PodMonitor(ctx, platform.ChildName(spec.Name, "velero-metrics"), ReleaseName, r.monitor, *r.metrics,
			pulumi.Parent(b), pulumi.Provider(host.KubernetesProvider()), pulumi.DependsOn([]pulumi.Resource{installed.Release})); err != nil {
			return err
		}
	}
	return nil
}

// Resolve validates a against t and the resolved cluster it backs up,
// applies the defaults and returns what New creates. Problems are reported
// under path, all at once. It is pure: it asks no backend and registers
// nothing.
func (a Args) Resolve(name string, path field.Path, t platform.Target, c platform.ClusterSpec) (Resolved, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	full := a.withDefaults(t.Production)
	errs = append(errs, full.validate(name, path, t, c)...)
	spec := full.spec(name, t.Production, c.Tags)
	if spec.Velero && t.Cloud.Velero.Plugin != "" {
		// Raw values may not override typed ones. The typed keys do not
		// depend on the outputs the values will carry, so placeholders
		// find every collision before anything is registered.
		_, err := helm.Merge(helm.Encode(newVeleroValues(spec, t.Cloud.Velero, placeholderInputs())), a.Values, valuesPath(path))
		errs.Extend(valuesPath(path), err)
	}
	if err := errs.Err(); err != nil {
		return Resolved{}, err
	}
	var metrics *scrape.Target
	if spec.Velero {
		metrics = scrape.For(t.Cloud.PodMonitor, c, scrape.Target{
			Namespace: Namespace, Port: metricsPort, Path: "/metrics", Labels: spec.Labels,
			Selector: map[string]string{"app.kubernetes.io/name": "velero", "app.kubernetes.io/instance": ReleaseName},
		})
	}
	return Resolved{spec: spec, velero: t.Cloud.Velero, values: a.Values, path: path, metrics: metrics, monitor: t.Cloud.PodMonitor}, nil
}

func valuesPath(path field.Path) field.Path { return path.Child("values") }

// spec builds the resolved spec from validated, defaulted args.
func (a Args) spec(name string, production bool, clusterTags platform.Tags) Spec {
	s := Spec{
		Name:           name,
		Production:     production,
		Locked:         production,
		Velero:         !a.GKE.WithoutVelero,
		BackupForGKE:   a.GKE.BackupForGKE,
		Redundancy:     a.Redundancy,
		SoftDeleteDays: a.SoftDeleteDays,
		Tags:           clusterTags.Merge(a.Tags),
		Labels:         clusterTags.Merge(a.Tags, map[string]string{managedByKey: managedByValue}),
		PodSecurity:    helm.Baseline,
	}
	for _, sc := range a.Schedules {
		s.Schedules = append(s.Schedules, platform.BackupSchedule{
			Name:               sc.Name,
			Cron:               sc.Cron,
			TTL:                sc.TTL,
			IncludedNamespaces: append([]string(nil), sc.IncludedNamespaces...),
			ExcludedNamespaces: append([]string(nil), sc.ExcludedNamespaces...),
			Volumes:            sc.Volumes,
		})
		if sc.Volumes == platform.VolumeFileSystem && s.Velero {
			s.NodeAgent = true
			// The node agent mounts the kubelet's pod directories from the
			// host and runs as root, which baseline forbids.
			s.PodSecurity = helm.Privileged
		}
	}
	return s
}
