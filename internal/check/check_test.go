package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

func TestRulesTable(t *testing.T) {
	rules := Rules()
	if len(rules) != 25 {
		t.Fatalf("%d rules, want 25", len(rules))
	}
	for i, r := range rules {
		if want := fmt.Sprintf("PLN%03d", i+1); r.ID != want {
			t.Errorf("rule %d has ID %s, want %s (ordered, no gaps)", i, r.ID, want)
		}
		if r.Title == "" || r.Rationale == "" || r.Check == nil {
			t.Errorf("%s: title, rationale and check are required", r.ID)
		}
		if r.Severity != SeverityError && r.Severity != SeverityWarning {
			t.Errorf("%s: severity %q", r.ID, r.Severity)
		}
		if len(r.Classes) == 0 {
			t.Errorf("%s applies to no class", r.ID)
		}
		for _, c := range r.Classes {
			if !slices.Contains(Classes, c) {
				t.Errorf("%s: unknown class %q", r.ID, c)
			}
		}
	}
	if got := rules[8].Classes; !slices.Equal(got, []string{ClassProd}) {
		t.Errorf("PLN009 classes %v, want prod only", got)
	}
	rules[0].Classes[0] = "changed"
	if Rules()[0].Classes[0] != ClassDev {
		t.Error("changing the result of Rules changes the rules")
	}
}

// TestRuleOutsideItsClassesDoesNotRun shows that the production-only
// rule, and the production-only part of the backup rule (on AKS: the
// account's own lock; a GKE bucket's production protection is PLN009's),
// would fail the dev and staging snapshots, and that Run leaves them out
// there.
func TestRuleOutsideItsClassesDoesNotRun(t *testing.T) {
	for _, stack := range []string{"dev-aks", "staging-aks", "dev-gke", "staging-gke"} {
		tg := target(t, stack)
		if len(checkProductionLocks(tg)) == 0 && stack != "staging-gke" {
			t.Errorf("%s: PLN009's check finds nothing; the test shows nothing", stack)
		}
		asProd := tg
		asProd.Class = ClassProd
		aks := strings.HasSuffix(stack, "-aks")
		if len(checkBackups(asProd)) == 0 && aks {
			t.Errorf("%s: the backup check as production finds nothing; the test shows nothing", stack)
		}
		if got := Run(tg); len(got) != 0 {
			t.Errorf("%s: Run as %s: %s", stack, tg.Class, strings.Join(lines(got), "\n"))
		}
		var rules []string
		for _, f := range Run(asProd) {
			rules = append(rules, f.Rule)
		}
		if !slices.Contains(rules, "PLN009") || (aks && !slices.Contains(rules, "PLN005")) {
			t.Errorf("%s: Run as prod: rules %v, want PLN009 (and PLN005 on AKS) among them", stack, rules)
		}
	}
	tg := target(t, "dev-aks")
	set(t, find(t, tg.Snapshot, "dev-aks-aks"), "disableLocalAccounts", false)
	for _, class := range []string{"", "production"} {
		tg.Class = class
		if got := Run(tg); len(got) != 0 {
			t.Errorf("class %q: no rule applies, got %s", class, strings.Join(lines(got), "\n"))
		}
	}
}

func TestRunFillsAndOrdersFindings(t *testing.T) {
	tg := target(t, "prod-aks")
	set(t, find(t, tg.Snapshot, "prod-aks-aks"), "disableLocalAccounts", false)
	set(t, find(t, tg.Snapshot, "prod-aks-vnet"), "tags", map[string]any{})
	remove(t, tg.Snapshot, "prod-aks-rg-lock")
	first := Run(tg)
	if len(first) != 3 {
		t.Fatalf("got %d findings, want 3:\n%s", len(first), strings.Join(lines(first), "\n"))
	}
	for i, f := range first {
		if f.Stack != "prod-aks" || f.URN == "" || !strings.HasPrefix(f.Rule, "PLN") {
			t.Errorf("finding %d not filled in: %+v", i, f)
		}
	}
	wantRules := []string{"PLN003", "PLN009", "PLN010"}
	for i, f := range first {
		if f.Rule != wantRules[i] {
			t.Errorf("finding %d is %s, want %s (ordered by rule)", i, f.Rule, wantRules[i])
		}
	}
	if f := first[2]; f.Severity != SeverityWarning {
		t.Errorf("PLN010 finding severity %q, want warning", f.Severity)
	}
	if again := Run(tg); !reflect.DeepEqual(first, again) {
		t.Error("two runs differ")
	}
	if Run(Target{Class: ClassProd}) != nil {
		t.Error("a target without a snapshot has findings")
	}
}

func TestTagsWithoutTable(t *testing.T) {
	tg := target(t, "dev-gke")
	tg.TagsProperty = nil
	got := lines(Run(tg))
	want := []string{"PLN010 warning - | tags cannot be checked: no TagsProperty table was given (pass the project's, project.Project.TagsProperty, or a backend's, aks.TagsProperty or gke.TagsProperty)"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestInfer(t *testing.T) {
	for _, stack := range stacks {
		class, cloud := Infer(load(t, stack))
		wantClass, suffix, _ := strings.Cut(stack, "-")
		wantCloud := map[string]string{"aks": "azure", "gke": "gcp"}[suffix]
		if class != wantClass || cloud != wantCloud {
			t.Errorf("%s: Infer = %q, %q; want %q, %q", stack, class, cloud, wantClass, wantCloud)
		}
	}
	tagged := func(typ, class string) snapshot.Resource {
		return snapshot.Resource{Type: typ, Custom: true, Inputs: map[string]any{"tags": map[string]any{"class": class}}}
	}
	for _, tc := range []struct {
		name             string
		resources        []snapshot.Resource
		class, cloudWant string
	}{
		{"most frequent class wins", []snapshot.Resource{
			tagged("azure-native:resources:ResourceGroup", "dev"),
			tagged("azure-native:resources:ResourceGroup", "prod"),
			tagged("azure-native:resources:ResourceGroup", "prod"),
		}, "prod", "azure"},
		{"ties go to the first in order", []snapshot.Resource{
			tagged("gcp:storage/bucket:Bucket", "staging"),
			tagged("gcp:storage/bucket:Bucket", "dev"),
		}, "dev", "gcp"},
		{"both clouds, no class", []snapshot.Resource{
			{Type: "pulumi:providers:azure-native", Custom: true},
			{Type: "pulumi:providers:gcp", Custom: true},
		}, "", ""},
	} {
		class, cloud := Infer(&snapshot.Snapshot{Resources: tc.resources})
		if class != tc.class || cloud != tc.cloudWant {
			t.Errorf("%s: Infer = %q, %q; want %q, %q", tc.name, class, cloud, tc.class, tc.cloudWant)
		}
	}
}

var sampleFindings = []Finding{
	{Rule: "PLN001", Severity: SeverityError, Stack: "prod-aks", URN: "urn:pulumi:prod-aks::plinth::azure-native:containerservice/v20241001:ManagedCluster::prod-aks-aks",
		Message: `ManagedCluster prod-aks-aks: disableLocalAccounts false: set it to true`},
	{Rule: "PLN010", Severity: SeverityWarning, Stack: "prod-aks",
		Message: `tags cannot be checked: <no table>`},
}

func TestWriteText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteText(&buf, sampleFindings); err != nil {
		t.Fatal(err)
	}
	want := `error PLN001 prod-aks: ManagedCluster prod-aks-aks: disableLocalAccounts false: set it to true
  urn:pulumi:prod-aks::plinth::azure-native:containerservice/v20241001:ManagedCluster::prod-aks-aks

warning PLN010 prod-aks: tags cannot be checked: <no table>

2 findings: 1 error, 1 warning
`
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	if err := WriteText(&buf, nil); err != nil || buf.String() != "no findings\n" {
		t.Errorf("empty: %q, %v", buf.String(), err)
	}
	buf.Reset()
	if err := WriteText(&buf, sampleFindings[:1]); err != nil || !strings.HasSuffix(buf.String(), "\n1 finding: 1 error, 0 warnings\n") {
		t.Errorf("one finding: %q, %v", buf.String(), err)
	}
}

func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sampleFindings); err != nil {
		t.Fatal(err)
	}
	want := `{
  "findings": [
    {
      "rule": "PLN001",
      "severity": "error",
      "stack": "prod-aks",
      "urn": "urn:pulumi:prod-aks::plinth::azure-native:containerservice/v20241001:ManagedCluster::prod-aks-aks",
      "message": "ManagedCluster prod-aks-aks: disableLocalAccounts false: set it to true"
    },
    {
      "rule": "PLN010",
      "severity": "warning",
      "stack": "prod-aks",
      "urn": "",
      "message": "tags cannot be checked: <no table>"
    }
  ],
  "errors": 1,
  "warnings": 1
}
`
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
	var back struct {
		Findings []Finding `json:"findings"`
	}
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || !reflect.DeepEqual(back.Findings, sampleFindings) {
		t.Errorf("round trip: %v %+v", err, back.Findings)
	}
	buf.Reset()
	if err := WriteJSON(&buf, nil); err != nil || buf.String() != "{\n  \"findings\": [],\n  \"errors\": 0,\n  \"warnings\": 0\n}\n" {
		t.Errorf("empty: %q, %v", buf.String(), err)
	}
}

func TestWriteMarkdown(t *testing.T) {
	var buf bytes.Buffer
	findings := append(slices.Clone(sampleFindings[1:]), Finding{Rule: "PLN002", Severity: SeverityError, Stack: "prod-gke",
		Message: "a | pipe\nand a newline"})
	if err := WriteMarkdown(&buf, []string{"prod-aks", "prod-gke"}, findings); err != nil {
		t.Fatal(err)
	}
	want := "## Plinth check\n\n**1 error, 1 warning** in 2 stacks: `prod-aks`, `prod-gke`.\n\n" +
		"| | Rule | Stack | Finding |\n|---|---|---|---|\n" +
		"| ❌ error | PLN002 | prod-gke | a \\| pipe<br>and a newline |\n" +
		"| ⚠️ warning | PLN010 | prod-aks | tags cannot be checked: <no table> |\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	if err := WriteMarkdown(&buf, []string{"dev-aks"}, nil); err != nil || buf.String() != "## Plinth check\n\nNo findings in 1 stack: `dev-aks`.\n" {
		t.Errorf("empty: %q, %v", buf.String(), err)
	}
}

func TestWriteGitHub(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteGitHub(&buf, sampleFindings); err != nil {
		t.Fatal(err)
	}
	want := "::error title=PLN001 prod-aks::ManagedCluster prod-aks-aks: disableLocalAccounts false: set it to true%0A" +
		"urn:pulumi:prod-aks::plinth::azure-native:containerservice/v20241001:ManagedCluster::prod-aks-aks\n" +
		"::warning title=PLN010 prod-aks::tags cannot be checked: <no table>\n" +
		"2 findings: 1 error, 1 warning\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}
