package main

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform/platformtest"
	"github.com/plinth-dev/plinth/project"
)

// The project's stacks are its files: one stack per environment, named
// after it.
func TestOneStackPerEnvironmentFile(t *testing.T) {
	envs, err := Project.Environments()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := project.Names(envs), []string{"shop-prod", "shop-staging"}; !slices.Equal(got, want) {
		t.Errorf("stacks = %v, want %v (one per file under environments/)", got, want)
	}
}

// Pulumi.yaml names the project Project deploys: the program refuses a
// stack of a Pulumi project of another name.
func TestPulumiYAMLNamesTheProject(t *testing.T) {
	f, err := os.Open("Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if name, ok := strings.CutPrefix(lines.Text(), "name: "); ok {
			if name != Project.Name {
				t.Errorf("Pulumi.yaml names project %q, Project.Name is %q", name, Project.Name)
			}
			return
		}
	}
	t.Errorf("Pulumi.yaml has no name (err %v)", lines.Err())
}

// In every stack, the storefront team gets its namespace closed by
// default, and its Azure roles reach only its cluster and its namespace.
func TestStorefrontIsConfinedToItsNamespace(t *testing.T) {
	envs, err := Project.Environments()
	if err != nil {
		t.Fatal(err)
	}
	for _, stack := range project.Names(envs) {
		// Enforced guardrails (staging, production) make restricted the
		// team namespaces' default; dev's audit and keep baseline.
		podSecurity := "restricted"
		for _, e := range envs {
			if e.Name == stack && e.Class == environment.Dev {
				podSecurity = "baseline"
			}
		}
		t.Run(stack, func(t *testing.T) {
			snap, err := Project.Render(stack)
			if err != nil {
				t.Fatal(err)
			}
			prefix := stack + "-storefront-storefront-"
			ns := snap.Find("kubernetes:core/v1:Namespace", prefix+"namespace")
			if got := platformtest.Input(t, ns, "metadata.name"); got != "storefront" {
				t.Errorf("namespace = %v, want storefront", got)
			}
			labels := platformtest.StringMap(t, platformtest.Input(t, ns, "metadata.labels"))
			for k, want := range map[string]string{"team": "storefront", "environment": stack, "cost-center": "cc-1200", "pod-security.kubernetes.io/enforce": podSecurity} {
				if labels[k] != want {
					t.Errorf("namespace label %s = %q, want %q", k, labels[k], want)
				}
			}

			// Every pod of the namespace, in and out, until a policy
			// admits it: DNS, the ingress controller, the namespace itself.
			deny := snap.Find("kubernetes:networking.k8s.io/v1:NetworkPolicy", prefix+"default-deny")
			if got := platformtest.Input(t, deny, "metadata.namespace"); got != "storefront" {
				t.Errorf("default-deny policy in namespace %v", got)
			}
			if sel := platformtest.Input(t, deny, "spec.podSelector"); len(sel.(map[string]any)) != 0 {
				t.Errorf("default-deny selects %v, want every pod ({})", sel)
			}
			if got := platformtest.Input(t, deny, "spec.policyTypes"); !slices.Equal(got.([]any), []any{"Ingress", "Egress"}) {
				t.Errorf("default-deny policy types = %v, want Ingress and Egress", got)
			}
			if _, ok := deny.Input("spec.ingress"); ok {
				t.Error("the default-deny policy admits ingress")
			}

			// Each access level's Azure roles: user of the cluster (to
			// fetch credentials) and its level in the team's namespace,
			// never the resource group or the subscription.
			cluster := "/resourceGroups/" + stack + "-rg/providers/Microsoft.ContainerService/managedClusters/" + stack + "-aks"
			for _, level := range []string{"reader", "developer", "admin"} {
				user := snap.Find("azure-native:authorization:RoleAssignment", stack+"-storefront-"+level+"-cluster-user")
				if got := platformtest.Input(t, user, "scope").(string); !strings.HasSuffix(got, cluster) {
					t.Errorf("%s: cluster-user role at %s, want the cluster", level, got)
				}
				inNS := snap.Find("azure-native:authorization:RoleAssignment", stack+"-storefront-"+level+"-ns-storefront")
				if got := platformtest.Input(t, inNS, "scope").(string); !strings.HasSuffix(got, cluster+"/namespaces/storefront") {
					t.Errorf("%s: namespace role at %s, want the storefront namespace", level, got)
				}
			}
		})
	}
}

// The staging file overrides the staging profile where it says so, and
// only there: the apps pool, and the power schedule's stop but not its
// start.
func TestStagingFileOverridesTheProfile(t *testing.T) {
	snap, err := Project.Render("shop-staging")
	if err != nil {
		t.Fatal(err)
	}
	pool := snap.Find("azure-native:containerservice/v20241001:AgentPool", "shop-staging-pool-apps")
	if got := platformtest.Input(t, pool, "maxCount"); got != 6.0 {
		t.Errorf("apps pool maxCount = %v, want 6", got)
	}
	if !pool.Protect {
		t.Error("the apps pool is not protected; the staging profile protects the cluster")
	}
	var schedules []string
	for _, s := range snap.OfType("azure-native:automation/v20231101:Schedule") {
		schedules = append(schedules, s.Name)
		if got := platformtest.Input(t, s, "timeZone"); got != "Europe/Paris" {
			t.Errorf("%s in time zone %v, want Europe/Paris", s.Name, got)
		}
	}
	if len(schedules) != 2 || !strings.Contains(schedules[0]+schedules[1], "-stop-2000-") || !strings.Contains(schedules[0]+schedules[1], "-start-0700-") {
		t.Errorf("schedules = %v, want stop at 20:00 (the file) and start at 07:00 (the profile)", schedules)
	}
}

// A misspelt key in an environment file stops every command, naming the
// file and the key.
func TestAMisspeltKeyIsNamed(t *testing.T) {
	data, err := environments.ReadFile("environments/shop-staging.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := Project
	p.Stacks = project.YAML(fstest.MapFS{
		"environments/shop-staging.yaml": {Data: []byte(strings.Replace(string(data), "addressSpace:", "adressSpace:", 1))},
	}, "environments/*.yaml")
	_, err = p.Render("shop-staging")
	if err == nil || !strings.Contains(err.Error(), "environments/shop-staging.yaml:") || !strings.Contains(err.Error(), `did you mean "addressSpace"?`) {
		t.Errorf("err = %v, want the file and the key named", err)
	}
}

// stagingConfig is the configuration of the shop-staging stack, as
// `pulumi config set` writes it to Pulumi.shop-staging.yaml. This module
// builds Plinth from the repository around it (a replace), which names no
// published commit, so the stack says where Automation downloads the power
// schedule's runbook.
func stagingConfig() map[string]string {
	return map[string]string{
		"plinth:azureSubscriptionId": "5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a",
		"plinth:azureTenantId":       "6a2d7c3f-4e5b-4d9f-8c0a-3b2e1f0d9c8b",
		"plinth:azureLocation":       "francecentral",
		"plinth:azureRunbookBaseUrl": "https://ops.shop.example/plinth",
		"plinth:dnsZoneName":         "staging.shop.example",
		"plinth:dnsZoneId":           "/subscriptions/5f1c6b2e-3d4a-4c8e-9b7f-2a1d0e9c8b7a/resourceGroups/dns/providers/Microsoft.Network/dnszones/staging.shop.example",
	}
}

// deploy runs the program `pulumi up -s stack` runs, under mocks, with the
// stack's configuration.
func deploy(stack string, config map[string]string) (*platformtest.Snapshot, error) {
	return platformtest.Render(stack, Project.Program(),
		platformtest.WithProject(Project.Name), platformtest.WithConfig(config))
}

// The deployed program lands where the stack's configuration says: the
// subscription, tenant and region of the Azure provider every resource
// uses, and the DNS zone cert-manager may write to.
func TestTheStackConfigurationPlacesThePlatform(t *testing.T) {
	cfg := stagingConfig()
	snap, err := deploy("shop-staging", cfg)
	if err != nil {
		t.Fatal(err)
	}
	provider := snap.Find("pulumi:providers:azure-native", "shop-staging")
	for input, key := range map[string]string{"subscriptionId": "plinth:azureSubscriptionId", "tenantId": "plinth:azureTenantId", "location": "plinth:azureLocation"} {
		if got := platformtest.Input(t, provider, input); got != cfg[key] {
			t.Errorf("provider %s = %v, want %s %s", input, got, key, cfg[key])
		}
	}
	rg := snap.Find("azure-native:resources:ResourceGroup", "shop-staging-rg")
	if got := platformtest.Input(t, rg, "location"); got != "francecentral" {
		t.Errorf("resource group in %v, want francecentral", got)
	}
	if !strings.HasPrefix(rg.Provider, provider.URN+"::") {
		t.Errorf("resource group deployed through %s, want the configured provider", rg.Provider)
	}
	grant := snap.Find("azure-native:authorization:RoleAssignment", "shop-staging-cert-manager-dns-zone-contributor-1")
	if got := platformtest.Input(t, grant, "scope"); got != cfg["plinth:dnsZoneId"] {
		t.Errorf("cert-manager may write to %v, want the configured zone only", got)
	}
	if platform := snap.Find("plinth:environment:Platform", "shop-staging"); platform == nil || !strings.HasPrefix(platform.URN, "urn:pulumi:shop-staging::shop-platform::") {
		t.Errorf("no platform shop-staging in project shop-platform: %+v", platform)
	}
}

// A stack with a coordinate missing registers nothing, and the error names
// the key and the command that sets it.
func TestAMissingKeyIsNamed(t *testing.T) {
	cfg := stagingConfig()
	delete(cfg, "plinth:azureLocation")
	snap, err := deploy("shop-staging", cfg)
	want := "plinth:azureLocation is not set; run: pulumi config set plinth:azureLocation <value> -s shop-staging"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v\nwant it to contain %s", err, want)
	}
	if snap != nil {
		t.Errorf("%d resources registered with configuration missing", len(snap.Resources))
	}
}

// withCache is Project with a resource of the team's own in every stack:
// an Azure Cache for Redis in the platform's resource group, under the
// platform in the resource tree, tagged like it. Plinth registers no such
// type, and offline renders have no Azure to create it, so Answers says
// what Azure returns for the type.
//
// The cache is registered untyped here to keep the example free of the
// cache SDK; a team would use redis.NewRedis from
// github.com/pulumi/pulumi-azure-native-sdk/cache/v2. Default providers
// are disabled (Pulumi.yaml), so it deploys through the platform's own
// azure-native provider, pl.Provider.
func withCache() project.Project {
	p := Project
	p.Extend = func(ctx *pulumi.Context, pl *environment.Platform) error {
		env := pl.Environment
		// The network's ID is its ARM ID, in the platform's resource group.
		resourceGroup := pl.Network.ID.ApplyT(func(id string) string {
			_, rest, _ := strings.Cut(id, "/resourceGroups/")
			rg, _, _ := strings.Cut(rest, "/")
			return rg
		}).(pulumi.StringOutput)
		access := "Enabled"
		if env.Production() {
			access = "Disabled"
		}
		var cache pulumi.CustomResourceState
		return ctx.RegisterResource("azure-native:cache:Redis", env.Name+"-cache", pulumi.Map{
			"name":                pulumi.String(env.Name + "-cache"),
			"resourceGroupName":   resourceGroup,
			"sku":                 pulumi.Map{"family": pulumi.String("C"), "name": pulumi.String("Standard"), "capacity": pulumi.Int(1)},
			"minimumTlsVersion":   pulumi.String("1.2"),
			"publicNetworkAccess": pulumi.String(access),
			"tags":                pulumi.ToStringMap(env.BaseTags()),
		}, &cache, pulumi.Parent(pl), pulumi.Provider(pl.Provider))
	}
	p.Answers.Resources = map[string]func(string, map[string]any) (string, map[string]any, error){
		"azure-native:cache:Redis": func(_ string, in map[string]any) (string, map[string]any, error) {
			name := in["name"].(string)
			id := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/" + in["resourceGroupName"].(string) + "/providers/Microsoft.Cache/redis/" + name
			return id, map[string]any{"hostName": name + ".redis.cache.windows.net"}, nil
		},
	}
	return p
}

// The team's cache joins every stack under the Platform component, in
// the platform's resource group, with the platform's tags, and without a
// public endpoint in production.
func TestExtendAddsTheTeamsCache(t *testing.T) {
	p := withCache()
	for _, stack := range []string{"shop-staging", "shop-prod"} {
		snap, err := p.Render(stack)
		if err != nil {
			t.Fatal(err)
		}
		platform := snap.Find("plinth:environment:Platform", stack)
		cache := snap.Find("azure-native:cache:Redis", stack+"-cache")
		if cache == nil || platform == nil || cache.Parent != platform.URN {
			t.Fatalf("%s: cache %+v, want it under the platform", stack, cache)
		}
		if provider := snap.Find("pulumi:providers:azure-native", stack); provider == nil || !strings.HasPrefix(cache.Provider, provider.URN+"::") {
			t.Errorf("%s: cache provider %q, want the platform's azure-native provider", stack, cache.Provider)
		}
		if got := platformtest.Input(t, cache, "resourceGroupName"); got != stack+"-rg" {
			t.Errorf("%s: cache in resource group %v", stack, got)
		}
		tags := platformtest.StringMap(t, platformtest.Input(t, cache, "tags"))
		if tags["environment"] != stack || tags["cost-center"] != "cc-1200" || tags["owner"] != "shop-platform-team" {
			t.Errorf("%s: cache tags = %v, want the platform's", stack, tags)
		}
		if got, want := platformtest.Input(t, cache, "publicNetworkAccess"), map[bool]string{true: "Disabled", false: "Enabled"}[stack == "shop-prod"]; got != want {
			t.Errorf("%s: public network access %v, want %v", stack, got, want)
		}
	}

	// Without an answer, offline renders stop at the type, naming it.
	p.Answers = project.Answers{}
	if _, err := p.Render("shop-staging"); err == nil || !strings.Contains(err.Error(), `"azure-native:cache:Redis"`) {
		t.Errorf("without Answers: err = %v, want the type named", err)
	}
}
