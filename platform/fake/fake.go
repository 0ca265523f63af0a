package fake

import (
	"fmt"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Resource types the fake registers; internal/mockcloud answers them.
const (
	ProviderType = "pulumi:providers:plinthfake"
	NetworkType  = "plinthfake:index:Network"
	SubnetType   = "plinthfake:index:Subnet"
	EgressIPType = "plinthfake:index:EgressIP"
	ClusterType  = "plinthfake:index:Cluster"
	NodePoolType = "plinthfake:index:NodePool"
	IdentityType = "plinthfake:index:Identity"
	GrantType    = "plinthfake:index:Grant"
	BucketType   = "plinthfake:index:Bucket"
	// BackupPlanType is one managed backup plan per schedule.
	BackupPlanType = "plinthfake:index:BackupPlan"
	// ScheduleType is one power schedule per action (stop, start).
	ScheduleType = "plinthfake:index:Schedule"
)

// Backend implements the platform contract without a cloud. Create it with
// New inside a Pulumi program.
type Backend struct {
	provider pulumi.ProviderResource

	mu         sync.Mutex
	networks   []platform.NetworkSpec
	clusters   []platform.ClusterSpec
	identities []platform.WorkloadIdentitySpec
	storages   []platform.BackupStorageSpec
	managed    []platform.ManagedBackupSpec
	power      []platform.PowerScheduleSpec
	secrets    []platform.SecretStoreSpec
	registries []platform.RegistrySpec
	policies   []platform.WorkloadPolicySpec
	zones      []platform.DNSZonesSpec
	edges      []platform.EdgeSpec

	observability []platform.ObservabilitySpec
}

var (
	_ platform.Backend                 = (*Backend)(nil)
	_ platform.NetworkBackend          = (*Backend)(nil)
	_ platform.ClusterBackend          = (*Backend)(nil)
	_ platform.WorkloadIdentityBackend = (*Backend)(nil)
	_ platform.LoadBalancerBackend     = (*Backend)(nil)
	_ platform.BackupStorageBackend    = (*Backend)(nil)
	_ platform.ManagedBackupBackend    = (*Backend)(nil)
	_ platform.PowerScheduleBackend    = (*Backend)(nil)
	_ platform.SecretsBackend          = (*Backend)(nil)
	_ platform.RegistryBackend         = (*Backend)(nil)
	_ platform.WorkloadPolicyBackend   = (*Backend)(nil)
	_ platform.DNSBackend              = (*Backend)(nil)
	_ platform.EdgeBackend             = (*Backend)(nil)
	_ platform.ProviderBackend         = (*Backend)(nil)
)

type providerState struct{ pulumi.ProviderResourceState }

type resourceState struct {
	pulumi.CustomResourceState
	Name        pulumi.StringOutput `pulumi:"name"`
	Address     pulumi.StringOutput `pulumi:"address"`
	Endpoint    pulumi.StringOutput `pulumi:"endpoint"`
	IssuerURL   pulumi.StringOutput `pulumi:"issuerUrl"`
	ClientID    pulumi.StringOutput `pulumi:"clientId"`
	PrincipalID pulumi.StringOutput `pulumi:"principalId"`
}

// New registers the fake's explicit provider, named name.
func New(ctx *pulumi.Context, name string, opts ...pulumi.ResourceOption) (*Backend, error) {
	var p providerState
	if err := ctx.RegisterResource(ProviderType, name, pulumi.Map{}, &p, opts...); err != nil {
		return nil, err
	}
	return &Backend{provider: &p}, nil
}

// Cloud returns platform.CloudFake.
func (b *Backend) Cloud() platform.Cloud { return platform.CloudFake }

// Provider returns the fake's provider (platform.ProviderBackend).
func (b *Backend) Provider() pulumi.ProviderResource { return b.provider }

// Networks returns the specs NewNetwork received, in call order.
func (b *Backend) Networks() []platform.NetworkSpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]platform.NetworkSpec(nil), b.networks...)
}

// Clusters returns the specs NewCluster received, in call order.
func (b *Backend) Clusters() []platform.ClusterSpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]platform.ClusterSpec(nil), b.clusters...)
}

// Identities returns the specs NewWorkloadIdentity received, in call order.
func (b *Backend) Identities() []platform.WorkloadIdentitySpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]platform.WorkloadIdentitySpec(nil), b.identities...)
}

// NewNetwork registers one network, one subnet per role and one egress
// address per NAT IP, all parented by opts and named after spec.Name.
func (b *Backend) NewNetwork(ctx *pulumi.Context, spec platform.NetworkSpec, opts ...pulumi.ResourceOption) (*platform.NetworkOutputs, error) {
	b.mu.Lock()
	b.networks = append(b.networks, spec)
	b.mu.Unlock()

	opts = append(opts, pulumi.Provider(b.provider))
	n := spec.Name
	var nw resourceState
	err := ctx.RegisterResource(NetworkType, platform.ChildName(n, "network"), pulumi.Map{
		"name":         pulumi.String(platform.ChildName(n, "network")),
		"addressSpace": pulumi.String(spec.AddressSpace),
		"podCidr":      pulumi.String(spec.PodCIDR),
		"serviceCidr":  pulumi.String(spec.ServiceCIDR),
		"locked":       pulumi.Bool(spec.Locked),
		"tags":         pulumi.ToStringMap(spec.Tags),
	}, &nw, opts...)
	if err != nil {
		return nil, err
	}
	out := &platform.NetworkOutputs{
		ID:        nw.ID().ToStringOutput(),
		Name:      nw.Name,
		Subnets:   map[platform.SubnetRole]platform.SubnetOutputs{},
		EgressIPs: pulumi.ToStringArray(nil).ToStringArrayOutput(),
	}
	for _, sn := range spec.Subnets {
		var s resourceState
		err := ctx.RegisterResource(SubnetType, platform.ChildName(n, string(sn.Role)), pulumi.Map{
			"name":    pulumi.String(string(sn.Role)),
			"network": nw.ID(),
			"cidr":    pulumi.String(sn.CIDR),
		}, &s, opts...)
		if err != nil {
			return nil, err
		}
		out.Subnets[sn.Role] = platform.SubnetOutputs{ID: s.ID().ToStringOutput(), Name: s.Name}
	}
	if spec.NAT.Enabled {
		var ips pulumi.StringArray
		for i := range spec.NAT.IPCount {
			name := platform.ChildName(n, fmt.Sprintf("egress-ip-%d", i+1))
			var ip resourceState
			if err := ctx.RegisterResource(EgressIPType, name, pulumi.Map{"name": pulumi.String(name), "tags": pulumi.ToStringMap(spec.Tags)}, &ip, opts...); err != nil {
				return nil, err
			}
			ips = append(ips, ip.Address)
		}
		out.EgressIPs = ips.ToStringArrayOutput()
	}
	return out, nil
}

// NewCluster registers one cluster and one node pool per spec pool, and
// returns a secret exec-style kubeconfig that names no real credential.
func (b *Backend) NewCluster(ctx *pulumi.Context, spec platform.ClusterSpec, opts ...pulumi.ResourceOption) (*platform.ClusterOutputs, error) {
	b.mu.Lock()
	b.clusters = append(b.clusters, spec)
	b.mu.Unlock()

	opts = append(opts, pulumi.Provider(b.provider))
	n := spec.Name
	var c resourceState
	err := ctx.RegisterResource(ClusterType, platform.ChildName(n, "cluster"), pulumi.Map{
		"name":              pulumi.String(platform.ChildName(n, "cluster")),
		"kubernetesVersion": pulumi.String(spec.KubernetesVersion),
		"network":           spec.Network.Outputs.ID,
		"nodeSubnet":        spec.Network.Outputs.Subnets[platform.SubnetNodes].ID,
		"privateApi":        pulumi.Bool(spec.PrivateAPI),
		"authorizedCidrs":   pulumi.ToStringArray(spec.AuthorizedCIDRs),
		"channel":           pulumi.String(string(spec.Channel)),
		"tier":              pulumi.String(string(spec.Tier)),
		"tags":              pulumi.ToStringMap(spec.Tags),
	}, &c, opts...)
	if err != nil {
		return nil, err
	}
	for _, p := range spec.Pools {
		var taints []string
		for _, t := range p.Taints {
			taints = append(taints, t.String())
		}
		var np resourceState
		err := ctx.RegisterResource(NodePoolType, platform.ChildName(n, p.Name), pulumi.Map{
			"name":     pulumi.String(p.Name),
			"cluster":  c.ID(),
			"system":   pulumi.Bool(p.System),
			"minCount": pulumi.Int(p.MinCount),
			"maxCount": pulumi.Int(p.MaxCount),
			"zones":    pulumi.ToStringArray(p.Zones),
			"taints":   pulumi.ToStringArray(taints),
			"tags":     pulumi.ToStringMap(spec.Tags),
		}, &np, opts...)
		if err != nil {
			return nil, err
		}
	}
	kubeconfig := c.Endpoint.ApplyT(func(ep string) string {
		return fmt.Sprintf("apiVersion: v1\nkind: Config\nclusters:\n- name: %[1]s\n  cluster:\n    server: %[2]s\n"+
			"users:\n- name: %[1]s\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: fake-auth-plugin\n", n, ep)
	}).(pulumi.StringOutput)
	return &platform.ClusterOutputs{
		Name:                    c.Name,
		ID:                      c.ID().ToStringOutput(),
		Endpoint:                c.Endpoint,
		OIDCIssuerURL:           c.IssuerURL,
		Kubeconfig:              pulumi.ToSecret(kubeconfig).(pulumi.StringOutput),
		ControlPlanePrincipalID: c.PrincipalID,
		NodeIdentity:            c.ClientID,
		WorkloadIdentityPool:    c.IssuerURL,
		DiskScope:               pulumi.Sprintf("fake://disks/%s", c.Name),
	}, nil
}

// NewWorkloadIdentity registers one identity and one grant per spec grant.
func (b *Backend) NewWorkloadIdentity(ctx *pulumi.Context, spec platform.WorkloadIdentitySpec, opts ...pulumi.ResourceOption) (*platform.WorkloadIdentity, error) {
	b.mu.Lock()
	b.identities = append(b.identities, spec)
	b.mu.Unlock()

	opts = append(opts, pulumi.Provider(b.provider))
	var id resourceState
	err := ctx.RegisterResource(IdentityType, platform.ChildName(spec.Name, "identity"), pulumi.Map{
		"name":    pulumi.String(platform.ChildName(spec.Name, "identity")),
		"issuer":  spec.Cluster.OIDCIssuerURL,
		"subject": pulumi.String(spec.Subject()),
		"tags":    pulumi.ToStringMap(spec.Tags),
	}, &id, opts...)
	if err != nil {
		return nil, err
	}
	for i, g := range spec.Grants {
		var gr resourceState
		name := platform.ChildName(spec.Name, fmt.Sprintf("grant-%d", i+1))
		err := ctx.RegisterResource(GrantType, name, pulumi.Map{
			"name":      pulumi.String(name),
			"role":      pulumi.String(string(g.Role)),
			"scope":     g.Scope,
			"principal": id.PrincipalID,
		}, &gr, opts...)
		if err != nil {
			return nil, err
		}
	}
	return &platform.WorkloadIdentity{
		ServiceAccountAnnotations: pulumi.StringMap{"plinth.dev/fake-identity": id.ClientID}.ToStringMapOutput(),
		PodLabels:                 map[string]string{"plinth.dev/fake-identity": "true"},
		ClientID:                  id.ClientID,
		PrincipalID:               id.PrincipalID,
	}, nil
}

// LoadBalancerAnnotations returns plinth.dev/load-balancer ("internal" or
// "public"), and for an internal one the ingress subnet's name.
func (b *Backend) LoadBalancerAnnotations(spec platform.LoadBalancerSpec) pulumi.StringMap {
	if spec.Public {
		return pulumi.StringMap{"plinth.dev/load-balancer": pulumi.String("public")}
	}
	return pulumi.StringMap{
		"plinth.dev/load-balancer": pulumi.String("internal"),
		"plinth.dev/subnet":        spec.Network.Outputs.Subnets[platform.SubnetIngress].Name,
	}
}

// BackupStorages returns the specs NewBackupStorage received, in call order.
func (b *Backend) BackupStorages() []platform.BackupStorageSpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]platform.BackupStorageSpec(nil), b.storages...)
}

// ManagedBackups returns the specs NewManagedBackup received, in call order.
func (b *Backend) ManagedBackups() []platform.ManagedBackupSpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]platform.ManagedBackupSpec(nil), b.managed...)
}

// NewBackupStorage registers one bucket, protected and retained on delete
// when spec.Locked, and asks for object storage on it and disk snapshots
// at the cluster's disk scope. The fake cloud's storage has no private
// endpoint (Facts.BackupStorageSubnet is empty): it records spec.Network
// (BackupStorages) and creates nothing in it.
func (b *Backend) NewBackupStorage(ctx *pulumi.Context, spec platform.BackupStorageSpec, opts ...pulumi.ResourceOption) (*platform.BackupStorageOutputs, error) {
	if spec.Cluster == nil {
		return nil, fmt.Errorf("fake: backup storage %q: no cluster", spec.Name)
	}
	b.mu.Lock()
	b.storages = append(b.storages, spec)
	b.mu.Unlock()

	opts = append(opts, pulumi.Provider(b.provider), pulumi.Protect(spec.Locked), pulumi.RetainOnDelete(spec.Locked))
	name := platform.ChildName(spec.Name, "bucket")
	var bucket resourceState
	err := ctx.RegisterResource(BucketType, name, pulumi.Map{
		"name":           pulumi.String(name),
		"geoRedundant":   pulumi.Bool(spec.GeoRedundant),
		"softDeleteDays": pulumi.Int(spec.SoftDeleteDays),
		"locked":         pulumi.Bool(spec.Locked),
		"tags":           pulumi.ToStringMap(spec.Tags),
	}, &bucket, opts...)
	if err != nil {
		return nil, err
	}
	return &platform.BackupStorageOutputs{
		// No provider: the component takes Velero's from the cloud it
		// was resolved for (platform.CloudFacts.Velero).
		VeleroProvider: "",
		Bucket:         bucket.Name,
		Grants: []platform.Grant{
			{Role: platform.GrantObjectStorageWriter, Scope: bucket.ID()},
			{Role: platform.GrantDiskSnapshotOperator, Scope: spec.Cluster.DiskScope},
		},
		Locations: func(id *platform.WorkloadIdentity) platform.VeleroLocations {
			return platform.VeleroLocations{
				Backup:   pulumi.StringMap{"bucket": bucket.Name, "identity": id.ClientID},
				Snapshot: pulumi.StringMap{"scope": spec.Cluster.DiskScope},
			}
		},
	}, nil
}

// NewManagedBackup registers one backup plan "<name>-<schedule>" per
// schedule, naming the cluster, the cron, the TTL in days, the namespaces
// (none: all), how volumes are captured and, when spec.Locked, the TTL as
// the days no backup can be deleted (deleteLockDays; 0 unlocked). It
// refuses, registering nothing, a spec without a cluster or schedules, a
// schedule without a name or with another's, a cron that is not five
// fields and a TTL that is not positive.
func (b *Backend) NewManagedBackup(ctx *pulumi.Context, spec platform.ManagedBackupSpec, opts ...pulumi.ResourceOption) error {
	if err := validateManagedBackup(spec, field.NewPath("managedBackup")); err != nil {
		return fmt.Errorf("fake: managed backup %q: %w", spec.Name, err)
	}
	b.mu.Lock()
	b.managed = append(b.managed, spec)
	b.mu.Unlock()

	opts = append(opts, pulumi.Provider(b.provider))
	for _, s := range spec.Schedules {
		name := platform.ChildName(spec.Name, s.Name)
		ttlDays, lockDays := int(s.TTL.Hours()/24), 0
		if spec.Locked {
			lockDays = ttlDays
		}
		var plan resourceState
		err := ctx.RegisterResource(BackupPlanType, name, pulumi.Map{
			"name":               pulumi.String(name),
			"cluster":            spec.Cluster.ID,
			"cron":               pulumi.String(s.Cron),
			"ttlDays":            pulumi.Int(ttlDays),
			"locked":             pulumi.Bool(spec.Locked),
			"deleteLockDays":     pulumi.Int(lockDays),
			"includedNamespaces": pulumi.ToStringArray(s.IncludedNamespaces),
			"volumes":            pulumi.String(string(s.Volumes)),
			"tags":               pulumi.ToStringMap(spec.Tags),
		}, &plan, opts...)
		if err != nil {
			return err
		}
	}
	return nil
}

// validateManagedBackup checks what every backend refuses, before anything
// is registered (rule C8).
func validateManagedBackup(spec platform.ManagedBackupSpec, path field.Path) error {
	var errs field.List
	if spec.Cluster == nil {
		errs.Add(field.Required(path.Child("cluster"), "the cluster to back up"))
	}
	if len(spec.Schedules) == 0 {
		errs.Add(field.Required(path.Child("schedules"), "at least one schedule; each becomes a backup plan"))
	}
	names := make([]string, len(spec.Schedules))
	for i, s := range spec.Schedules {
		sp := path.Child("schedules").Index(i)
		names[i] = s.Name
		if len(strings.Fields(s.Cron)) != 5 {
			errs.Addf(sp.Child("cron"), s.Cron, "not a five-field cron expression, e.g. \"0 1 * * *\"")
		}
		if s.TTL <= 0 {
			errs.Addf(sp.Child("ttl"), s.TTL.String(), "must be positive: how long each backup is kept")
		}
	}
	checkNames(&errs, path.Child("schedules"), names, "schedule")
	return errs.Err()
}

// checkNames adds an error at path[i].name for each of names, the names of
// the items (what) at path, that is empty or repeats an earlier one: each
// item becomes resources named after it.
func checkNames(errs *field.List, path field.Path, names []string, what string) {
	seen := map[string]bool{}
	for i, n := range names {
		switch p := path.Index(i).Child("name"); {
		case n == "":
			errs.Add(field.Required(p, "the %s's name", what))
		case seen[n]:
			errs.Addf(p, n, "another %s has this name", what)
		}
		seen[n] = true
	}
}

// PowerSchedules returns the specs NewPowerSchedule received, in call order.
func (b *Backend) PowerSchedules() []platform.PowerScheduleSpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]platform.PowerScheduleSpec(nil), b.power...)
}

// NewPowerSchedule validates spec like every backend
// (platform.PowerScheduleSpec.Validate) and registers one schedule per action, "<name>-stop" at
// spec.Stop and "<name>-start" at spec.Start, each naming the cluster, the
// days and the time zone.
func (b *Backend) NewPowerSchedule(ctx *pulumi.Context, spec platform.PowerScheduleSpec, opts ...pulumi.ResourceOption) (*platform.PowerScheduleOutputs, error) {
	if err := spec.Validate(field.NewPath("powerSchedule")).Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.power = append(b.power, spec)
	b.mu.Unlock()

	days := make(pulumi.StringArray, len(spec.Days))
	for i, d := range spec.Days {
		days[i] = pulumi.String(d.String())
	}
	opts = append(opts, pulumi.Provider(b.provider))
	register := func(action, at string) (*resourceState, error) {
		name := platform.ChildName(spec.Name, action)
		var s resourceState
		err := ctx.RegisterResource(ScheduleType, name, pulumi.Map{
			"name":     pulumi.String(name),
			"cluster":  spec.Outputs.ID,
			"action":   pulumi.String(action),
			"at":       pulumi.String(at),
			"days":     days,
			"timeZone": pulumi.String(spec.TimeZone),
			"tags":     pulumi.ToStringMap(spec.Tags),
		}, &s, opts...)
		return &s, err
	}
	stop, err := register("stop", spec.Stop)
	if err != nil {
		return nil, err
	}
	start, err := register("start", spec.Start)
	if err != nil {
		return nil, err
	}
	return &platform.PowerScheduleOutputs{
		StopSchedule:  stop.ID().ToStringOutput(),
		StartSchedule: start.ID().ToStringOutput(),
		PrincipalID:   stop.PrincipalID,
	}, nil
}
