package backup

import (
	"fmt"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/internal/helm"
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

// Args configures a Backup. Backend and Cluster are required; every other
// field has a default, documented on the field.
type Args struct {
	// Backend creates the storage, Velero's identity and, for Backup for
	// GKE, the backup plans: the same aks.New(...) or gke.New(...) backend
	// the cluster was created with. Required.
	Backend Backend `yaml:"-"`

	// Cluster is the cluster to back up; Velero is installed into it
	// through its Kubernetes provider. Required.
	Cluster *cluster.Cluster `yaml:"-"`

	// Production marks backups of a production cluster. Their storage is
	// always locked (protected from deletion by Pulumi and, on Azure, by a
	// CanNotDelete lock; there is no opt-out), and the production defaults
	// below apply.
	Production bool `yaml:"-"`

	// Schedules are the recurring backups. Unset: DefaultProductionSchedules
	// (daily for 30 days, weekly for 90) with Production,
	// DefaultDevSchedules (daily for 7 days) without.
	Schedules []Schedule

	// Redundancy says where the storage keeps copies. Unset:
	// DefaultProductionRedundancy (GeoRedundant) with Production,
	// DefaultDevRedundancy (ZoneRedundant) without. Choose ZoneRedundant in
	// production where data must stay in one region or the region has no
	// pair.
	Redundancy Redundancy

	// SoftDeleteDays is how long deleted backups stay recoverable in the
	// storage, 7..90. Unset: DefaultProductionSoftDeleteDays (30) with
	// Production, DefaultDevSoftDeleteDays (7) without.
	SoftDeleteDays int

	// GKE holds options that exist on GKE only. Set them only with a GKE
	// backend; with another backend they are an error.
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
	// (cluster.Args.GKE.BackupAgent) and a backend that implements
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

// New validates args, then creates the backup storage, Velero's workload
// identity and the Velero release in the cluster, and, when asked, Backup
// for GKE's backup plans. On invalid args it returns every problem (a
// *field.ErrorList) and registers nothing.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Backup, error) {
	if args == nil {
		args = &Args{}
	}
	spec, err := args.Resolve(name, field.NewPath("backup"))
	if err != nil {
		return nil, err
	}
	b := &Backup{Spec: spec}
	if err := ctx.RegisterComponentResource(TypeToken, name, b, opts...); err != nil {
		return nil, err
	}
	out := args.Cluster.Outputs
	b.Bucket = pulumi.String("").ToStringOutput()
	b.Namespace = pulumi.String("").ToStringOutput()
	if spec.Velero {
		if err := b.installVelero(ctx, args, out); err != nil {
			return nil, fmt.Errorf("backup %q: %w", name, err)
		}
	}
	if spec.BackupForGKE {
		managed := args.Backend.(platform.ManagedBackupBackend) // checked by Resolve
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
	err = ctx.RegisterResourceOutputs(b, pulumi.Map{
		"bucket":    b.Bucket,
		"namespace": b.Namespace,
		"schedules": b.Schedules,
	})
	return b, err
}

// installVelero creates the storage, the identity and the release.
func (b *Backup) installVelero(ctx *pulumi.Context, args *Args, out *platform.ClusterOutputs) error {
	spec := b.Spec
	storage, err := args.Backend.NewBackupStorage(ctx, platform.BackupStorageSpec{
		Name:           platform.ChildName(spec.Name, "backup"),
		Cluster:        out,
		GeoRedundant:   spec.Redundancy == GeoRedundant,
		SoftDeleteDays: spec.SoftDeleteDays,
		Locked:         spec.Locked,
		Tags:           spec.Tags,
	}, pulumi.Parent(b))
	if err != nil {
		return err
	}
	image, ok := pluginImages[storage.VeleroProvider]
	if !ok {
		return fmt.Errorf("the backend's backup storage names the Velero provider %q, for which Plinth pins no plugin (%s)", storage.VeleroProvider, knownProviders())
	}
	identity, err := args.Backend.NewWorkloadIdentity(ctx, platform.WorkloadIdentitySpec{
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
	values := newVeleroValues(spec, storage.VeleroProvider, image, veleroInputs{
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
		Raw:         args.Values,
		RawPath:     valuesPath(field.NewPath("backup")),
		Labels:      spec.Labels,
	}, pulumi.Parent(b), pulumi.Provider(args.Cluster.Provider))
	if err != nil {
		return err
	}
	b.Storage, b.Identity, b.Release = storage, identity, installed.Release
	b.Bucket = storage.Bucket
	b.Namespace = installed.Namespace.Metadata.Name().Elem()
	return nil
}

// Resolve validates args, applies the defaults and returns the resolved
// spec. Problems are reported under path, all at once.
func (a *Args) Resolve(name string, path field.Path) (Spec, error) {
	var errs field.List
	errs.Add(platform.ValidateName(path.Child("name"), name))
	if a.Backend == nil {
		errs.Add(field.Required(path.Child("backend"), "pass the cloud backend the cluster was created with"))
	}
	switch {
	case a.Cluster == nil:
		errs.Add(field.Required(path.Child("cluster"), "pass the *cluster.Cluster returned by cluster.New"))
	case a.Cluster.Outputs == nil || a.Cluster.Provider == nil:
		errs.Add(field.Required(path.Child("cluster"), "the cluster has no outputs or Kubernetes provider; pass the *cluster.Cluster returned by cluster.New"))
	}
	if err := errs.Err(); err != nil {
		return Spec{}, err
	}
	full := a.withDefaults()
	errs = append(errs, full.validate(name, path)...)
	spec := full.spec(name)
	if provider := string(a.Backend.Cloud()); spec.Velero && pluginImages[provider] != "" {
		// Raw values may not override typed ones. The typed keys do not
		// depend on the outputs the values will carry, so placeholders
		// find every collision before anything is registered.
		_, err := helm.Merge(helm.Encode(newVeleroValues(spec, provider, pluginImages[provider], placeholderInputs())), a.Values, valuesPath(path))
		errs.Extend(valuesPath(path), err)
	}
	if err := errs.Err(); err != nil {
		return Spec{}, err
	}
	return spec, nil
}

func valuesPath(path field.Path) field.Path { return path.Child("values") }

// spec builds the resolved spec from validated, defaulted args.
func (a Args) spec(name string) Spec {
	s := Spec{
		Name:           name,
		Production:     a.Production,
		Locked:         a.Production,
		Velero:         !a.GKE.WithoutVelero,
		BackupForGKE:   a.GKE.BackupForGKE,
		Redundancy:     a.Redundancy,
		SoftDeleteDays: a.SoftDeleteDays,
		Tags:           a.Cluster.Spec.Tags.Merge(a.Tags),
		Labels:         a.Cluster.Spec.Tags.Merge(a.Tags, map[string]string{managedByKey: managedByValue}),
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
