package strictyaml_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/internal/strictyaml"
	"github.com/plinth-dev/plinth/platform/field"
)

// The test types are shaped like the environments: nested structs, lists of
// structs, a pointer, maps, a named string and a program-set interface.
type (
	tier   string
	subnet struct {
		Name  string
		CIDR  string
		Size  uint8
		Lease time.Duration
	}
	network struct {
		AddressSpace string
		DNSZoneID    string
		Subnets      []subnet
	}
	pool struct {
		MaxNodes int
		Spot     bool
	}
	env struct {
		Name              string
		Tier              tier
		KubernetesVersion string
		Ratio             float64
		Replicas          int32
		HA                bool
		Network           network
		System            *pool
		Tags              map[string]string
		Values            map[string]any
		Extra             any
		Renamed           string       `yaml:"custom"`
		Backend           fmt.Stringer `yaml:"-"`
		hidden            string
	}
)

func TestKey(t *testing.T) {
	for name, want := range map[string]string{
		"AddressSpace": "addressSpace", "DNSZoneID": "dnsZoneID", "IPCount": "ipCount",
		"AKS": "aks", "GKE": "gke", "ID": "id", "AuthorizedCIDRs": "authorizedCIDRs",
		"MaxNodes": "maxNodes", "KubernetesVersion": "kubernetesVersion", "BackupForGKE": "backupForGKE",
		"X": "x", "V1Beta": "v1Beta",
	} {
		if got := strictyaml.Key(reflect.StructField{Name: name}); got != want {
			t.Errorf("Key(%s) = %q, want %q", name, got, want)
		}
	}
	if got := strictyaml.Key(reflect.StructField{Name: "Renamed", Tag: `yaml:"custom,omitempty"`}); got != "custom" {
		t.Errorf("tagged Key = %q, want custom", got)
	}
}

// profile is a pre-populated value, as a class profile would give; each call
// returns a fresh one.
func profile() env {
	return env{
		Name: "dev", Tier: "gold", Replicas: 2, HA: true,
		Network: network{AddressSpace: "10.0.0.0/16", Subnets: []subnet{{Name: "a"}, {Name: "b"}}},
		System:  &pool{MaxNodes: 3, Spot: true},
		Tags:    map[string]string{"team": "core", "cost": "1"},
	}
}

func TestUnmarshalOverrides(t *testing.T) {
	tests := []struct {
		name, doc string
		want      func(e *env)
	}{
		{"absent keys keep", "name: prod\n", func(e *env) { e.Name = "prod" }},
		{"struct merges", "network: {dnsZoneID: z}\n", func(e *env) { e.Network.DNSZoneID = "z" }},
		{"slice replaces", "network: {subnets: [{name: c, size: 24}]}\n",
			func(e *env) { e.Network.Subnets = []subnet{{Name: "c", Size: 24}} }},
		{"empty slice replaces", "network: {subnets: []}\n", func(e *env) { e.Network.Subnets = []subnet{} }},
		{"map replaces", "tags: {owner: me}\n", func(e *env) { e.Tags = map[string]string{"owner": "me"} }},
		{"null resets", "tags: null\nname: ~\nsystem:\nha: null\n",
			func(e *env) { e.Tags, e.Name, e.System, e.HA = nil, "", nil, false }},
		{"pointer merges into a copy", "system: {maxNodes: 5}\n", func(e *env) { e.System = &pool{MaxNodes: 5, Spot: true} }},
		{"scalars", "kubernetesVersion: 1.30\nratio: 2\nreplicas: 0x10\ntier: 7\ncustom: yes\n", func(e *env) {
			e.KubernetesVersion, e.Ratio, e.Replicas, e.Tier, e.Renamed = "1.30", 2, 16, "7", "yes"
		}},
		{"generic values", "values: {a: 1, b: [x, true, 1.5, null], c: {d: 2024-01-02}}\nextra: [1]\n", func(e *env) {
			e.Values = map[string]any{"a": 1, "b": []any{"x", true, 1.5, nil}, "c": map[string]any{"d": "2024-01-02"}}
			e.Extra = []any{1}
		}},
		{"aliases", "tags: &t {a: b}\nvalues: *t\n", func(e *env) {
			e.Tags, e.Values = map[string]string{"a": "b"}, map[string]any{"a": "b"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := profile()
			shared := got.System
			if err := strictyaml.Unmarshal([]byte(tt.doc), "env", &got); err != nil {
				t.Fatal(err)
			}
			want := profile()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			if *shared != (pool{MaxNodes: 3, Spot: true}) {
				t.Errorf("the profile's pointee was written through: %+v", *shared)
			}
		})
	}
}

func TestUnmarshalErrors(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"case typo", "network:\n  addressspace: x\n",
			`env.network.addressspace: unknown field (line 2); did you mean "addressSpace"?`},
		{"edit typo", "kubernetesVersoin: x\n",
			`env.kubernetesVersoin: unknown field (line 1); did you mean "kubernetesVersion"?`},
		{"unknown", "system: {zzz: 1}\n", `env.system.zzz: unknown field (line 1); known fields: maxNodes, spot`},
		{"program field", "name: a\nbackend: x\n", `env.backend: set by the program, not in the file (line 2); remove it`},
		{"float for int", "replicas: 1.5\n", `env.replicas "1.5": expected an integer (line 1)`},
		{"text for int", "replicas: abc\n", `env.replicas "abc": expected an integer (line 1)`},
		{"quoted int", "replicas: \"3\"\n", `env.replicas "3": expected an integer (line 1)`},
		{"int overflow", "replicas: 99999999999999999999\n",
			`env.replicas "99999999999999999999": expected an integer from -2147483648 to 2147483647 (line 1)`},
		{"negative uint", "network:\n  subnets:\n  - size: 24\n  - size: -1\n",
			`env.network.subnets[1].size "-1": expected an integer from 0 to 255 (line 4)`},
		{"bool", "ha: yes\n", `env.ha "yes": expected true or false (line 1)`},
		{"number", "ratio: high\n", `env.ratio "high": expected a number (line 1)`},
		// NaN passes every range check and JSON has no infinities.
		{"NaN", "ratio: .nan\n", `env.ratio ".nan": expected a finite number (not .nan or .inf) (line 1)`},
		{"infinity", "ratio: -.Inf\n", `env.ratio "-.Inf": expected a finite number (not .nan or .inf) (line 1)`},
		{"generic NaN", "values: {a: [.NaN]}\n", `env.values["a"][0] ".NaN": expected a finite number (not .nan or .inf) (line 1)`},
		{"bare duration", "network: {subnets: [{lease: 720}]}\n",
			`env.network.subnets[0].lease "720": a duration needs its unit (line 1); write a Go duration such as "720h" for 30 days (units h, m, s)`},
		{"nanoseconds", "network: {subnets: [{lease: 2592000000000000}]}\n",
			`env.network.subnets[0].lease "2592000000000000": a duration needs its unit (line 1); write a Go duration such as "720h" for 30 days (units h, m, s); read as nanoseconds, as Plinth once did, this is "720h"`},
		{"days", "network: {subnets: [{lease: 30d}]}\n",
			`env.network.subnets[0].lease "30d": not a duration (line 1); write a Go duration such as "720h" or "1h30m" (units h, m, s; there is no day unit, so 30 days is "720h")`},
		{"duration list", "network: {subnets: [{lease: [1h]}]}\n",
			`env.network.subnets[0].lease: expected a duration such as "720h", got a list (line 1)`},
		{"duration bool", "network: {subnets: [{lease: true}]}\n",
			`env.network.subnets[0].lease "true": expected a duration such as "720h" (line 1)`},
		{"string", "name: [a]\n", `env.name: expected a string, got a list (line 1)`},
		{"list", "network: {subnets: a}\n", `env.network.subnets "a": expected a list (line 1)`},
		{"struct", "network: [a]\n", `env.network: expected a mapping of fields, got a list (line 1)`},
		{"map", "tags: a\n", `env.tags "a": expected a mapping (line 1)`},
		{"complex key", "tags:\n  [a]: b\n", `env.tags: expected a plain key, got a list (line 2)`},
		{"generic overflow", "values: {a: 18446744073709551615}\n",
			`env.values["a"] "18446744073709551615": expected an integer that fits in 64 bits (line 1)`},
		{"map entry", "tags:\n  a: [1]\n", `env.tags["a"]: expected a string, got a list (line 2)`},
		{"duplicate", "name: a\nha: true\nname: b\n", `env.name: duplicate key (line 3); it is already set on line 1, keep one`},
		{"duplicate map key", "values: {a: 1, a: 2}\n", `env.values["a"]: duplicate key (line 1); it is already set on line 1, keep one`},
		{"merge key", "defaults: &b {name: a}\n<<: *b\n", "env.defaults: unknown field (line 1); known fields: name, tier, kubernetesVersion, " +
			"ratio, replicas, ha, network, system, tags, values, extra, custom\n" +
			`env.<<: merge keys are not supported (line 2); write the fields out`},
		{"syntax", "name: [a\n", `env: invalid YAML: line 1: did not find expected ',' or ']'`},
		{"billion laughs", billionLaughs, `env.values["l4"][3] "*l3": aliases expand to more than 10000 values in this file (line 6); write the values out instead of repeating them through aliases`},
		{"aliases within the limit", "values:\n  a: &a [1, 2, 3]\n  b: *a\n  c: [*a, *a]\nha: x\n", `env.ha "x": expected true or false (line 5)`},
		{"two documents", "name: a\n---\nname: b\n", `env: a second document starts on line 2; keep one document per file`},
		{"top not mapping", "- a\n", `env: expected a mapping of fields at the top, got a list (line 1)`},
		{"empty", "# nothing\n", `env: the file is empty; write a mapping of fields`},
		{"self alias", "values: &v {a: *v}\n", `env: alias *v is inside the value it names (line 1); write the value out`},
		{"several at once", "replicas: x\nnetwork:\n  adressSpace: y\n  subnets:\n  - size: 300\nha: 1\n", strings.Join([]string{
			`env.replicas "x": expected an integer (line 1)`,
			`env.network.adressSpace: unknown field (line 3); did you mean "addressSpace"?`,
			`env.network.subnets[0].size "300": expected an integer from 0 to 255 (line 5)`,
			`env.ha "1": expected true or false (line 6)`,
		}, "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e env
			err := strictyaml.Unmarshal([]byte(tt.doc), field.NewPath("env"), &e)
			var list *field.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("got %T %v, want a *field.ErrorList", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}

// billionLaughs is ten levels of aliases, each naming the one before ten
// times: 10^9 values if expanded.
var billionLaughs = func() string {
	var b strings.Builder
	b.WriteString("values:\n  l0: &l0 [lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "  l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
	}
	return b.String()
}()

// A document whose aliases expand without bound is refused in
// milliseconds, not minutes and gigabytes.
func TestAliasExpansionIsBounded(t *testing.T) {
	start := time.Now()
	var e env
	err := strictyaml.Unmarshal([]byte(billionLaughs), "env", &e)
	if err == nil || !strings.Contains(err.Error(), "aliases expand to more than 10000 values") {
		t.Fatalf("got %v, want the alias limit", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refusing took %s", d)
	}
	// Within the limit, aliases are followed.
	if err := strictyaml.Unmarshal([]byte("values:\n  a: &a {x: 1}\n  b: *a\n"), "env", &e); err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"a": map[string]any{"x": 1}, "b": map[string]any{"x": 1}}; !reflect.DeepEqual(e.Values, want) {
		t.Errorf("values = %v, want %v", e.Values, want)
	}
}

func TestDurationsAreGoDurationStrings(t *testing.T) {
	var e env
	if err := strictyaml.Unmarshal([]byte("network: {subnets: [{lease: 720h}, {lease: 1h30m}, {lease: \"90s\"}]}\n"), "env", &e); err != nil {
		t.Fatal(err)
	}
	got := []time.Duration{e.Network.Subnets[0].Lease, e.Network.Subnets[1].Lease, e.Network.Subnets[2].Lease}
	if want := []time.Duration{720 * time.Hour, 90 * time.Minute, 90 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	data, err := strictyaml.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	want := "network:\n  subnets:\n    - lease: 720h\n    - lease: 1h30m\n    - lease: 1m30s\n"
	if string(data) != want {
		t.Errorf("Marshal wrote\n%s\nwant\n%s", data, want)
	}
}

func TestProgrammerErrors(t *testing.T) {
	type withFunc struct{ Hook func() }
	type withMap struct{ ByID map[int]string }
	type withEmbedded struct{ Embedded }
	type withHidden struct {
		pool // unexported, so ignored
		Name string
	}
	type withTwin struct {
		A string `yaml:"x"`
		B string `yaml:"x"`
	}
	type programSet struct {
		Hook func() `yaml:"-"`
		Name string
	}
	tests := []struct {
		v    any
		want string
	}{
		{&withFunc{}, "strictyaml: strictyaml_test.withFunc.Hook has type func(), which YAML cannot hold; tag it `yaml:\"-\"` if the program sets it"},
		{&withMap{}, "strictyaml: strictyaml_test.withMap.ByID has type map[int]string, which YAML cannot hold; tag it `yaml:\"-\"` if the program sets it"},
		{&withEmbedded{}, "strictyaml: strictyaml_test.withEmbedded.Embedded is embedded, which is not supported; name the field or tag it `yaml:\"-\"`"},
		{&withHidden{}, ""},
		{&withTwin{}, `strictyaml: strictyaml_test.withTwin.A and strictyaml_test.withTwin.B both have the key "x"; rename one with a yaml tag`},
		{&programSet{}, ""},
		{withFunc{}, "strictyaml: Unmarshal needs a non-nil pointer to a struct, got strictyaml_test.withFunc"},
	}
	for _, tt := range tests {
		err := strictyaml.Unmarshal([]byte("{}"), "", tt.v)
		if got := fmt.Sprint(err); tt.want == "" && err != nil || tt.want != "" && got != tt.want {
			t.Errorf("Unmarshal onto %T: got %v\nwant %s", tt.v, err, tt.want)
		}
	}
	if _, err := strictyaml.Marshal(withFunc{}); err == nil || !strings.Contains(err.Error(), "withFunc.Hook has type func()") {
		t.Errorf("Marshal(withFunc) error = %v", err)
	}
	if _, err := strictyaml.Marshal((*env)(nil)); fmt.Sprint(err) != "strictyaml: Marshal needs a struct or a non-nil pointer to one, got *strictyaml_test.env" {
		t.Errorf("Marshal(nil) error = %v", err)
	}
	if _, err := strictyaml.Marshal(env{Extra: make(chan int)}); err == nil || !strings.Contains(err.Error(), "chan int") {
		t.Errorf("Marshal of a chan in an any: error = %v", err)
	}
}

// Embedded is exported so that a field embedding it is exported.
type Embedded struct{ X int }

func TestMarshalRoundTrip(t *testing.T) {
	tests := map[string]env{
		"zero": {},
		"full": {
			Name: "prod", Tier: "true", KubernetesVersion: "1.30", Ratio: 2, Replicas: -3, HA: true,
			Network: network{AddressSpace: "10.0.0.0/16", DNSZoneID: "", Subnets: []subnet{{Name: "a", CIDR: "10.0.1.0/24", Size: 24, Lease: 36*time.Hour + time.Second}, {}}},
			System:  &pool{},
			Tags:    map[string]string{"b": "", "a": "null", "c": "line\nbreak"},
			Values:  map[string]any{"n": 1, "f": 2.0, "s": "0x10", "l": []any{true, nil}, "m": map[string]any{}},
			Extra:   "~",
			Renamed: "#not a comment",
		},
		"empty collections": {Network: network{Subnets: []subnet{}}, Tags: map[string]string{}},
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			data, err := strictyaml.Marshal(&in)
			if err != nil {
				t.Fatal(err)
			}
			var out env
			if err := strictyaml.Unmarshal(data, "env", &out); err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			if !reflect.DeepEqual(out, in) {
				t.Errorf("round trip through\n%s\ngot  %#v\nwant %#v", data, out, in)
			}
		})
	}
}

func TestMarshalText(t *testing.T) {
	e := env{
		Name: "dev", KubernetesVersion: "1.30", Ratio: 0.5, HA: true,
		Network: network{DNSZoneID: "z", Subnets: []subnet{{Name: "a", Size: 24}}},
		System:  &pool{MaxNodes: 3},
		Tags:    map[string]string{"team": "core", "cost": "1"},
		Renamed: "r", Backend: stringer("never written"), hidden: "never written",
	}
	want := `name: dev
kubernetesVersion: "1.30"
ratio: 0.5
ha: true
network:
  dnsZoneID: z
  subnets:
    - name: a
      size: 24
system:
  maxNodes: 3
tags:
  cost: "1"
  team: core
custom: r
`
	got, err := strictyaml.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// stringer is a program-set value that Marshal must leave out.
type stringer string

func (s stringer) String() string { return string(s) }
