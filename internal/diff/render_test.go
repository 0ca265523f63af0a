package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

// goldenReport is a small two-stack report: production replaces a node pool
// and gains an identity; dev changes a tag.
func goldenReport(t *testing.T) Report {
	t.Helper()
	prodFrom := fixture("prod-aks", "prod")
	prodTo := clone(t, prodFrom)
	find(t, prodTo, "prod-aks-pool-apps").Inputs["vmSize"] = "Standard_D8ds_v5"
	prodTo.Resources = append(prodTo.Resources, snapshot.Resource{
		URN:  testURN("prod-aks", typeComponent, typeIdentity, "prod-aks-backup"),
		Type: typeIdentity, Name: "prod-aks-backup", Custom: true,
		Inputs: map[string]any{"resourceName": "prod-aks-backup"},
	})

	devFrom := fixture("dev-aks", "dev")
	devTo := clone(t, devFrom)
	find(t, devTo, "dev-aks-identity").Inputs["tags"] = map[string]any{"class": "dev", "owner": "apps"}

	return Summarize([]StackDiff{Compare(prodFrom, prodTo), Compare(devFrom, devTo)})
}

const goldenText = `! warning PROD-WITH-OTHERS: this change touches production (prod-aks) and other stacks (dev-aks) at once: split it so production changes are reviewed and rolled out on their own

dev-aks: 0 to add, 1 to change, 0 to replace, 0 to delete
  ~ azure-native:managedidentity:UserAssignedIdentity dev-aks-identity
    tags.owner: "platform" → "apps"

prod-aks: 1 to add, 0 to change, 1 to replace, 0 to delete
  ! danger STATEFUL: AgentPool prod-aks-pool-apps is stateful and is replaced: what it holds does not carry over
  ! warning REPLACE: AgentPool prod-aks-pool-apps is replaced (deleted and created again) because vmSize changed
  ± azure-native:containerservice/v20241001:AgentPool prod-aks-pool-apps
    vmSize: "Standard_D4ds_v5" → "Standard_D8ds_v5" (forces replacement)
  + azure-native:managedidentity:UserAssignedIdentity prod-aks-backup
`

func TestWriteTextGolden(t *testing.T) {
	var b bytes.Buffer
	if err := goldenReport(t).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if b.String() != goldenText {
		t.Fatalf("text output:\n%s\nwant:\n%s", b.String(), goldenText)
	}
}

const goldenMarkdown = "## Plinth diff\n" +
	"\n" +
	"| Stack | Production | Add | Change | Replace | Delete | Move | Rename | Danger flags |\n" +
	"|---|---|--:|--:|--:|--:|--:|--:|--:|\n" +
	"| `dev-aks` |  | 0 | 1 | 0 | 0 | 0 | 0 | 0 |\n" +
	"| `prod-aks` | yes | 1 | 0 | 1 | 0 | 0 | 0 | 1 |\n" +
	"\n" +
	"### ⚠ Review these\n" +
	"\n" +
	"- **danger** `STATEFUL` `prod-aks`: AgentPool prod-aks-pool-apps is stateful and is replaced: what it holds does not carry over\n" +
	"- **warning** `PROD-WITH-OTHERS`: this change touches production (prod-aks) and other stacks (dev-aks) at once: split it so production changes are reviewed and rolled out on their own\n" +
	"- **warning** `REPLACE` `prod-aks`: AgentPool prod-aks-pool-apps is replaced (deleted and created again) because vmSize changed\n" +
	"\n" +
	"### dev-aks\n" +
	"\n" +
	"<details>\n" +
	"<summary>1 to change</summary>\n" +
	"\n" +
	"- \\~ `dev-aks-identity` `azure-native:managedidentity:UserAssignedIdentity`\n" +
	"  - `tags.owner`: `\"platform\"` → `\"apps\"`\n" +
	"\n" +
	"</details>\n" +
	"\n" +
	"### prod-aks (production)\n" +
	"\n" +
	"<details>\n" +
	"<summary>1 to replace</summary>\n" +
	"\n" +
	"- ± `prod-aks-pool-apps` `azure-native:containerservice/v20241001:AgentPool`\n" +
	"  - `vmSize`: `\"Standard_D4ds_v5\"` → `\"Standard_D8ds_v5\"` (forces replacement)\n" +
	"\n" +
	"</details>\n" +
	"\n" +
	"<details>\n" +
	"<summary>1 to add</summary>\n" +
	"\n" +
	"- \\+ `prod-aks-backup` `azure-native:managedidentity:UserAssignedIdentity`\n" +
	"\n" +
	"</details>\n"

func TestWriteMarkdownGolden(t *testing.T) {
	var b bytes.Buffer
	if err := goldenReport(t).WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	if b.String() != goldenMarkdown {
		t.Fatalf("markdown output:\n%s\nwant:\n%s", b.String(), goldenMarkdown)
	}
}

func TestWriteTextMarksMovesIgnoredAndRefused(t *testing.T) {
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	pool := find(t, to, "dev-aks-pool-apps")
	pool.Inputs["count"] = 5
	pool.Inputs["osDiskType"] = "Managed"
	id := find(t, to, "dev-aks-identity")
	oldURN := moveUnder(id, "dev-aks", "plinth:components:Identity", "dev")
	id.Aliases = []string{oldURN}
	id.Inputs["tags"] = map[string]any{"class": "dev"}

	var b bytes.Buffer
	if err := Summarize([]StackDiff{Compare(from, to)}).WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"dev-aks: 0 to add, 1 to change, 1 to replace, 0 to delete, 1 to move\n",
		`    tags.owner: "platform" → (none)` + "\n",
		"    count: 3 → 5 (ignored: ignoreChanges)\n",
		`    osDiskType: "Ephemeral" → "Managed" (cannot change in place)` + "\n",
		"  > " + typeIdentity + " dev-aks-identity (moved from " + oldURN + ")\n",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("text output lacks %q:\n%s", line, b.String())
		}
	}
}

func TestSecretsAndUnknownsPrintBare(t *testing.T) {
	for _, tc := range []struct {
		v      any
		absent bool
		want   string
	}{
		{snapshot.SecretValue, false, "[secret]"},
		{snapshot.UnknownValue, false, "[unknown]"},
		{"azure", false, `"azure"`},
		{nil, true, "(none)"},
		{nil, false, "null"},
		{[]any{"1", "2"}, false, `["1","2"]`},
		{map[string]any{"b": 1, "a": "<x>"}, false, `{"a":"<x>","b":1}`},
		// Long values keep their start and their end (a URN's type and name).
		{"urn:pulumi:prod-aks::plinth::" + strings.Repeat("x", 200) + "$azure-native:network:Subnet::prod-aks-nodes", false,
			`"urn:pulumi:prod-aks::plinth::xxxxxxxxx…` + strings.Repeat("x", 35) + `$azure-native:network:Subnet::prod-aks-nodes"`},
	} {
		if got := formatValue(tc.v, tc.absent); got != tc.want {
			t.Errorf("formatValue(%v, %v) = %q, want %q", tc.v, tc.absent, got, tc.want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	r := goldenReport(t)
	var first bytes.Buffer
	if err := r.WriteJSON(&first); err != nil {
		t.Fatal(err)
	}
	var decoded Report
	dec := json.NewDecoder(bytes.NewReader(first.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&decoded); err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	if err := decoded.WriteJSON(&second); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Fatalf("JSON changed through a round trip:\n%s\nthen:\n%s", first.String(), second.String())
	}
	if decoded.Version != JSONVersion || len(decoded.Stacks) != 2 || decoded.Flags[0].ID != FlagProdWithOthers {
		t.Fatalf("decoded %+v", decoded)
	}
	prod := decoded.Stacks[1]
	want := PropertyChange{Path: "vmSize", Old: "Standard_D4ds_v5", New: "Standard_D8ds_v5", ForcesReplacement: true}
	if prod.Stack != "prod-aks" || !prod.Production || prod.Summary != (Counts{Add: 1, Replace: 1}) ||
		fmt.Sprint(prod.Changed[0].Properties) != fmt.Sprint([]PropertyChange{want}) {
		t.Fatalf("decoded prod stack %+v", prod)
	}
	for _, field := range []string{`"added": []`, `"removed": []`, `"moved": []`, `"properties": []`, `"flags": []`} {
		if !strings.Contains(first.String(), field) {
			t.Errorf("JSON lacks %s (empty lists must be written as [])", field)
		}
	}
}

func TestMarkdownStaysUnderGitHubLimit(t *testing.T) {
	// A cluster whose 1000 agent pool profiles all change: far over 65k
	// characters in full.
	profiles := func(size string) []any {
		var out []any
		for i := range 1000 {
			out = append(out, map[string]any{"name": fmt.Sprintf("pool%04d", i), "vmSize": size, "maxPods": 30})
		}
		return out
	}
	from := fixture("dev-aks", "dev")
	to := clone(t, from)
	find(t, from, "dev-aks-aks").Inputs["agentPoolProfiles"] = profiles("Standard_D4ds_v5")
	find(t, to, "dev-aks-aks").Inputs["agentPoolProfiles"] = profiles("Standard_D8ds_v5")
	r := Summarize([]StackDiff{Compare(from, to)})

	if full := r.markdown(mdBudgets[0]); utf8.RuneCountInString(full) <= MarkdownLimit {
		t.Fatalf("test report is only %d characters; make it bigger", utf8.RuneCountInString(full))
	}
	var b bytes.Buffer
	if err := r.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if n := utf8.RuneCountInString(out); n > MarkdownLimit {
		t.Fatalf("markdown is %d characters, limit %d", n, MarkdownLimit)
	}
	for _, s := range []string{
		"  - `agentPoolProfiles[0].vmSize`: `\"Standard_D4ds_v5\"` → `\"Standard_D8ds_v5\"`\n",
		"  - … 980 more property changes (run `plinth diff` locally for all)\n",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("markdown lacks %q", s)
		}
	}
}

func TestMarkdownEscapesMessagesAndCode(t *testing.T) {
	if got := escapeMarkdown("a_b *c* <d> [e]|f #g"); got != `a\_b \*c\* \<d\> \[e\]\|f \#g` {
		t.Errorf("escapeMarkdown: %s", got)
	}
	if got := code("a`b"); got != "``a`b``" {
		t.Errorf("code: %s", got)
	}
	if got := code("`a"); got != "`` `a ``" {
		t.Errorf("code: %s", got)
	}
}

func TestEmptyReport(t *testing.T) {
	var text, md bytes.Buffer
	r := Summarize(nil)
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if text.String() != "no stacks compared\n" || md.String() != "## Plinth diff\n\nNo stacks compared.\n" {
		t.Fatalf("text %q, markdown %q", text.String(), md.String())
	}
}

func TestRealSnapshot(t *testing.T) {
	from := readSnapshot(t, "prod-aks")
	if got := Class(from); got != ProductionClass {
		t.Fatalf("Class(prod-aks) = %q", got)
	}
	if d := Compare(from, clone(t, from)); d.HasChanges() {
		t.Fatalf("prod-aks against itself: %+v", d.Summary)
	}

	to := clone(t, from)
	pool := find(t, to, "prod-aks-pool-apps")
	pool.Inputs["vmSize"] = "Standard_D8ds_v5"
	pool.Inputs["count"] = 7.0 // under ignoreChanges

	d := Compare(from, to)
	if !d.Production || d.Summary != (Counts{Replace: 1}) || len(d.Changed) != 1 {
		t.Fatalf("got production %v, summary %+v", d.Production, d.Summary)
	}
	c := d.Changed[0]
	want := []PropertyChange{
		{Path: "count", Old: 3.0, New: 7.0, Ignored: true},
		{Path: "vmSize", Old: "Standard_D4ds_v5", New: "Standard_D8ds_v5", ForcesReplacement: true},
	}
	if fmt.Sprint(c.Properties) != fmt.Sprint(want) || !c.Replace {
		t.Fatalf("properties %+v", c.Properties)
	}
	wantFlags := []string{"danger PROTECTED", "danger STATEFUL", "warning REPLACE"}
	if got := flagIDs(c.Flags); strings.Join(got, ",") != strings.Join(wantFlags, ",") {
		t.Fatalf("flags %v", got)
	}
	if !Summarize([]StackDiff{d}).HasFlags() {
		t.Fatal("HasFlags false on a protected node pool replacement")
	}
}

func TestWriteGitHubGolden(t *testing.T) {
	var b bytes.Buffer
	if err := goldenReport(t).WriteGitHub(&b); err != nil {
		t.Fatal(err)
	}
	want := "::error title=STATEFUL prod-aks::AgentPool prod-aks-pool-apps is stateful and is replaced: what it holds does not carry over\n" +
		"::warning title=PROD-WITH-OTHERS::this change touches production (prod-aks) and other stacks (dev-aks) at once: split it so production changes are reviewed and rolled out on their own\n" +
		"::warning title=REPLACE prod-aks::AgentPool prod-aks-pool-apps is replaced (deleted and created again) because vmSize changed\n" +
		"::group::plinth diff\n" + goldenText + "::endgroup::\n"
	if b.String() != want {
		t.Fatalf("github output:\n%s\nwant:\n%s", b.String(), want)
	}
}

// Two long values that differ only in their middle are cut around the
// difference, so that the two sides do not print the same.
func TestLongValuesAreCutWhereTheyDiffer(t *testing.T) {
	common := strings.Repeat("Node pool apps has run at its autoscaler maximum. ", 4)
	p := PropertyChange{Path: "documentation.content", Old: common + "Scale out within 30 minutes. " + common, New: common + "Scale out within 10 minutes. " + common}
	oldS, newS := formatChange(p)
	if oldS == newS {
		t.Fatalf("both sides print %s", oldS)
	}
	if !strings.Contains(oldS, "within 30 minutes") || !strings.Contains(newS, "within 10 minutes") {
		t.Errorf("the difference is cut away:\n%s\n%s", oldS, newS)
	}
	for _, s := range []string{oldS, newS} {
		if n := utf8.RuneCountInString(s); n > maxValue+2 || !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") {
			t.Errorf("%d characters, want at most %d marked with … at both ends: %s", n, maxValue+2, s)
		}
	}
	// Short values and markers print whole, as before.
	if o, n := formatChange(PropertyChange{Old: "a", New: "b"}); o != `"a"` || n != `"b"` {
		t.Errorf("short values: %s → %s", o, n)
	}
	if o, n := formatChange(PropertyChange{Old: common, NewAbsent: true}); n != "(none)" || o != formatValue(common, false) {
		t.Errorf("absent: %s → %s", o, n)
	}
}
