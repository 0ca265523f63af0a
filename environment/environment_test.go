package environment_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/dns"
	"github.com/plinth-dev/plinth/components/guardrails"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/observability"
	"github.com/plinth-dev/plinth/components/powerschedule"
	"github.com/plinth-dev/plinth/components/registry"
	"github.com/plinth-dev/plinth/components/secrets"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
	_ "github.com/plinth-dev/plinth/platform/aks/aksfacts" // the Azure facts
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	_ "github.com/plinth-dev/plinth/platform/gke/gkefacts" // the Google Cloud facts
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// define returns a valid environment of class on cloud, with two teams and
// the DNS zone the stacks take from configuration.
func define(class environment.Class, cloud platform.Cloud) environment.Environment {
	e := environment.Profile(class, cloud)
	e.Name = string(class) + "-env"
	e.CostCenter = "cc-4711"
	e.Network.AddressSpace = "10.20.0.0/16"
	e.CertManager.Email = "platform@example.com"
	e.CertManager.DNSZone = &certmanager.DNSZone{Name: e.Name + ".example.com", ID: pulumi.String(dnsZoneID(cloud, e.Name+".example.com"))}
	e.Teams = []accesspackage.Args{team(cloud, "payments", "payments", "payments-batch"), team(cloud, "checkout", "checkout")}
	if cloud == platform.CloudGCP {
		// The teams' groups reach the cluster through Google Groups for RBAC.
		e.Cluster.AdminGroups = []string{"gke-security-groups@example.com"}
	}
	if class == environment.Prod {
		e.Observability.Receivers = []observability.Receiver{{
			Name: "oncall", Emails: []string{"oncall@example.com"}, Severities: platform.Severities,
		}}
		e.Access.BreakGlass = &accesspackage.Level{
			Requestors: []string{group(cloud, "oncall")},
			Approval:   []platform.ApprovalStage{{Approvers: []string{group(cloud, "leads")}}},
		}
	}
	return e
}

// group is a directory group of the cloud: an Entra object ID on Azure,
// a Google group email on GCP.
func group(cloud platform.Cloud, name string) string {
	if cloud == platform.CloudAzure {
		return "group:" + uuid(name)
	}
	return "group:" + name + "@example.com"
}

// uuid derives a stable, valid UUID from s.
func uuid(s string) string {
	h := fmt.Sprintf("%032x", sha256.Sum256([]byte(s)))
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}

func team(cloud platform.Cloud, name string, namespaces ...string) accesspackage.Args {
	a := accesspackage.Args{Team: name, Requestors: []string{group(cloud, name)}, Approvers: []string{group(cloud, name+"-leads")}}
	for _, ns := range namespaces {
		a.Namespaces = append(a.Namespaces, accesspackage.Namespace{Name: ns})
	}
	return a
}

// render creates env, resolved against the facts of its cloud, on the fake
// backend, which records what each capability is asked for.
func render(t *testing.T, env environment.Environment) (*platformtest.Snapshot, *fake.Backend, error) {
	t.Helper()
	var b *fake.Backend
	snap, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		var err error
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		_, err = environment.New(ctx, env, b)
		return err
	})
	return snap, b, err
}

func dnsZoneID(cloud platform.Cloud, zone string) string {
	if cloud == platform.CloudAzure {
		return "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dns/providers/Microsoft.Network/dnszones/" + zone
	}
	return "projects/dns-project/managedZones/" + strings.ReplaceAll(zone, ".", "-")
}

func mustRender(t *testing.T, env environment.Environment) (*platformtest.Snapshot, *fake.Backend) {
	t.Helper()
	snap, b, err := render(t, env)
	if err != nil {
		t.Fatal(err)
	}
	return snap, b
}

var clouds = []platform.Cloud{platform.CloudAzure, platform.CloudGCP}

func TestEveryProfileIsAValidStart(t *testing.T) {
	for _, class := range environment.Classes {
		for _, cloud := range clouds {
			if err := define(class, cloud).Validate(); err != nil {
				t.Errorf("%s on %s:\n%v", class, cloud, err)
			}
		}
	}
}

func TestProfilesDecideWhatTheClassNeeds(t *testing.T) {
	for _, cloud := range clouds {
		facts, err := platform.LookupCloud(cloud)
		if err != nil {
			t.Fatal(err)
		}
		zones := facts.Zones.In("")
		prod, _ := mustRender(t, define(environment.Prod, cloud))
		_, b := mustRender(t, define(environment.Prod, cloud))
		c := b.Clusters()[0]
		if !c.PrivateAPI || c.Tier != platform.TierStandard || c.Channel != platform.ChannelStable || c.Window.Day != "Sunday" || !c.DeletionProtection {
			t.Errorf("%s prod cluster: private %v, tier %s, channel %s, window %+v, deletion protection %v", cloud, c.PrivateAPI, c.Tier, c.Channel, c.Window, c.DeletionProtection)
		}
		for _, p := range c.Pools {
			if !slices.Equal(p.Zones, zones) || p.Spot {
				t.Errorf("%s prod pool %s: zones %v, spot %v; want %v on demand", cloud, p.Name, p.Zones, p.Spot, zones)
			}
		}
		if n := b.Networks()[0]; !n.Locked {
			t.Errorf("%s prod network is not locked", cloud)
		}
		if st := b.BackupStorages(); len(st) != 1 || !st[0].Locked {
			t.Errorf("%s prod backup storage: %+v; want one, locked", cloud, st)
		}
		if len(b.PowerSchedules()) != 0 || prod.Find(powerschedule.TypeToken, "prod-env") != nil {
			t.Errorf("%s prod has a power schedule", cloud)
		}

		_, b = mustRender(t, define(environment.Dev, cloud))
		c = b.Clusters()[0]
		if c.Tier != platform.TierFree || c.DeletionProtection {
			t.Errorf("%s dev cluster: tier %s, deletion protection %v; want free, none", cloud, c.Tier, c.DeletionProtection)
		}
		user := c.Pools[1]
		if len(c.Pools[0].Zones) != 1 || !user.Spot || user.MinCount != 0 {
			t.Errorf("%s dev pools: system zones %v, user %+v; want one zone and a spot pool from zero", cloud, c.Pools[0].Zones, user)
		}
		if b.Networks()[0].Locked {
			t.Errorf("%s dev network is locked", cloud)
		}
		if ps := b.PowerSchedules(); len(ps) != 1 || ps[0].Start != "07:00" || ps[0].Stop != "19:00" {
			t.Errorf("%s dev power schedules: %+v; want one, 07:00-19:00", cloud, ps)
		}
	}
}

func TestProfilesAreOverriddenFieldByField(t *testing.T) {
	env := define(environment.Dev, platform.CloudAzure)
	env.Cluster.SystemPool.MachineType = "Standard_D4ds_v5"
	env.PowerSchedule.TimeZone = "Europe/Berlin"
	_, b := mustRender(t, env)
	sys := b.Clusters()[0].Pools[0]
	// The overridden field changes; the profile's other fields stay.
	if sys.MachineType != "Standard_D4ds_v5" || sys.DiskSizeGB != 64 || !slices.Equal(sys.Zones, []string{"1"}) || sys.MaxCount != 2 {
		t.Errorf("system pool = %+v; want the override over the dev profile", sys)
	}
	if ps := b.PowerSchedules()[0]; ps.TimeZone != "Europe/Berlin" || ps.Start != "07:00" {
		t.Errorf("power schedule = %+v", ps)
	}
}

func TestOneParentComponent(t *testing.T) {
	snap, _ := mustRender(t, define(environment.Staging, platform.CloudGCP))
	root := snap.Find(environment.TypeToken, "staging-env")
	if root == nil {
		t.Fatal("no Platform component")
	}
	var children []string
	for _, r := range snap.Resources {
		if r.Parent == root.URN {
			children = append(children, r.Type+"::"+r.Name)
		}
	}
	want := []string{
		network.TypeToken + "::staging-env",
		cluster.TypeToken + "::staging-env",
		"plinth:components:Ingress::staging-env",
		"plinth:components:CertManager::staging-env",
		"plinth:components:Backup::staging-env",
		powerschedule.TypeToken + "::staging-env",
		observability.TypeToken + "::staging-env",
		accesspackage.CatalogTypeToken + "::staging-env",
		accesspackage.TypeToken + "::staging-env-payments",
		accesspackage.TypeToken + "::staging-env-checkout",
		secrets.TypeToken + "::staging-env",
		registry.TypeToken + "::staging-env",
		guardrails.TypeToken + "::staging-env",
		dns.TypeToken + "::staging-env",
	}
	slices.Sort(children)
	slices.Sort(want)
	if !slices.Equal(children, want) {
		t.Errorf("children of the Platform:\n  %s\nwant\n  %s", strings.Join(children, "\n  "), strings.Join(want, "\n  "))
	}
	// Everything but the backend's provider lives under the Platform.
	for _, r := range snap.Resources {
		if r.URN != root.URN && r.Type != fake.ProviderType && !strings.Contains(r.URN, environment.TypeToken+"$") {
			t.Errorf("%s is not inside the Platform component", r.URN)
		}
	}
}

func TestEveryResourceCarriesTheEnvironmentsTags(t *testing.T) {
	snap, _ := mustRender(t, define(environment.Prod, platform.CloudAzure))
	want := map[string]string{
		"environment": "prod-env", "cost-center": "cc-4711", "managed-by": "plinth",
		"plinth-version": platform.VersionLabel(platform.Version), "class": "prod",
	}
	checked := 0
	for _, r := range snap.Resources {
		tags, ok := r.Inputs["tags"]
		if !ok || !strings.HasPrefix(r.Type, "plinthfake:") {
			continue
		}
		checked++
		got := platformtest.StringMap(t, tags)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s %s: tag %s = %q, want %q", r.Type, r.Name, k, got[k], v)
			}
		}
		// The platform is owned by the platform team; a team's access by
		// the team.
		owner := environment.DefaultOwner
		for _, tm := range []string{"payments", "checkout"} {
			if strings.HasPrefix(r.Name, "prod-env-"+tm) {
				owner = tm
			}
		}
		if got["owner"] != owner {
			t.Errorf("%s %s: owner %q, want %q", r.Type, r.Name, got["owner"], owner)
		}
	}
	if checked < 10 {
		t.Fatalf("checked the tags of %d resources; the fake registers more", checked)
	}
}

func TestProtectCoversTheStatefulComponents(t *testing.T) {
	for _, tc := range []struct {
		class   environment.Class
		protect bool
	}{{environment.Prod, true}, {environment.Staging, true}, {environment.Dev, false}} {
		snap, _ := mustRender(t, define(tc.class, platform.CloudAzure))
		for _, r := range snap.Resources {
			stateful := strings.Contains(r.URN, network.TypeToken) || strings.Contains(r.URN, cluster.TypeToken)
			if stateful && r.Protect != tc.protect {
				t.Errorf("%s: %s protect = %v, want %v", tc.class, r.URN, r.Protect, tc.protect)
			}
		}
	}
}

// errs returns the problems of err, one per line.
func errs(t *testing.T, err error) []string {
	t.Helper()
	var list *field.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("err = %v, want a *field.ErrorList", err)
	}
	return strings.Split(list.Error(), "\n")
}

func TestValidationReportsEveryProblemAtOnce(t *testing.T) {
	env := define(environment.Prod, platform.CloudAzure)
	env.Name = "prod-platform-westeurope-1"
	env.Network.PodCIDR = "10.0.0.0/11"
	env.Backup = nil
	env.Lock = false
	env.Cluster.APIServer.Public = true
	env.Cluster.SystemPool.Zones = []string{"1", "2"}
	env.Cluster.UserPools[0].Zones = []string{"1"}
	env.Cluster.UserPools[0].Name = "apps_pool"
	env.PowerSchedule = &powerschedule.Args{}
	env.Teams = append(env.Teams, team(platform.CloudAzure, "payments", "checkout"), team(platform.CloudAzure, "a-very-long-team-name", "ingress"))
	env.Tags = map[string]string{"owner": "someone"}
	got := errs(t, env.Validate())
	want := []string{
		`name "prod-platform-westeurope-1": longer than 24 characters; cloud names derived from it would be rejected`,
		`tags["owner"] "someone": set by the environment; remove it (set owner instead)`,
		`backup: required: a production environment is backed up; set backup (an empty mapping takes the production defaults)`,
		`lock false: a production environment locks its resource groups against deletion; set lock to true, or give unlockReason (e.g. the change ticket) while a deliberate change needs the lock lifted`,
		`powerSchedule: a production cluster is never stopped on a schedule; remove powerSchedule`,
		`teams[3].team "a-very-long-team-name": the team's access package would be named "environment-a-very-long-team-name", which is not a valid logical name (at most 24 characters of lowercase letters, digits and '-'): in environment "environment" a team name has at most 12 characters; shorten it`,
		`network.podCIDR "10.0.0.0/11": overlaps network.addressSpace "10.20.0.0/16"; pod and service ranges must lie outside the address space`,
	}
	if !slices.Equal(got[:len(want)], want) {
		t.Errorf("first problems:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	// The cluster is checked against the network: with a broken network
	// its problems would be noise. Mend the network and look again.
	env.Network.PodCIDR = ""
	got = errs(t, env.Validate())
	for _, w := range []string{
		`cluster.systemPool.zones`,
		`cluster.userPools[0].name "apps_pool"`,
		`cluster.userPools[0].zones "[1]": a production pool spreads over at least 3 zones; list 3 or leave zones unset`,
		`cluster.apiServer.public true: a public API server must be limited to authorizedCIDRs, in every class`,
		`teams[2].team "payments": listed twice; list each team once`,
		`teams[3].namespaces[0].name "ingress"`,
	} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, w) }) {
			t.Errorf("no problem starting with %q in\n  %s", w, strings.Join(got, "\n  "))
		}
	}
}

func TestTheCatalogsEnvironmentAndCostCenterAreTheEnvironments(t *testing.T) {
	env := define(environment.Dev, platform.CloudGCP)
	env.Access.Environment = "other"
	env.Access.CostCenter = "cc-1"
	got := errs(t, env.Validate())
	want := []string{
		`access.environment "other": set by the environment from its name; leave it unset`,
		`access.costCenter "cc-1": set by the environment from its costCenter; leave it unset`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestInvalidEnvironmentRegistersNothing(t *testing.T) {
	env := define(environment.Dev, platform.CloudAzure)
	env.Class = "qa"
	env.CostCenter = ""
	snap, _, err := render(t, env)
	want := []string{
		`class "qa": use "dev", "staging" or "prod"`,
		`costCenter: required: every resource is tagged with the cost center it is billed to, e.g. "cc-4711"`,
	}
	if got := errs(t, err); !slices.Equal(got[:2], want) {
		t.Errorf("problems:\n  %s\nwant first\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if snap != nil && len(snap.Resources) > 1 {
		t.Errorf("registered %d resources for an invalid environment", len(snap.Resources))
	}
}

// gcpBackend is a backend that deploys to GCP, for the test of a backend
// of another cloud than the environment's.
type gcpBackend struct{ *fake.Backend }

func (gcpBackend) Cloud() platform.Cloud { return platform.CloudGCP }

func TestBackendOfAnotherCloudIsRefused(t *testing.T) {
	_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		_, err = environment.New(ctx, define(environment.Dev, platform.CloudAzure), gcpBackend{b})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), `environment dev-env: cloud is "azure" but the backend deploys to "gcp"`) {
		t.Errorf("err = %v", err)
	}
}

func TestSetsOfEnvironmentsKeepNamesAndRangesApart(t *testing.T) {
	a := define(environment.Dev, platform.CloudAzure)
	b := define(environment.Prod, platform.CloudGCP)
	b.Network.AddressSpace = "10.40.0.0/16"
	if err := environment.ValidateSet([]environment.Environment{a, b}); err != nil {
		t.Fatalf("distinct environments: %v", err)
	}
	c := define(environment.Dev, platform.CloudGCP) // dev-env again
	c.Network.AddressSpace = "10.20.128.0/17"
	got := errs(t, environment.ValidateSet([]environment.Environment{a, b, c}))
	want := []string{
		`[2].name "dev-env": also the name of environment [0]; every environment is a stack of its own name`,
		`[2].network.addressSpace "10.20.128.0/17": dev-env's range overlaps the address space "10.20.0.0/16" of dev-env; give every environment its own range so that networks can be connected`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestProductionLockIsLiftedOnlyWithAReason(t *testing.T) {
	env := define(environment.Prod, platform.CloudAzure)
	env.Lock, env.UnlockReason = false, "CHG-1234: remove the legacy node pool"
	if err := env.Validate(); err != nil {
		t.Fatalf("an unlocked production environment with a reason: %v", err)
	}
	_, b := mustRender(t, env)
	if b.Networks()[0].Locked {
		t.Error("the network is still locked")
	}
	env.Lock = true
	want := []string{`unlockReason "CHG-1234: remove the legacy node pool": lifts the lock of a production environment and needs lock false there; remove it`}
	if got := errs(t, env.Validate()); !slices.Equal(got, want) {
		t.Errorf("problems:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestAKSMaintenanceWindowFallsOnARunningDay(t *testing.T) {
	env := define(environment.Dev, platform.CloudAzure)
	env.Cluster.Upgrades.Window.Day = "Saturday"
	want := []string{`cluster.upgrades.window.day "Saturday": the power schedule stops the cluster on Saturday and AKS upgrades only a running cluster; put the window on one of Monday, Tuesday, Wednesday, Thursday, Friday`}
	if got := errs(t, env.Validate()); !slices.Equal(got, want) {
		t.Errorf("problems:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	// GKE upgrades a cluster whose pools are at zero.
	gke := define(environment.Dev, platform.CloudGCP)
	gke.Cluster.Upgrades.Window.Day = "Saturday"
	if err := gke.Validate(); err != nil {
		t.Errorf("GKE: %v", err)
	}
}

func TestOwnerAndCostCenterAreCheckedAsTagValues(t *testing.T) {
	env := define(environment.Dev, platform.CloudGCP)
	env.Owner, env.CostCenter = "Platform Team", "CC 4711"
	want := []string{
		`owner "Platform Team": tag value must be at most 63 lowercase letters, digits, '_' or '-' (GCP label rules); write dots and capitals as '-', e.g. "v0-1-0"`,
		`costCenter "CC 4711": tag value must be at most 63 lowercase letters, digits, '_' or '-' (GCP label rules); write dots and capitals as '-', e.g. "v0-1-0"`,
	}
	if got := errs(t, env.Validate()); !slices.Equal(got, want) {
		t.Errorf("problems:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestZonesFollowTheRegion(t *testing.T) {
	env := define(environment.Prod, platform.CloudGCP)
	r, err := env.Resolve("us-central1")
	if err != nil {
		t.Fatal(err)
	}
	var b *fake.Backend
	_, err = platformtest.Render("test", func(ctx *pulumi.Context) error {
		if b, err = fake.New(ctx, "fake"); err != nil {
			return err
		}
		_, err := environment.Build(ctx, r, b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range b.Clusters()[0].Pools {
		if !slices.Equal(p.Zones, []string{"a", "b", "c"}) {
			t.Errorf("pool %s in us-central1: zones %v, want [a b c]", p.Name, p.Zones)
		}
	}

	env.Cluster.UserPools[0].Zones = []string{"b", "c", "d"}
	want := []string{`cluster.userPools[0].zones[2] "d": not a zone of us-central1; use [a b c f]`}
	if _, err := env.Resolve("us-central1"); !slices.Equal(errs(t, err), want) {
		t.Errorf("problems:\n  %s\nwant\n  %s", strings.Join(errs(t, err), "\n  "), strings.Join(want, "\n  "))
	}
	if _, err := env.Resolve("europe-west1"); err != nil {
		t.Errorf("zones b, c, d in europe-west1: %v", err)
	}
}

func TestBuildNeedsAResolvedEnvironment(t *testing.T) {
	_, err := platformtest.Render("test", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		_, err = environment.Build(ctx, nil, b)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "environment: not resolved; pass what Environment.Resolve returns") {
		t.Errorf("err = %v", err)
	}
}

func TestEveryEnvironmentIsWatched(t *testing.T) {
	for _, class := range environment.Classes {
		_, b := mustRender(t, define(class, platform.CloudGCP))
		o := b.Observabilities()
		if len(o) != 1 {
			t.Fatalf("%s: %d observabilities, want 1", class, len(o))
		}
		var names []string
		for _, r := range o[0].Rules {
			names = append(names, r.Name)
		}
		// Velero's schedules, cert-manager and Traefik are watched; the
		// logs are kept as the cluster says.
		for _, want := range []string{"BackupFailed", "CertificateNotReady", "IngressErrors", "NodeNotReady"} {
			if !slices.Contains(names, want) {
				t.Errorf("%s: no %s among %v", class, want, names)
			}
		}
		if o[0].LogRetentionDays != b.Clusters()[0].LogRetentionDays {
			t.Errorf("%s: log retention %d, want the cluster's %d", class, o[0].LogRetentionDays, b.Clusters()[0].LogRetentionDays)
		}
		if class == environment.Prod && len(o[0].Receivers) == 0 {
			t.Errorf("prod: no receiver")
		}
	}
	// Production without a receiver of critical alerts is refused.
	env := define(environment.Prod, platform.CloudAzure)
	env.Observability.Receivers[0].Severities = []platform.Severity{platform.SeverityWarning}
	if err := env.Validate(); err == nil || !strings.Contains(err.Error(), "observability.receivers: required: a production environment's critical alerts reach someone") {
		t.Errorf("err = %v", err)
	}
}
