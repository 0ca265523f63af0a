package project_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/mockcloud"
	"github.com/plinth-dev/plinth/platform"
	_ "github.com/plinth-dev/plinth/platform/aks/aksfacts" // the Azure facts
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/platformtest"
	"github.com/plinth-dev/plinth/project"
)

// testCloud stands in for a cloud with the fake backend: it reads one
// configuration key, as aks.Cloud and gke.Cloud read theirs, and its
// environments resolve against the cloud's facts.
type testCloud struct{ cloud platform.Cloud }

func (c testCloud) Name() platform.Cloud { return c.cloud }

func (c testCloud) Backend(ctx *pulumi.Context, stack string, cfg platform.StackConfig) (platform.Backend, error) {
	if cfg.Require("fakeAccount") == "" {
		return nil, nil
	}
	return fake.New(ctx, stack)
}

func (testCloud) Region(cfg platform.StackConfig) string { return cfg.Get("fakeRegion") }

func (c testCloud) Offline(ctx *pulumi.Context, stack string) (platform.Backend, error) {
	return fake.New(ctx, stack)
}

func (testCloud) OfflineRegion() string { return "" }

func (testCloud) OfflineDNSZoneID(zone string) string { return zoneID(zone) }

func zoneID(zone string) string {
	return "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/dns/providers/Microsoft.Network/dnszones/" + zone
}

func (testCloud) TagsProperty(typeToken string) (string, bool) {
	return "tags", strings.HasPrefix(typeToken, "fake:")
}

var azure = testCloud{platform.CloudAzure}

// env is a valid development environment on Azure.
func env(name, addressSpace string) environment.Environment {
	e := environment.Profile(environment.Dev, platform.CloudAzure)
	e.Name, e.CostCenter, e.Owner = name, "cc-1200", "shop-platform-team"
	e.Network.AddressSpace = addressSpace
	e.Cluster.APIServer.Public = true
	e.Cluster.APIServer.AuthorizedCIDRs = []string{"198.51.100.0/24"}
	e.CertManager.Email = "platform@shop.example"
	return e
}

func shop() project.Project {
	return project.Project{
		Name:   "shop-platform",
		Stacks: project.Environments(env("shop-dev", "10.70.0.0/16"), env("shop-staging", "10.71.0.0/16")),
		Clouds: []project.Cloud{azure},
	}
}

func TestAProjectIsCheckedAsAWhole(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(p *project.Project)
		want   []string
	}{
		{"no name", func(p *project.Project) { p.Name = "" }, []string{"project (unnamed):\n", `project.name: required: the Pulumi project's name, as in Pulumi.yaml's name`}},
		{"bad name", func(p *project.Project) { p.Name = "shop platform" }, []string{`project.name "shop platform": a Pulumi project name is letters, digits`}},
		{"no stacks", func(p *project.Project) { p.Stacks = nil }, []string{"project.stacks: required: the project's environments"}},
		{"empty", func(p *project.Project) { p.Stacks = project.Environments() }, []string{"project.stacks: required: the project defines no environment; add one"}},
		{"cloud listed twice", func(p *project.Project) { p.Clouds = append(p.Clouds, azure) }, []string{`project.clouds[1] "azure": also project.clouds[0]; list each cloud once`}},
		{"nil cloud", func(p *project.Project) { p.Clouds = append(p.Clouds, nil) }, []string{`project.clouds[1]: nil; list a cloud such as aks.Cloud{} or gke.Cloud{}`}},
		{"cloud not listed", func(p *project.Project) {
			gcp := env("shop-gke", "10.72.0.0/16")
			gcp.Cloud = platform.CloudGCP
			p.Stacks = project.Environments(env("shop-dev", "10.70.0.0/16"), gcp)
		}, []string{`stacks[1].cloud "gcp": stack shop-gke deploys to gcp, which the project does not list; add gke.Cloud{} to project.clouds`}},
		{"cloud typo", func(p *project.Project) {
			typo := env("shop-gke", "10.72.0.0/16")
			typo.Cloud = "gpc"
			p.Stacks = project.Environments(env("shop-dev", "10.70.0.0/16"), typo)
		}, []string{`stacks[1].cloud "gpc": not a cloud; use "azure" (AKS) or "gcp" (GKE)`}},
		{"two stacks of one name", func(p *project.Project) {
			p.Stacks = project.Environments(env("shop-dev", "10.70.0.0/16"), env("shop-dev", "10.71.0.0/16"))
		}, []string{`stacks[1].name "shop-dev": also the name of environment [0]`}},
		{"overlapping networks", func(p *project.Project) {
			p.Stacks = project.Environments(env("shop-dev", "10.70.0.0/16"), env("shop-prod", "10.70.128.0/17"))
		}, []string{`stacks[1].network.addressSpace "10.70.128.0/17": shop-prod's range overlaps the address space "10.70.0.0/16" of shop-dev`}},
		{"unnamed stack", func(p *project.Project) {
			p.Stacks = project.Environments(env("shop-dev", "10.70.0.0/16"), env("", "10.71.0.0/16"))
		}, []string{`stacks[1].name: required: the stack's name, e.g. "shop-dev"`}},
		{"no cloud", func(p *project.Project) {
			e := env("shop-qa", "10.72.0.0/16")
			e.Cloud = ""
			p.Stacks = project.Environments(env("shop-dev", "10.70.0.0/16"), e)
		}, []string{`stacks[1].cloud: required: the cloud stack shop-qa deploys to, "azure" or "gcp"`}},
		{"snapshots outside", func(p *project.Project) { p.SnapshotDir = "../snapshots" }, []string{`project.snapshotDir "../snapshots": a directory inside the project`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := shop()
			tc.change(&p)
			_, err := p.Environments()
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v\nwant %q", err, w)
				}
			}
		})
	}
}

// An environment rendered on its own (plinth plan --environment-file) whose
// cloud the project does not deploy to is invalid at its cloud field.
func TestRenderEnvironmentNamesAnUnknownCloud(t *testing.T) {
	for cloud, want := range map[platform.Cloud]string{
		// Linked, but not the project's.
		platform.CloudFake: `cloud "fake": project shop-platform does not deploy to fake; add the Cloud of "fake" to its Clouds, or use one of its clouds, "azure"`,
		// Described by no linked backend: the environment's own problems.
		"aws": `cloud "aws": use "azure" (AKS), or link the cloud's backend by importing it (platform/aks, platform/gke)`,
	} {
		e := env("shop-qa", "10.72.0.0/16")
		e.Cloud = cloud
		_, err := shop().RenderEnvironment(e)
		if err == nil || err.Error() != want {
			t.Errorf("cloud %s: err = %v\nwant %s", cloud, err, want)
		}
	}
}

func TestYAMLReadsEachFileStrictly(t *testing.T) {
	envs, err := project.YAML(os.DirFS("testdata"), "environments/shop-dev.yaml")()
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) != 1 || envs[0].Name != "shop-dev" || envs[0].Network.AddressSpace != "10.70.0.0/16" || envs[0].PowerSchedule == nil {
		t.Errorf("envs = %+v", envs)
	}
	_, err = project.YAML(os.DirFS("testdata"), "environments/*.yaml")()
	if err == nil || !strings.Contains(err.Error(), "environments/shop-qa.yaml:\n") || !strings.Contains(err.Error(), `did you mean "addressSpace"?`) {
		t.Errorf("err = %v", err)
	}
	_, err = project.YAML(fstest.MapFS{}, "envs/*.yaml")()
	if err == nil || err.Error() != `project.YAML "envs/*.yaml": no file matches; embed the environment files (//go:embed envs/*.yaml)` {
		t.Errorf("err = %v", err)
	}
}

func TestLookupNamesTheProjectsStacks(t *testing.T) {
	_, err := shop().Lookup("prod-aks")
	if err == nil || err.Error() != `project shop-platform has no stack "prod-aks"; its stacks are shop-dev, shop-staging` {
		t.Errorf("err = %v", err)
	}
}

func TestSnapshotPath(t *testing.T) {
	p := shop()
	if got := p.SnapshotPath("shop-dev"); got != "snapshots/shop-dev.json" {
		t.Errorf("default = %s", got)
	}
	p.SnapshotDir = "review/graphs"
	if got := p.SnapshotPath("shop-dev"); got != "review/graphs/shop-dev.json" {
		t.Errorf("set = %s", got)
	}
}

// deploy runs the project's program as `pulumi up -s stack` would, under
// mocks, with the stack's configuration, and returns what it registered,
// whether or not it failed.
func deploy(p project.Project, project, stack string, cfg map[string]string) (*platformtest.Snapshot, error) {
	return mockcloud.Attempt(stack, p.Program(), mockcloud.WithProject(project), mockcloud.WithConfig(cfg))
}

var shopDevConfig = map[string]string{"plinth:fakeAccount": "acct-1", "plinth:dnsZoneName": "dev.shop.example", "plinth:dnsZoneId": zoneID("dev.shop.example")}

func TestTheProgramDeploysTheStacksEnvironment(t *testing.T) {
	// No zone ID: the DNS component creates the zone, as offline.
	snap, err := deploy(shop(), "shop-platform", "shop-staging", map[string]string{"plinth:fakeAccount": "acct-1", "plinth:dnsZoneName": "dev.shop.example"})
	if err != nil {
		t.Fatal(err)
	}
	platform := snap.Find("plinth:environment:Platform", "shop-staging")
	if platform == nil || !strings.HasPrefix(platform.URN, "urn:pulumi:shop-staging::shop-platform::") {
		t.Fatalf("no platform shop-staging in project shop-platform: %+v", platform)
	}
	// The deployed program and the offline render register the same
	// resources: one composition, two sets of coordinates.
	offline, err := shop().Render("shop-staging")
	if err != nil {
		t.Fatal(err)
	}
	urns := func(s *platformtest.Snapshot) []string {
		var out []string
		for _, r := range s.Resources {
			out = append(out, r.URN)
		}
		return out
	}
	if got, want := urns(snap), urns(offline); !slices.Equal(got, want) {
		t.Errorf("the deployed program registers\n%v\nthe offline render\n%v", got, want)
	}
}

func TestTheProgramRefusesWhatIsNotTheProjects(t *testing.T) {
	for _, tc := range []struct {
		name, project, stack string
		cfg                  map[string]string
		want                 string
	}{
		{"another stack", "shop-platform", "shop-prod", shopDevConfig, `project shop-platform has no stack "shop-prod"; its stacks are shop-dev, shop-staging`},
		{"another project", "platform", "shop-dev", shopDevConfig, `Pulumi.yaml names the project "platform", but this program deploys the Plinth project "shop-platform"`},
		{"missing configuration", "shop-platform", "shop-dev", map[string]string{"plinth:dnsZoneName": "dev.shop.example"},
			// The DNS component creates the zone when no ID names one.
			"stack shop-dev: missing configuration:\n" +
				"  plinth:fakeAccount is not set; run: pulumi config set plinth:fakeAccount <value> -s shop-dev"},
		{"missing DNS zone", "shop-platform", "shop-dev", map[string]string{"plinth:fakeAccount": "acct-1"},
			"stack shop-dev: missing configuration:\n  plinth:dnsZoneName is not set; run: pulumi config set plinth:dnsZoneName <value> -s shop-dev"},
		{"class pin", "shop-platform", "shop-dev", map[string]string{"plinth:class": "prod"}, `plinth:class "prod": the stack is pinned to class prod but environment shop-dev is class dev`},
		{"invalid environment", "shop-platform", "shop-dev", map[string]string{"plinth:fakeAccount": "acct-1", "plinth:dnsZoneName": "dev shop", "plinth:dnsZoneId": zoneID("dev.shop.example")},
			`plinth:dnsZoneName "dev shop": `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			snap, err := deploy(shop(), tc.project, tc.stack, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v\nwant %s", err, tc.want)
			}
			if len(snap.Resources) > 0 {
				t.Errorf("%d resources registered, the first %s", len(snap.Resources), snap.Resources[0].URN)
			}
		})
	}
}

// A team's own resources join every stack through Extend, on the
// platform's provider (here the fake cloud's, so the vault is a plinthfake
// type), and offline renders answer their types through Answers.
func TestExtendAddsTheTeamsResources(t *testing.T) {
	p := shop()
	p.Extend = func(ctx *pulumi.Context, pl *environment.Platform) error {
		var vault pulumi.CustomResourceState
		return ctx.RegisterResource("plinthfake:index:Vault", pl.Environment.Name+"-vault",
			pulumi.Map{"vaultName": pulumi.String(pl.Environment.Name + "-kv")}, &vault, pulumi.Parent(pl), pulumi.Provider(pl.Provider))
	}
	_, err := p.Render("shop-dev")
	if err == nil || !strings.Contains(err.Error(), `no offline answer for resource type "plinthfake:index:Vault" (shop-dev-vault)`) {
		t.Errorf("without an answer: err = %v", err)
	}
	p.Answers.Resources = map[string]func(string, map[string]any) (string, map[string]any, error){
		"plinthfake:index:Vault": func(name string, in map[string]any) (string, map[string]any, error) {
			return "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/" + in["vaultName"].(string), map[string]any{"vaultUri": "https://x"}, nil
		},
	}
	snap, err := p.Render("shop-dev")
	if err != nil {
		t.Fatal(err)
	}
	vault := snap.Find("plinthfake:index:Vault", "shop-dev-vault")
	if vault == nil || !strings.HasSuffix(vault.Parent, "plinth:environment:Platform::shop-dev") {
		t.Fatalf("vault = %+v", vault)
	}
	// It deploys through the platform's own provider, as everything else.
	if !strings.HasPrefix(vault.Provider, "urn:pulumi:shop-dev::shop-platform::pulumi:providers:plinthfake::shop-dev::") {
		t.Errorf("vault provider %q, want the platform's", vault.Provider)
	}
}

// platformtest answers the types and invokes a team uses, in its project.
func TestPlatformtestAnswersTheTeamsTypes(t *testing.T) {
	snap, err := platformtest.Render("shop-dev", func(ctx *pulumi.Context) error {
		var out map[string]any
		if err := ctx.Invoke("azure-native:keyvault:getVault", map[string]any{"vaultName": "kv"}, &out); err != nil {
			return err
		}
		var job pulumi.CustomResourceState
		return ctx.RegisterResource("kubernetes:batch/v1:CronJob", "backup-report",
			pulumi.Map{"uri": pulumi.String(out["vaultUri"].(string))}, &job)
	},
		platformtest.WithProject("shop-platform"),
		platformtest.WithInvoke("azure-native:keyvault:getVault", func(args map[string]any) (map[string]any, error) {
			return map[string]any{"vaultUri": "https://" + args["vaultName"].(string) + ".vault.azure.net/"}, nil
		}),
		platformtest.WithResource("kubernetes:batch/v1:CronJob", func(name string, _ map[string]any) (string, map[string]any, error) {
			return "shop/" + name, nil, nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	job := snap.Find("kubernetes:batch/v1:CronJob", "backup-report")
	if job == nil || job.URN != "urn:pulumi:shop-dev::shop-platform::kubernetes:batch/v1:CronJob::backup-report" {
		t.Fatalf("job = %+v", job)
	}
	if got := platformtest.Input(t, job, "uri"); got != "https://kv.vault.azure.net/" {
		t.Errorf("uri = %v", got)
	}
}

// A zone ID in the stack's configuration adopts that zone: the DNS
// component creates no public zone, and cert-manager and external-dns are
// granted on the adopted one.
func TestAZoneIDAdoptsTheZone(t *testing.T) {
	snap, err := deploy(shop(), "shop-platform", "shop-staging", shopDevConfig)
	if err != nil {
		t.Fatal(err)
	}
	if z := snap.Find("plinthfake:index:Zone", "shop-staging-zone"); z != nil {
		t.Error("a public zone was created beside the adopted one")
	}
	for _, name := range []string{"shop-staging-cert-manager-grant-1", "shop-staging-external-dns-grant-1"} {
		g := snap.Find("plinthfake:index:Grant", name)
		if g == nil {
			t.Fatalf("no grant %s", name)
		}
		if got := platformtest.Input(t, g, "scope"); got != zoneID("dev.shop.example") {
			t.Errorf("%s at %v, want the adopted zone", name, got)
		}
	}
}
