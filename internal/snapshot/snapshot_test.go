package snapshot

import (
	"bytes"
	"strings"
	"testing"
)

func sample() *Snapshot {
	return &Snapshot{Stack: "dev", Resources: []Resource{
		{URN: "urn:b", Type: "t:b", Name: "b", Custom: true, Parent: "urn:a", DependsOn: []string{"urn:z", "urn:a", "urn:z"}, Inputs: map[string]any{"z": 1, "a": "<x>"}},
		{URN: "urn:a", Type: "plinth:components:Network", Name: "a"},
	}}
}

func TestMarshalIsSortedAndStable(t *testing.T) {
	a, err := sample().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sample().Marshal()
	if !bytes.Equal(a, b) {
		t.Fatal("two marshals differ")
	}
	s := string(a)
	if strings.Index(s, `"urn:a"`) > strings.Index(s, `"urn:b"`) {
		t.Error("resources not sorted by URN")
	}
	if i := strings.Index(s, `"a": "<x>"`); i < 0 || i > strings.Index(s, `"z": 1`) {
		t.Error("input keys not sorted or HTML-escaped")
	}
	if !strings.Contains(s, `"dependsOn": [
        "urn:a",
        "urn:z"
      ]`) || !strings.Contains(s, `"ignoreChanges": []`) {
		t.Errorf("lists not sorted, deduplicated and non-null:\n%s", s)
	}
	back, err := Read(bytes.NewReader(a))
	if err != nil || len(back.Resources) != 2 || back.Stack != "dev" {
		t.Fatalf("round trip: %v %+v", err, back)
	}
}

func TestTreeAndInput(t *testing.T) {
	s := sample()
	s.Sort()
	var buf bytes.Buffer
	if err := s.WriteTree(&buf); err != nil {
		t.Fatal(err)
	}
	want := "dev: 2 resources (1 component, 1 cloud)\n└─ plinth:components:Network a\n   └─ t:b b\n"
	if !strings.HasPrefix(buf.String(), want) {
		t.Errorf("tree:\n%s\nwant prefix:\n%s", buf.String(), want)
	}
	r := s.Find("t:b", "b")
	if v, ok := r.Input("a"); !ok || v != "<x>" {
		t.Errorf("Input(a) = %v %v", v, ok)
	}
	if _, ok := r.Input("a.b"); ok {
		t.Error("Input descends into a string")
	}
}

func TestSameTypeAcrossVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"azure-native:authorization/v20150701:RoleAssignment", "azure-native:authorization:RoleAssignment", true},
		{"azure-native:containerservice/v20241001:ManagedCluster", "azure-native:containerservice/v20230401:ManagedCluster", true},
		{"azure-native:authorization:RoleAssignment", "azure-native:authorization:RoleAssignment", false},
		{"azure-native:authorization:RoleAssignment", "azure-native:authorization:RoleDefinition", false},
		{"gcp:storage/bucket:Bucket", "gcp:storage/bucketIAMMember:BucketIAMMember", false},
	} {
		if got := SameTypeAcrossVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("SameTypeAcrossVersions(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
