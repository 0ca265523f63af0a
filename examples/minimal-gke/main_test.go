package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform/platformtest"
)

// The dev cluster stops at 19:00 and starts at 07:00 on weekdays, Paris
// time: the profile's hours in the time zone set here.
func TestStoppedAtNightInParis(t *testing.T) {
	snap, err := Project.Render("shop-dev")
	if err != nil {
		t.Fatal(err)
	}
	for name, schedule := range map[string]string{"shop-dev-stop-schedule": "0 19 * * 1-5", "shop-dev-start-schedule": "0 7 * * 1-5"} {
		job := snap.Find("gcp:cloudscheduler/job:Job", name)
		if got := platformtest.Input(t, job, "schedule"); got != schedule {
			t.Errorf("%s: schedule %v, want %s", name, got, schedule)
		}
		if got := platformtest.Input(t, job, "timeZone"); got != "Europe/Paris" {
			t.Errorf("%s: time zone %v, want Europe/Paris", name, got)
		}
	}
}

// Every Google Cloud resource that takes labels carries the environment's,
// so that billing attributes it to the cost center.
func TestEveryLabelledResourceCarriesTheCostCenter(t *testing.T) {
	snap, err := Project.Render("shop-dev")
	if err != nil {
		t.Fatal(err)
	}
	labeled := 0
	for i := range snap.Resources {
		r := &snap.Resources[i]
		property, _ := Project.TagsProperty(r.Type)
		if property == "" {
			continue
		}
		labeled++
		labels := platformtest.StringMap(t, platformtest.Input(t, r, property))
		if labels["cost-center"] != "cc-1200" || labels["environment"] != "shop-dev" || labels["managed-by"] != "plinth" {
			t.Errorf("%s %s: %s = %v", r.Type, r.Name, property, labels)
		}
	}
	if labeled == 0 {
		t.Error("no labeled resource")
	}
}

// The deployed program reads where the stack lands from its
// configuration, and names every key that is missing.
func TestTheStackConfigurationPlacesThePlatform(t *testing.T) {
	cfg := map[string]string{"plinth:dnsZoneName": "dev.shop.example", "plinth:dnsZoneId": "projects/shop-dns/managedZones/dev-shop-example"}
	deploy := func() (*platformtest.Snapshot, error) {
		return platformtest.Render("shop-dev", Project.Program(),
			platformtest.WithProject(Project.Name), platformtest.WithConfig(cfg))
	}
	_, err := deploy()
	for _, key := range []string{"gcpProject", "gcpRegion", "gcpCustomerId", "gcpGroupDomain", "gcpJitApplication"} {
		if want := "plinth:" + key + " is not set; run: pulumi config set plinth:" + key + " <value> -s shop-dev"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v\nwant it to contain %s", err, want)
		}
	}

	cfg["plinth:gcpProject"], cfg["plinth:gcpRegion"] = "shop-dev-123", "europe-west4"
	cfg["plinth:gcpCustomerId"], cfg["plinth:gcpGroupDomain"] = "C01abcd2e", "shop.example"
	cfg["plinth:gcpJitApplication"] = "jitgroups@shop-jit.iam.gserviceaccount.com"
	snap, err := deploy()
	if err != nil {
		t.Fatal(err)
	}
	provider := snap.Find("pulumi:providers:gcp", "shop-dev")
	if got := platformtest.Input(t, provider, "project"); got != "shop-dev-123" {
		t.Errorf("provider project %v", got)
	}
	cluster := snap.Find("gcp:container/cluster:Cluster", "shop-dev-cluster")
	if got := platformtest.Input(t, cluster, "location").(string); !strings.HasPrefix(got, "europe-west4-") {
		t.Errorf("the dev cluster is in zone %s, want one of europe-west4", got)
	}
}

// A project that lists only gke.Cloud links the Google Cloud SDK and no
// Azure one: it pays for the one cloud it uses.
func TestLinksNoAzureSDK(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	gcp := false
	for _, pkg := range strings.Fields(string(out)) {
		gcp = gcp || strings.HasPrefix(pkg, "github.com/pulumi/pulumi-gcp/")
		if strings.HasPrefix(pkg, "github.com/pulumi/pulumi-azure") {
			t.Errorf("the program links %s", pkg)
		}
	}
	if !gcp {
		t.Errorf("the program does not link the Google Cloud SDK:\n%s", out)
	}
}
