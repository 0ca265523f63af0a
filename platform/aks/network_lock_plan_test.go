package aks

import (
	"strings"
	"testing"
)

func TestPlanNetworkLock(t *testing.T) {
	s := spec()
	if p := planNetwork(testConfig, s); p.Lock != nil {
		t.Errorf("unlocked network plans a lock: %+v", p.Lock)
	}

	s.Locked = true
	lock := planNetwork(testConfig, s).Lock
	if lock == nil {
		t.Fatal("locked network plans no lock")
	}
	if lock.Name != "prod-rg-lock" || lock.Level != "CanNotDelete" {
		t.Errorf("lock %q level %q, want prod-rg-lock at CanNotDelete", lock.Name, lock.Level)
	}
	for _, say := range []string{`"prod"`, "Locked to false", "pulumi state unprotect on the lock prod-rg-lock", "never remove it by hand"} {
		if !strings.Contains(lock.Notes, say) {
			t.Errorf("lock notes do not say %q: %s", say, lock.Notes)
		}
	}
	// ARM refuses notes over 512 characters; the longest logical name must fit.
	s.Name = strings.Repeat("n", 24)
	if n := len(planNetwork(testConfig, s).Lock.Notes); n > 512 {
		t.Errorf("lock notes are %d characters; ARM takes at most 512", n)
	}
}
