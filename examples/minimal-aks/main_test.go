package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/cli"
	"github.com/plinth-dev/plinth/platform/platformtest"
	"github.com/plinth-dev/plinth/project"
)

// Production's resource group is locked against deletion in Azure, its
// network and cluster are protected in Pulumi, and its API server is
// private: what the prod profile adds without a line of its own here.
func TestProductionIsLockedAndPrivate(t *testing.T) {
	snap, err := Project.Render("shop-prod")
	if err != nil {
		t.Fatal(err)
	}
	lock := snap.Find("azure-native:authorization:ManagementLockByScope", "shop-prod-rg-lock")
	if got := platformtest.Input(t, lock, "scope").(string); !strings.HasSuffix(got, "/resourceGroups/shop-prod-rg") {
		t.Errorf("lock at %s, want the platform's resource group", got)
	}
	if got := platformtest.Input(t, lock, "level"); got != "CanNotDelete" {
		t.Errorf("lock level %v, want CanNotDelete", got)
	}
	for _, r := range []struct{ typ, name string }{
		{"azure-native:network/v20240501:VirtualNetwork", "shop-prod-vnet"},
		{"azure-native:containerservice/v20241001:ManagedCluster", "shop-prod-aks"},
		{"azure-native:storage:StorageAccount", "shop-prod-backup-storage"},
	} {
		if res := snap.Find(r.typ, r.name); res == nil || !res.Protect {
			t.Errorf("%s %s is not protected: %+v", r.typ, r.name, res)
		}
	}
	aks := snap.Find("azure-native:containerservice/v20241001:ManagedCluster", "shop-prod-aks")
	if got := platformtest.Input(t, aks, "apiServerAccessProfile.enablePrivateCluster"); got != true {
		t.Errorf("enablePrivateCluster = %v, want a private API server", got)
	}
}

// `go run . check` passes: the production rules hold for the stack. This
// is the gate CI runs on every change.
func TestReadinessRulesHold(t *testing.T) {
	var out, errs bytes.Buffer
	if code := cli.Run(Project, []string{"check"}, nil, &out, &errs); code != 0 {
		t.Errorf("plinth check exited %d:\n%s%s", code, out.String(), errs.String())
	}
}

// Lifting production's lock is refused, naming the field, until a reason
// is given; with one, the resource group is unlocked but the backups keep
// their own lock.
func TestUnlockingProductionNeedsAReason(t *testing.T) {
	env := Production()
	env.Lock = false
	p := Project
	p.Stacks = project.Environments(env)
	_, err := p.Render("shop-prod")
	if err == nil || !strings.Contains(err.Error(), "lock false: a production environment locks its resource groups") || !strings.Contains(err.Error(), "unlockReason") {
		t.Fatalf("err = %v, want lock refused, naming unlockReason", err)
	}

	env.UnlockReason = "CHG-1234: remove the old apps pool"
	p.Stacks = project.Environments(env)
	snap, err := p.Render("shop-prod")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Find("azure-native:authorization:ManagementLockByScope", "shop-prod-rg-lock") != nil {
		t.Error("the resource group is still locked")
	}
	if snap.Find("azure-native:authorization:ManagementLockByScope", "shop-prod-backup-storage-lock") == nil {
		t.Error("the backup storage lost its lock with the resource group's")
	}
}
