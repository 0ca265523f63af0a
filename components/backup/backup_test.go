package backup_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/internal/helm"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/aks/aksfacts"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/gke/gkefacts"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

const (
	releaseType   = "kubernetes:helm.sh/v3:Release"
	namespaceType = "kubernetes:core/v1:Namespace"
)

// setup is the deployment a test backs up: the cloud whose facts the
// network, the cluster and the Backup resolve against (the fake backend
// builds them), whether it serves production, and on GCP whether the
// cluster runs the Backup for GKE agent.
type setup struct {
	cloud       platform.CloudFacts
	production  bool
	backupAgent bool
}

var (
	azure     = setup{cloud: aksfacts.Facts}
	azureProd = setup{cloud: aksfacts.Facts, production: true}
	gcp       = setup{cloud: gkefacts.Facts}
	gcpAgent  = setup{cloud: gkefacts.Facts, backupAgent: true}
)

func (env setup) target() platform.Target {
	return platform.Target{Cloud: env.cloud, Production: env.production}
}

// resolveCluster resolves the network "net" (tagged environment test) and
// the cluster "prod" of env, as an environment does before it creates
// anything.
func resolveCluster(env setup) (network.Resolved, cluster.Resolved, error) {
	t := env.target()
	nr, err := network.Args{AddressSpace: "10.20.0.0/16", Tags: map[string]string{"environment": "test"}}.Resolve("net", field.NewPath("network"), t)
	if err != nil {
		return network.Resolved{}, cluster.Resolved{}, err
	}
	var args cluster.Args
	args.GKE.BackupAgent = env.backupAgent
	cr, err := args.Resolve("prod", field.NewPath("cluster"), t, nr.Spec())
	return nr, cr, err
}

// newCluster creates the network and the cluster of env through b.
func newCluster(ctx *pulumi.Context, b *fake.Backend, env setup) (*cluster.Cluster, error) {
	nr, cr, err := resolveCluster(env)
	if err != nil {
		return nil, err
	}
	net, err := network.New(ctx, nr, b)
	if err != nil {
		return nil, err
	}
	return cluster.New(ctx, cr, b, net)
}

// cloudBackend is the fake backend standing in for the backend of a cloud:
// its backup storage is for that cloud's Velero plugin, as the AKS
// backend's is for "azure" and the GKE backend's for "gcp" (the fake's own
// names no provider). Everything it creates is still recorded by the fake.
type cloudBackend struct {
	*fake.Backend
	velero string
}

func (b cloudBackend) NewBackupStorage(ctx *pulumi.Context, spec platform.BackupStorageSpec, opts ...pulumi.ResourceOption) (*platform.BackupStorageOutputs, error) {
	out, err := b.Backend.NewBackupStorage(ctx, spec, opts...)
	if out != nil {
		out.VeleroProvider = b.velero
	}
	return out, err
}

// backendFor is the fake standing in for the backend of env's cloud.
func backendFor(b *fake.Backend, env setup) cloudBackend {
	return cloudBackend{Backend: b, velero: env.cloud.Velero.Provider}
}

// result is one rendered program.
type result struct {
	snap    *platformtest.Snapshot
	backend *fake.Backend
	backup  *backup.Backup
	outputs <-chan []any
}

// render creates, on the fake backend, the network and cluster of env and
// a Backup "prod" resolved against env's target from Args changed by
// mutate.
func render(t *testing.T, env setup, mutate func(a *backup.Args)) (result, error) {
	t.Helper()
	var res result
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		res.backend = b
		c, err := newCluster(ctx, b, env)
		if err != nil {
			return err
		}
		var args backup.Args
		if mutate != nil {
			mutate(&args)
		}
		r, err := args.Resolve("prod", field.NewPath("backup"), env.target(), c.Spec)
		if err != nil {
			return err
		}
		if res.backup, err = backup.New(ctx, r, backendFor(b, env), c); err != nil {
			return err
		}
		res.outputs = capture(res.backup)
		return nil
	})
	res.snap = snap
	return res, err
}

func mustRender(t *testing.T, env setup, mutate func(a *backup.Args)) (*platformtest.Snapshot, *fake.Backend) {
	t.Helper()
	res, err := render(t, env, mutate)
	if err != nil {
		t.Fatal(err)
	}
	return res.snap, res.backend
}

func release(t *testing.T, snap *platformtest.Snapshot) *platformtest.Resource {
	t.Helper()
	r := snap.Find(releaseType, "prod-velero-release")
	if r == nil {
		t.Fatal("no Velero release prod-velero-release")
	}
	return r
}

func value(t *testing.T, r *platformtest.Resource, path string) any {
	t.Helper()
	return platformtest.Input(t, r, "values."+path)
}

func TestStorageAndIdentity(t *testing.T) {
	snap, b := mustRender(t, azureProd, func(a *backup.Args) {
		a.Tags = map[string]string{"team": "platform"}
	})
	storages := b.BackupStorages()
	if len(storages) != 1 {
		t.Fatalf("backup storages = %d, want 1", len(storages))
	}
	st := storages[0]
	if st.Name != "prod-backup" || !st.Locked || !st.GeoRedundant || st.SoftDeleteDays != 30 || st.Cluster == nil {
		t.Errorf("production storage spec = %+v; want prod-backup, locked, geo-redundant, 30 soft-delete days, the cluster", st)
	}
	if want := (platform.Tags{"environment": "test", "team": "platform"}); !reflect.DeepEqual(st.Tags, want) {
		t.Errorf("storage tags = %v, want the cluster's tags with the Backup's over them: %v", st.Tags, want)
	}
	bucket := snap.Find(fake.BucketType, "prod-backup-bucket")
	if bucket == nil || !bucket.Protect || !bucket.RetainOnDelete {
		t.Errorf("production bucket %v is not protected and retained on delete", bucket)
	}
	comp := snap.Find(backup.TypeToken, "prod")
	if comp == nil || bucket.Parent != comp.URN {
		t.Errorf("the bucket's parent is %q, want the Backup component", bucket.Parent)
	}

	ids := b.Identities()
	if len(ids) != 1 {
		t.Fatalf("workload identities = %d, want 1", len(ids))
	}
	id := ids[0]
	if id.Name != "prod-velero" || id.Namespace != "velero" || id.ServiceAccount != "velero-server" ||
		id.Subject() != "system:serviceaccount:velero:velero-server" || id.Cluster != st.Cluster {
		t.Errorf("identity spec = %+v (subject %s)", id, id.Subject())
	}
	// Exactly the storage's grants, each at its scope: the bucket and the
	// cluster's disk scope.
	wantGrants := map[string]string{
		"prod-velero-grant-1": string(platform.GrantObjectStorageWriter) + " fake://buckets/prod-backup-bucket",
		"prod-velero-grant-2": string(platform.GrantDiskSnapshotOperator) + " fake://disks/prod-cluster",
	}
	grants := snap.OfType(fake.GrantType)
	if len(grants) != len(wantGrants) || len(id.Grants) != len(wantGrants) {
		t.Fatalf("grants = %d resources, %d in the spec; want %d", len(grants), len(id.Grants), len(wantGrants))
	}
	for _, g := range grants {
		got := platformtest.Input(t, g, "role").(string) + " " + platformtest.Input(t, g, "scope").(string)
		if got != wantGrants[g.Name] {
			t.Errorf("grant %s = %q, want %q", g.Name, got, wantGrants[g.Name])
		}
	}
}

func TestDevStorage(t *testing.T) {
	snap, b := mustRender(t, gcp, nil)
	st := b.BackupStorages()[0]
	if st.Locked || st.GeoRedundant || st.SoftDeleteDays != 7 {
		t.Errorf("dev storage spec = %+v; want unlocked, zone-redundant, 7 soft-delete days", st)
	}
	if bucket := snap.Find(fake.BucketType, "prod-backup-bucket"); bucket == nil || bucket.Protect || bucket.RetainOnDelete {
		t.Errorf("dev bucket %v is protected or retained", bucket)
	}
}

func TestProductionChoosesZoneRedundancy(t *testing.T) {
	_, b := mustRender(t, azureProd, func(a *backup.Args) {
		a.Redundancy = backup.ZoneRedundant
		a.SoftDeleteDays = 90
	})
	st := b.BackupStorages()[0]
	if st.GeoRedundant || st.SoftDeleteDays != 90 || !st.Locked {
		t.Errorf("storage spec = %+v; want zone-redundant, 90 days, still locked", st)
	}
}

func TestVeleroValues(t *testing.T) {
	for _, tc := range []struct {
		cloud    platform.CloudFacts
		provider string
		plugin   string
	}{
		{aksfacts.Facts, "azure", helm.VeleroPluginAzure},
		{gkefacts.Facts, "gcp", helm.VeleroPluginGCP},
	} {
		t.Run(tc.cloud.Name, func(t *testing.T) {
			snap, _ := mustRender(t, setup{cloud: tc.cloud, production: true}, func(a *backup.Args) {
				a.Tags = map[string]string{"team": "platform"}
			})
			rel := release(t, snap)
			for path, want := range map[string]any{
				"name":                "velero",
				"namespace":           "velero",
				"chart":               helm.Velero.Name,
				"version":             helm.Velero.Version,
				"repositoryOpts.repo": helm.Velero.Repo,
			} {
				if got := platformtest.Input(t, rel, path); got != want {
					t.Errorf("release %s = %v, want %v", path, got, want)
				}
			}
			provider := tc.provider
			for path, want := range map[string]any{
				"initContainers.0.name":                               "velero-plugin-for-" + provider,
				"initContainers.0.image":                              tc.plugin,
				"initContainers.0.volumeMounts.0.name":                "plugins",
				"initContainers.0.volumeMounts.0.mountPath":           "/target",
				"serviceAccount.server.create":                        true,
				"serviceAccount.server.name":                          "velero-server",
				"configuration.backupStorageLocation.0.name":          "default",
				"configuration.backupStorageLocation.0.provider":      provider,
				"configuration.backupStorageLocation.0.bucket":        "prod-backup-bucket",
				"configuration.backupStorageLocation.0.default":       true,
				"configuration.volumeSnapshotLocation.0.name":         "default",
				"configuration.volumeSnapshotLocation.0.provider":     provider,
				"configuration.volumeSnapshotLocation.0.config.scope": "fake://disks/prod-cluster",
				"deployNodeAgent":                                     false,
				"tolerations.0.key":                                   "CriticalAddonsOnly",
				"tolerations.0.operator":                              "Exists",
				"tolerations.0.effect":                                "NoSchedule",
				"upgradeCRDs":                                         true,
				"cleanUpCRDs":                                         false,
				"metrics.enabled":                                     true,
			} {
				if got := value(t, rel, path); got != want {
					t.Errorf("values.%s = %v, want %v", path, got, want)
				}
			}
			if n := len(value(t, rel, "initContainers").([]any)); n != 1 {
				t.Errorf("%d init containers, want the one plugin", n)
			}
			if _, ok := rel.Input("values.replicaCount"); ok {
				t.Error("values set a replica count; Velero must run exactly one server")
			}

			// No static key: no secret, no secret contents.
			creds := value(t, rel, "credentials").(map[string]any)
			if !reflect.DeepEqual(creds, map[string]any{"useSecret": false}) {
				t.Errorf("values.credentials = %v, want only useSecret: false", creds)
			}

			// The identity's annotations and pod labels, and the location
			// config the storage derives from the same identity.
			ann := platformtest.StringMap(t, value(t, rel, "serviceAccount.server.annotations"))
			clientID := ann["plinth.dev/fake-identity"]
			if len(ann) != 1 || clientID == "" {
				t.Errorf("service account annotations = %v, want the identity's", ann)
			}
			bsl := platformtest.StringMap(t, value(t, rel, "configuration.backupStorageLocation.0.config"))
			if want := map[string]string{"bucket": "prod-backup-bucket", "identity": clientID}; !reflect.DeepEqual(bsl, want) {
				t.Errorf("BackupStorageLocation config = %v, want %v (Locations of the identity)", bsl, want)
			}
			// Labels: the cluster's tags, the Backup's and managed-by.
			wantLabels := map[string]string{"environment": "test", "team": "platform", "managed-by": "plinth"}
			pod := platformtest.StringMap(t, value(t, rel, "podLabels"))
			if want := map[string]string{"environment": "test", "team": "platform", "managed-by": "plinth", "plinth.dev/fake-identity": "true"}; !reflect.DeepEqual(pod, want) {
				t.Errorf("podLabels = %v, want %v", pod, want)
			}
			for _, path := range []string{"labels", "serviceAccount.server.labels", "metrics.service.labels", "kubectl.labels", "schedules.daily.labels"} {
				if got := platformtest.StringMap(t, value(t, rel, path)); !reflect.DeepEqual(got, wantLabels) {
					t.Errorf("values.%s = %v, want %v", path, got, wantLabels)
				}
			}
			ns := snap.Find(namespaceType, "prod-velero-namespace")
			nsLabels := platformtest.StringMap(t, platformtest.Input(t, ns, "metadata.labels"))
			if nsLabels["managed-by"] != "plinth" || nsLabels["team"] != "platform" || nsLabels["pod-security.kubernetes.io/enforce"] != "baseline" {
				t.Errorf("namespace labels = %v; want the tags, managed-by and baseline pod security", nsLabels)
			}
			if rel.Provider == "" || !strings.Contains(rel.Provider, "prod-kubernetes") {
				t.Errorf("release provider = %q, want the cluster's Kubernetes provider", rel.Provider)
			}
		})
	}
}

// The Azure plugin's volume snapshotter reads the disks' subscription and
// resource group only from its settings file; Plinth writes it into a
// ConfigMap (no key in it) and points AZURE_CREDENTIALS_FILE at it, on the
// server and the node agent. GCP needs nothing of the kind.
func TestAzurePluginSettings(t *testing.T) {
	snap, _ := mustRender(t, azure, func(a *backup.Args) {
		a.Schedules = []backup.Schedule{{Name: "files", Cron: "0 2 * * *", TTL: 7 * backup.Day, Volumes: platform.VolumeFileSystem}}
	})
	rel := release(t, snap)
	for path, want := range map[string]any{
		"configMaps.azure-plugin.data.cloud":        "AZURE_CLOUD_NAME=AzurePublicCloud\n", // the fake's disk scope is no ARM ID
		"extraVolumes.0.name":                       "azure-plugin",
		"extraVolumes.0.configMap.name":             "velero-azure-plugin",
		"extraVolumeMounts.0.name":                  "azure-plugin",
		"extraVolumeMounts.0.mountPath":             "/plinth/azure-plugin",
		"extraVolumeMounts.0.readOnly":              true,
		"configuration.extraEnvVars.0.name":         "AZURE_CREDENTIALS_FILE",
		"configuration.extraEnvVars.0.value":        "/plinth/azure-plugin/cloud",
		"nodeAgent.extraVolumes.0.configMap.name":   "velero-azure-plugin",
		"nodeAgent.extraVolumeMounts.0.mountPath":   "/plinth/azure-plugin",
		"configMaps.azure-plugin.labels.managed-by": "plinth",
	} {
		if got := value(t, rel, path); got != want {
			t.Errorf("values.%s = %v, want %v", path, got, want)
		}
	}
	if got := value(t, rel, "credentials.useSecret"); got != false {
		t.Errorf("credentials.useSecret = %v", got)
	}

	snap, _ = mustRender(t, gcp, nil)
	rel = release(t, snap)
	for _, path := range []string{"configMaps", "extraVolumes", "extraVolumeMounts", "configuration.extraEnvVars"} {
		if v, ok := rel.Input("values." + path); ok {
			t.Errorf("GCP values set %s = %v", path, v)
		}
	}
}

func TestDefaultSchedules(t *testing.T) {
	type sched struct{ cron, ttl string }
	for _, tc := range []struct {
		production bool
		want       map[string]sched
	}{
		{true, map[string]sched{"daily": {"0 1 * * *", "720h0m0s"}, "weekly": {"0 3 * * 0", "2160h0m0s"}}},
		{false, map[string]sched{"daily": {"0 1 * * *", "168h0m0s"}}},
	} {
		snap, _ := mustRender(t, setup{cloud: aksfacts.Facts, production: tc.production}, nil)
		rel := release(t, snap)
		got := value(t, rel, "schedules").(map[string]any)
		if len(got) != len(tc.want) {
			t.Errorf("production %v: schedules %v, want %v", tc.production, got, tc.want)
		}
		for name, w := range tc.want {
			p := "schedules." + name
			for path, want := range map[string]any{
				".schedule":                          w.cron,
				".useOwnerReferencesInBackup":        false,
				".template.ttl":                      w.ttl,
				".template.storageLocation":          "default",
				".template.snapshotVolumes":          true,
				".template.defaultVolumesToFsBackup": false,
			} {
				if got := value(t, rel, p+path); got != want {
					t.Errorf("production %v: values.%s%s = %v, want %v", tc.production, p, path, got, want)
				}
			}
			if _, ok := rel.Input("values." + p + ".template.includedNamespaces"); ok {
				t.Errorf("production %v: %s limits namespaces; the defaults back up all", tc.production, name)
			}
		}
	}
}

func TestFileSystemScheduleRunsNodeAgent(t *testing.T) {
	snap, _ := mustRender(t, azure, func(a *backup.Args) {
		a.Schedules = []backup.Schedule{
			{Name: "hourly-apps", Cron: "0 * * * *", TTL: 48 * time.Hour, IncludedNamespaces: []string{"apps", "db"}, Volumes: platform.VolumeFileSystem},
			{Name: "objects", Cron: "30 2 * * *", TTL: 14 * backup.Day, ExcludedNamespaces: []string{"scratch"}, Volumes: platform.VolumeNone},
		}
	})
	rel := release(t, snap)
	for path, want := range map[string]any{
		"deployNodeAgent":                                         true,
		"schedules.hourly-apps.template.ttl":                      "48h0m0s",
		"schedules.hourly-apps.template.snapshotVolumes":          false,
		"schedules.hourly-apps.template.defaultVolumesToFsBackup": true,
		"schedules.objects.schedule":                              "30 2 * * *",
		"schedules.objects.template.ttl":                          "336h0m0s",
		"schedules.objects.template.snapshotVolumes":              false,
		"schedules.objects.template.defaultVolumesToFsBackup":     false,
	} {
		if got := value(t, rel, path); got != want {
			t.Errorf("values.%s = %v, want %v", path, got, want)
		}
	}
	if got := value(t, rel, "schedules.hourly-apps.template.includedNamespaces"); !reflect.DeepEqual(got, []any{"apps", "db"}) {
		t.Errorf("included namespaces = %v", got)
	}
	if got := value(t, rel, "schedules.objects.template.excludedNamespaces"); !reflect.DeepEqual(got, []any{"scratch"}) {
		t.Errorf("excluded namespaces = %v", got)
	}
	// The node agent runs on every node, whatever its taints.
	if got := value(t, rel, "nodeAgent.tolerations"); !reflect.DeepEqual(got, []any{map[string]any{"operator": "Exists"}}) {
		t.Errorf("node agent tolerations = %v, want one that tolerates every taint", got)
	}
	// The node agent runs as the server's service account, so it needs
	// the identity's pod labels too.
	if got := platformtest.StringMap(t, value(t, rel, "nodeAgent.podLabels")); got["plinth.dev/fake-identity"] != "true" {
		t.Errorf("node agent pod labels = %v, want the identity's", got)
	}
	ns := snap.Find(namespaceType, "prod-velero-namespace")
	if got := platformtest.StringMap(t, platformtest.Input(t, ns, "metadata.labels"))["pod-security.kubernetes.io/enforce"]; got != "privileged" {
		t.Errorf("velero namespace pod security = %q; the node agent needs privileged", got)
	}
}

func TestRawValuesAddKeys(t *testing.T) {
	snap, _ := mustRender(t, gcp, func(a *backup.Args) {
		a.Values = map[string]any{
			"configuration": map[string]any{"logLevel": "debug"},
			"resources":     map[string]any{"requests": map[string]any{"memory": "256Mi"}},
		}
	})
	rel := release(t, snap)
	if got := value(t, rel, "configuration.logLevel"); got != "debug" {
		t.Errorf("configuration.logLevel = %v", got)
	}
	if got := value(t, rel, "resources.requests.memory"); got != "256Mi" {
		t.Errorf("resources.requests.memory = %v", got)
	}
	if got := value(t, rel, "configuration.backupStorageLocation.0.provider"); got != "gcp" {
		t.Errorf("the typed location was lost: provider %v", got)
	}
}

func TestBackupForGKE(t *testing.T) {
	snap, b := mustRender(t, setup{cloud: gkefacts.Facts, production: true, backupAgent: true}, func(a *backup.Args) {
		a.GKE.BackupForGKE = true
	})
	managed := b.ManagedBackups()
	if len(managed) != 1 {
		t.Fatalf("managed backups = %d, want 1", len(managed))
	}
	m := managed[0]
	if m.Name != "prod-gke-backup" || !m.Locked || m.Cluster == nil {
		t.Errorf("managed backup spec = %+v", m)
	}
	if len(m.Schedules) != 2 || m.Schedules[0].Name != "daily" || m.Schedules[0].TTL != 30*backup.Day ||
		m.Schedules[1].Name != "weekly" || m.Schedules[1].Cron != "0 3 * * 0" || m.Schedules[1].Volumes != platform.VolumeSnapshots {
		t.Errorf("managed backup schedules = %+v", m.Schedules)
	}
	comp := snap.Find(backup.TypeToken, "prod")
	for _, n := range []string{"prod-gke-backup-daily", "prod-gke-backup-weekly"} {
		if p := snap.Find(fake.BackupPlanType, n); p == nil || p.Parent != comp.URN {
			t.Errorf("backup plan %s missing or not parented to the component: %v", n, p)
		}
	}
	release(t, snap) // Velero runs beside it
	if len(b.BackupStorages()) != 1 || len(b.Identities()) != 1 {
		t.Error("Velero's storage or identity is missing beside Backup for GKE")
	}
}

func TestBackupForGKEWithoutVelero(t *testing.T) {
	res, err := render(t, gcpAgent, func(a *backup.Args) {
		a.GKE = backup.GKEOptions{BackupForGKE: true, WithoutVelero: true}
	})
	if err != nil {
		t.Fatal(err)
	}
	snap, comp := res.snap, res.backup
	if snap.Find(releaseType, "prod-velero-release") != nil || len(snap.OfType(fake.BucketType)) != 0 || len(snap.OfType(fake.IdentityType)) != 0 {
		t.Error("WithoutVelero registered Velero, its storage or its identity")
	}
	if snap.Find(fake.BackupPlanType, "prod-gke-backup-daily") == nil {
		t.Error("no backup plan for the daily schedule")
	}
	bucket, namespace, schedules := await(t, res.outputs)
	if comp.Release != nil || comp.Storage != nil || bucket != "" || namespace != "" {
		t.Errorf("outputs without Velero: bucket %q, namespace %q, release %v", bucket, namespace, comp.Release)
	}
	if !reflect.DeepEqual(schedules, []string{"daily"}) {
		t.Errorf("schedules output = %#v", schedules)
	}
}

func TestOutputs(t *testing.T) {
	res, err := render(t, azureProd, nil)
	if err != nil {
		t.Fatal(err)
	}
	bucket, namespace, schedules := await(t, res.outputs)
	if bucket != "prod-backup-bucket" || namespace != "velero" || !reflect.DeepEqual(schedules, []string{"daily", "weekly"}) {
		t.Errorf("outputs: bucket %q, namespace %q, schedules %v", bucket, namespace, schedules)
	}
}

// capture delivers the component's outputs once they resolve. Outputs not
// created by a resource (the empty bucket without Velero) are not awaited
// by the Pulumi run, so tests wait on the channel.
func capture(b *backup.Backup) <-chan []any {
	ch := make(chan []any, 1)
	pulumi.All(b.Bucket, b.Namespace, b.Schedules).ApplyT(func(v []any) error {
		ch <- v
		return nil
	})
	return ch
}

func await(t *testing.T, ch <-chan []any) (bucket, namespace string, schedules []string) {
	t.Helper()
	select {
	case v := <-ch:
		return v[0].(string), v[1].(string), v[2].([]string)
	case <-time.After(10 * time.Second):
		t.Fatal("the component's outputs never resolved")
	}
	return "", "", nil
}

func TestValidation(t *testing.T) {
	agent := gcpAgent
	for _, tc := range []struct {
		name   string
		env    setup
		mutate func(a *backup.Args)
		want   []string
	}{
		{
			name: "schedules",
			env:  azure,
			mutate: func(a *backup.Args) {
				a.Schedules = []backup.Schedule{
					{Name: "daily", Cron: "0 25 * * *", TTL: 0, IncludedNamespaces: []string{"apps", "db"}, ExcludedNamespaces: []string{"db"}},
					{Name: "daily", Cron: "@daily", TTL: -time.Hour, Volumes: "tape"},
					{Name: "Hourly", Cron: "0 * * * * *", TTL: 90 * time.Minute, IncludedNamespaces: []string{"Apps", "*", "ok", "ok"}},
				}
			},
			want: []string{
				`backup.schedules[0].cron "0 25 * * *": hour "25": 25 is out of range 0-23`,
				`backup.schedules[0].ttl "0s": must be positive: how long each backup is kept, e.g. 30 * backup.Day`,
				`backup.schedules[0].excludedNamespaces[0] "db": also in backup.schedules[0].includedNamespaces[1]; a namespace is either included or excluded, remove it from one list`,
				`backup.schedules[1].name "daily": duplicate schedule name: backup.schedules[0].name has it already`,
				`backup.schedules[1].cron "@daily": descriptors are not accepted; write the five fields instead: "0 0 * * *"`,
				`backup.schedules[1].ttl "-1h0m0s": must be positive: how long each backup is kept, e.g. 30 * backup.Day`,
				`backup.schedules[1].volumes "tape": use one of [snapshots filesystem none]`,
				`backup.schedules[2].name "Hourly": schedule names are 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
				`backup.schedules[2].cron "0 * * * * *": has 6 fields; write five, minute hour day-of-month month day-of-week (no seconds or year field), e.g. "0 1 * * *"`,
				`backup.schedules[2].ttl "1h30m0s": must be a whole number of hours, e.g. 30 * backup.Day`,
				`backup.schedules[2].includedNamespaces[0] "Apps": not a namespace name: 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
				`backup.schedules[2].includedNamespaces[1] "*": wildcards are not accepted; list namespaces by name (an empty includedNamespaces backs up every namespace)`,
				`backup.schedules[2].includedNamespaces[3] "ok": listed twice; backup.schedules[2].includedNamespaces[2] has it already`,
			},
		},
		{
			name: "storage",
			env:  azure,
			mutate: func(a *backup.Args) {
				a.Redundancy = "regional"
				a.SoftDeleteDays = 3
				a.Tags = map[string]string{"Team": "x", "managed-by": "terraform"}
			},
			want: []string{
				`backup.redundancy "regional": use "zone" or "geo"`,
				`backup.softDeleteDays 3: must be 7..90 days`,
				`backup.tags["Team"] "Team": tag key must be 1-63 lowercase letters, digits, '_' or '-', starting with a letter (GCP label rules)`,
				`backup.tags["managed-by"] "terraform": Plinth labels everything it manages "managed-by": "plinth"; remove this tag`,
			},
		},
		{
			name: "raw value at a typed path, reported with the other problems",
			env:  azure,
			mutate: func(a *backup.Args) {
				a.Values = map[string]any{"credentials": map[string]any{"useSecret": true, "secretContents": map[string]any{"cloud": "key"}}, "deployNodeAgent": true}
				a.SoftDeleteDays = 100
			},
			want: []string{
				`backup.softDeleteDays 100: must be 7..90 days`,
				`backup.values["credentials"]["useSecret"] "true": Plinth sets this value from a typed field, and typed fields win; set the typed field instead of the raw value`,
				`backup.values["deployNodeAgent"] "true": Plinth sets this value from a typed field, and typed fields win; set the typed field instead of the raw value`,
			},
		},
		{
			name:   "GKE options on Azure",
			env:    azure,
			mutate: func(a *backup.Args) { a.GKE = backup.GKEOptions{BackupForGKE: true, WithoutVelero: true} },
			want: []string{
				`backup.gke.backupForGKE true: Backup for GKE exists on GKE only and this backend is azure; remove the gke options`,
				`backup.gke.withoutVelero true: Backup for GKE exists on GKE only and this backend is azure; remove the gke options`,
			},
		},
		{
			name:   "Backup for GKE without the cluster's agent",
			env:    gcp,
			mutate: func(a *backup.Args) { a.GKE.BackupForGKE = true },
			want:   []string{`backup.gke.backupForGKE true: the cluster's Backup for GKE agent is off; set cluster.gke.backupAgent (cluster.Args.GKE.BackupAgent: true) on the cluster first`},
		},
		{
			name:   "WithoutVelero without Backup for GKE",
			env:    agent,
			mutate: func(a *backup.Args) { a.GKE.WithoutVelero = true },
			want:   []string{`backup.gke.withoutVelero true: replaces Velero with Backup for GKE, which is off; set gke.backupForGKE too, or remove gke.withoutVelero`},
		},
		{
			name: "storage and values without Velero",
			env:  agent,
			mutate: func(a *backup.Args) {
				a.GKE = backup.GKEOptions{BackupForGKE: true, WithoutVelero: true}
				a.Redundancy = backup.GeoRedundant
				a.SoftDeleteDays = 30
				a.Values = map[string]any{"x": 1}
			},
			want: []string{
				`backup.redundancy "geo": set while gke.withoutVelero is true, which creates no storage and no Velero; remove redundancy`,
				`backup.softDeleteDays 30: set while gke.withoutVelero is true, which creates no storage and no Velero; remove softDeleteDays`,
				`backup.values: set while gke.withoutVelero is true, which creates no storage and no Velero; remove values`,
			},
		},
		{
			name: "schedules Backup for GKE cannot run",
			env:  agent,
			mutate: func(a *backup.Args) {
				a.GKE.BackupForGKE = true
				a.Schedules = []backup.Schedule{
					{Name: "every-twelve-hours-objects-and-volumes-of-the-apps", Cron: "0 */12 * * *", TTL: 36 * time.Hour, Volumes: platform.VolumeFileSystem},
					{Name: "yearly", Cron: "0 4 1 1 *", TTL: 400 * backup.Day, ExcludedNamespaces: []string{"scratch", "tmp"}},
				}
			},
			want: []string{
				`backup.schedules[0].name "every-twelve-hours-objects-and-volumes-of-the-apps": the Backup for GKE plan "prod-gke-backup-every-twelve-hours-objects-and-volumes-of-the-apps" would be longer than 63 characters; shorten the schedule name to at most 47`,
				`backup.schedules[0].ttl "36h0m0s": Backup for GKE keeps backups for whole days; use a multiple of 24h, e.g. 30 * backup.Day`,
				`backup.schedules[0].volumes "filesystem": Backup for GKE backs volumes up as snapshots only, and every schedule runs there too; use "snapshots" or "none"`,
				`backup.schedules[1].ttl "9600h0m0s": Backup for GKE keeps backups 1 to 365 days, and every schedule runs there too; shorten the TTL`,
				`backup.schedules[1].excludedNamespaces "scratch,tmp": Backup for GKE backup plans cannot exclude namespaces, and every schedule runs there too; list the namespaces to back up in includedNamespaces instead`,
			},
		},
		{
			name: "a cloud without a Velero plugin",
			env:  setup{cloud: fake.Facts},
			want: []string{`backup: Plinth pins no Velero plugin for fake; backups need a cloud with one (Azure, GCP)`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Resolve takes no context and no backend: invalid settings
			// are reported before anything can be registered.
			_, cr, err := resolveCluster(tc.env)
			if err != nil {
				t.Fatal(err)
			}
			var args backup.Args
			if tc.mutate != nil {
				tc.mutate(&args)
			}
			r, err := args.Resolve("prod", field.NewPath("backup"), tc.env.target(), cr.Spec())
			var list *field.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %v is not a *field.ErrorList", err)
			}
			if got, want := list.Error(), strings.Join(tc.want, "\n"); got != want {
				t.Errorf("errors:\n%s\nwant:\n%s", got, want)
			}
			if r.Spec().Name != "" {
				t.Errorf("Resolve returned %+v with its error; New must get nothing to create", r.Spec())
			}
		})
	}
}

// TestStorageNeedsTheEndpointSubnet: where the cloud's backup storage is
// reached only through a private endpoint (Azure), a network without the
// subnet for it is refused with one error, in every class; where it is not
// (GCP), or without Velero's storage, no subnet is needed.
func TestStorageNeedsTheEndpointSubnet(t *testing.T) {
	noEndpoints := network.Args{AddressSpace: "10.20.0.0/16", Subnets: []network.Subnet{
		{Role: platform.SubnetNodes, CIDR: "10.20.0.0/18"},
		{Role: platform.SubnetIngress, CIDR: "10.20.64.0/21"},
	}}
	const refused = `backup: backup storage on Azure is reachable only through a private endpoint in a subnet with role "private-endpoints", ` +
		`and the cluster's network has only the subnets nodes, ingress; add one to network.subnets (a /28 is enough), ` +
		`or leave network.subnets unset for the default layout, which has one`
	for _, tc := range []struct {
		name string
		env  setup
		args backup.Args
		want string
	}{
		{"Azure dev", azure, backup.Args{}, refused},
		{"Azure production", azureProd, backup.Args{}, refused},
		{"GCP", gcp, backup.Args{}, ""},
		{"Backup for GKE only", gcpAgent, backup.Args{GKE: backup.GKEOptions{BackupForGKE: true, WithoutVelero: true}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := tc.env.target()
			nr, err := noEndpoints.Resolve("net", field.NewPath("network"), tg)
			if err != nil {
				t.Fatal(err)
			}
			var ca cluster.Args
			ca.GKE.BackupAgent = tc.env.backupAgent
			cr, err := ca.Resolve("prod", field.NewPath("cluster"), tg, nr.Spec())
			if err != nil {
				t.Fatal(err)
			}
			_, err = tc.args.Resolve("prod", field.NewPath("backup"), tg, cr.Spec())
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("error:\n%v\nwant:\n%s", err, tc.want)
			}
		})
	}
}

// TestStorageGetsTheClustersNetwork: the backend receives the cluster's
// network, spec and outputs, to place the storage's private endpoint in.
func TestStorageGetsTheClustersNetwork(t *testing.T) {
	_, b := mustRender(t, azureProd, nil)
	st := b.BackupStorages()[0]
	c := b.Clusters()[0]
	if st.Network.Spec.Name != "net" || !reflect.DeepEqual(st.Network.Spec, c.Network.Spec) {
		t.Errorf("storage network spec %+v, want the cluster's %+v", st.Network.Spec, c.Network.Spec)
	}
	if _, ok := st.Network.Spec.Subnet(platform.SubnetPrivateEndpoints); !ok {
		t.Errorf("the storage's network has no private-endpoints subnet: %+v", st.Network.Spec.Subnets)
	}
	if sn, ok := st.Network.Outputs.Subnets[platform.SubnetPrivateEndpoints]; !ok || sn.ID.OutputState == nil || st.Network.Outputs.ID.OutputState == nil {
		t.Errorf("the storage's network has no outputs for the VNet and the private-endpoints subnet: %+v", st.Network.Outputs)
	}
}

func TestResolveChecksTheName(t *testing.T) {
	_, cr, err := resolveCluster(azure)
	if err != nil {
		t.Fatal(err)
	}
	_, err = backup.Args{}.Resolve("Prod", field.NewPath("backup"), azure.target(), cr.Spec())
	want := `backup.name "Prod": use lowercase letters, digits and '-', starting with a letter and not ending with '-'`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}

// New takes what Resolve returned, the backend and the cluster; without
// any of them it registers nothing and says what to pass.
func TestNewNeedsTheResolvedSettingsABackendAndTheCluster(t *testing.T) {
	var (
		b    *fake.Backend
		errs []error
	)
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		c, err := newCluster(ctx, b, azure)
		if err != nil {
			return err
		}
		r, err := backup.Args{}.Resolve("prod", field.NewPath("backup"), azure.target(), c.Spec)
		if err != nil {
			return err
		}
		be := backendFor(b, azure)
		for _, call := range []func() (*backup.Backup, error){
			func() (*backup.Backup, error) { return backup.New(ctx, backup.Resolved{}, be, c) },
			func() (*backup.Backup, error) { return backup.New(ctx, r, nil, c) },
			func() (*backup.Backup, error) { return backup.New(ctx, r, be, nil) },
			func() (*backup.Backup, error) { return backup.New(ctx, r, be, &cluster.Cluster{}) },
		} {
			bk, err := call()
			if bk != nil {
				t.Errorf("New returned a component with the error %v", err)
			}
			errs = append(errs, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{
		"backup: not resolved; pass what Args.Resolve returns",
		`backup "prod": no backend; pass the backend the cluster was created with`,
		`backup "prod": no cluster; pass the *cluster.Cluster that cluster.New returned`,
		`backup "prod": no cluster; pass the *cluster.Cluster that cluster.New returned`,
	} {
		if errs[i] == nil || errs[i].Error() != want {
			t.Errorf("call %d: error:\n%v\nwant:\n%s", i, errs[i], want)
		}
	}
	if len(b.BackupStorages()) != 0 || len(b.Identities()) != 0 || snap.Find(backup.TypeToken, "prod") != nil {
		t.Error("the backend was called or the component registered without what New needs")
	}
}

// A Backup resolved for one cloud's Velero plugin is not installed
// against storage for another's: the locations would name the wrong
// plugin.
func TestNewRefusesStorageForAnotherPlugin(t *testing.T) {
	var b *fake.Backend
	var newErr error
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		c, err := newCluster(ctx, b, azure)
		if err != nil {
			return err
		}
		r, err := backup.Args{}.Resolve("prod", field.NewPath("backup"), azure.target(), c.Spec)
		if err != nil {
			return err
		}
		_, newErr = backup.New(ctx, r, cloudBackend{Backend: b, velero: "gcp"}, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `backup "prod": the backend's backup storage is for Velero's "gcp" plugin, but the backup was resolved for "azure"; resolve it against the backend's cloud`
	if newErr == nil || newErr.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", newErr, want)
	}
	if len(b.Identities()) != 0 || len(snap.OfType(releaseType)) != 0 {
		t.Error("Velero's identity or release was created for storage of another plugin")
	}
}

// An Ingress or CertManager with the same logical name must not collide
// with the Backup: every name the Backup derives carries one of its roles.
func TestChildNamesCarryTheRole(t *testing.T) {
	snap, b := mustRender(t, gcpAgent, func(a *backup.Args) { a.GKE.BackupForGKE = true })
	if got := b.BackupStorages()[0].Name; got != "prod-backup" {
		t.Errorf("storage name %q", got)
	}
	if got := b.Identities()[0].Name; got != "prod-velero" {
		t.Errorf("identity name %q", got)
	}
	if got := b.ManagedBackups()[0].Name; got != "prod-gke-backup" {
		t.Errorf("managed backup name %q", got)
	}
	comp := snap.Find(backup.TypeToken, "prod")
	for _, r := range snap.Resources {
		if r.Parent == comp.URN && !strings.HasPrefix(r.Name, "prod-velero-") && !strings.HasPrefix(r.Name, "prod-backup-") && !strings.HasPrefix(r.Name, "prod-gke-backup-") {
			t.Errorf("child %s %s does not carry a Backup role", r.Type, r.Name)
		}
	}
}

// storageOnly hides every capability of the fake but storage and identity,
// like a backend without managed backup.
type storageOnly struct{ backup.Backend }

func TestBackupForGKENeedsManagedBackup(t *testing.T) {
	var b *fake.Backend
	var berr error
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		c, err := newCluster(ctx, b, gcpAgent)
		if err != nil {
			return err
		}
		// Resolved against GCP's facts, Backup for GKE is valid; the
		// backend it is created with decides whether it can be made.
		r, err := backup.Args{GKE: backup.GKEOptions{BackupForGKE: true}}.Resolve("prod", field.NewPath("backup"), gcpAgent.target(), c.Spec)
		if err != nil {
			return err
		}
		_, berr = backup.New(ctx, r, storageOnly{backendFor(b, gcpAgent)}, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `backup "prod": gke.backupForGKE needs a backend with managed backups (platform.ManagedBackupBackend), and backup_test.storageOnly has none; pass the gke backend`
	if berr == nil || berr.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", berr, want)
	}
	if len(b.BackupStorages()) != 0 || len(b.Identities()) != 0 || len(b.ManagedBackups()) != 0 || snap.Find(backup.TypeToken, "prod") != nil {
		t.Error("the backend was called despite a backend without managed backup")
	}
}

func TestVeleroIsScrapedByTheManagedPrometheus(t *testing.T) {
	for _, tc := range []struct {
		env      setup
		typ      string
		endpoint string
	}{
		{azure, "kubernetes:azmonitoring.coreos.com/v1:PodMonitor", "podMetricsEndpoints"},
		{gcp, "kubernetes:monitoring.googleapis.com/v1:PodMonitoring", "endpoints"},
	} {
		snap, _ := mustRender(t, tc.env, nil)
		m := snap.Find(tc.typ, "prod-velero-metrics")
		if m == nil {
			t.Fatalf("%s: no %s", tc.env.cloud.Cloud, tc.typ)
		}
		for path, want := range map[string]any{
			"metadata.namespace":              backup.Namespace,
			"spec." + tc.endpoint + ".0.port": "http-monitoring",
		} {
			if got, _ := m.Input(path); got != want {
				t.Errorf("%s: %s = %v, want %v", tc.env.cloud.Cloud, path, got, want)
			}
		}
		sel, _ := m.Input("spec.selector.matchLabels")
		if l := sel.(map[string]any); l["app.kubernetes.io/name"] != "velero" || l["app.kubernetes.io/instance"] != backup.ReleaseName {
			t.Errorf("%s: selector %v, want Velero's pods", tc.env.cloud.Cloud, sel)
		}
	}
	// Backup for GKE alone runs no Velero: nothing to scrape.
	snap, _ := mustRender(t, gcpAgent, func(a *backup.Args) { a.GKE.BackupForGKE, a.GKE.WithoutVelero = true, true })
	if snap.Find("kubernetes:monitoring.googleapis.com/v1:PodMonitoring", "prod-velero-metrics") != nil {
		t.Error("a pod monitor without Velero")
	}
}
