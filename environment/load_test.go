package environment_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
)

const stagingYAML = `name: staging-env
class: staging
cloud: gcp
costCenter: cc-4711
network:
  addressSpace: 10.20.0.0/16
cluster:
  kubernetesVersion: 1.33
  systemPool:
    machineType: e2-standard-8
powerSchedule:
  timeZone: Europe/Berlin
certManager:
  email: platform@example.com
teams:
  - team: payments
    requestors: [group:payments@example.com]
    approvers: [group:payments-leads@example.com]
    namespaces:
      - name: payments
`

func TestYAMLOverlaysTheProfileOfItsClass(t *testing.T) {
	got, err := environment.Load([]byte(stagingYAML))
	if err != nil {
		t.Fatal(err)
	}
	// The same environment written in Go.
	want := environment.Profile(environment.Staging, platform.CloudGCP)
	want.Name, want.CostCenter = "staging-env", "cc-4711"
	want.Network.AddressSpace = "10.20.0.0/16"
	want.Cluster.KubernetesVersion = "1.33"
	want.Cluster.SystemPool.MachineType = "e2-standard-8"
	want.PowerSchedule.TimeZone = "Europe/Berlin"
	want.CertManager.Email = "platform@example.com"
	want.Teams = []accesspackage.Args{{
		Team:       "payments",
		Requestors: []string{"group:payments@example.com"},
		Approvers:  []string{"group:payments-leads@example.com"},
		Namespaces: []accesspackage.Namespace{{Name: "payments"}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load gave\n%+v\nwant\n%+v", got, want)
	}
	// The profile leaves the zones to the stack's region beside the
	// overridden machine type: the default zones of the region.
	if got.Cluster.SystemPool.Zones != nil || got.Cluster.SystemPool.MachineType != "e2-standard-8" {
		t.Errorf("system pool = %+v, want no zones (the region's) and the machine type of the file", got.Cluster.SystemPool)
	}
}

func TestYAMLNullRemovesWhatTheProfileSet(t *testing.T) {
	got, err := environment.Load([]byte("name: dev-env\nclass: dev\ncloud: azure\npowerSchedule: null\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got.PowerSchedule != nil {
		t.Errorf("powerSchedule = %+v, want none", got.PowerSchedule)
	}
}

func TestYAMLIsStrict(t *testing.T) {
	doc := strings.Join([]string{
		"name: dev-env",
		"class: dev",
		"cloud: azure",
		"cluster:",
		"  systemPool:",
		"    zone: [\"1\"]",
		"  tier: free",
		"network:",
		"  maxNodes: many",
		"  backend: aks",
		"certManager:",
		"  dnsZone: {name: dev.example.com}",
	}, "\n")
	_, err := environment.Load([]byte(doc))
	want := []string{
		`cluster.systemPool.zone: unknown field (line 6); did you mean "zones"?`,
		`network.maxNodes "many": expected an integer (line 9)`,
		`network.backend: unknown field (line 10); known fields: addressSpace, subnets, podCIDR, serviceCIDR, maxNodes, nat, flowLogs, tags`,
		`certManager.dnsZone: set by the program, not in the file (line 12); remove it`,
	}
	if got := errs(t, err); !slices.Equal(got, want) {
		t.Errorf("problems:\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestLoadFileNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev.yaml")
	if err := os.WriteFile(path, []byte("name: dev-env\nClass: dev\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := environment.LoadFile(path)
	if want := path + ":\nClass: unknown field (line 2); did you mean \"class\"?"; err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

func TestMarshalRoundTrips(t *testing.T) {
	for _, class := range environment.Classes {
		env := define(class, platform.CloudAzure)
		env.CertManager.DNSZone = nil // from configuration, never in a file
		data, err := environment.Marshal(env)
		if err != nil {
			t.Fatal(err)
		}
		back, err := environment.Load(data)
		if err != nil {
			t.Fatalf("%s: %v\n%s", class, err, data)
		}
		if !reflect.DeepEqual(back, env) {
			t.Errorf("%s: Load(Marshal(env)) differs:\n%s", class, data)
		}
	}
}
