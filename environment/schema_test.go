package environment_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/internal/schemagen"
	"github.com/plinth-dev/plinth/platform"
)

// The committed schema is the one the Go types and their doc comments
// give now.
func TestJSONSchemaIsCurrent(t *testing.T) {
	module, err := schemagen.FindModule(".")
	if err != nil {
		t.Fatal(err)
	}
	want, err := schemagen.Environment(module)
	if err != nil {
		t.Fatal(err)
	}
	got := environment.JSONSchema()
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	i := 0
	for i < len(gl) && i < len(wl) && gl[i] == wl[i] {
		i++
	}
	at := func(l []string) string {
		if i < len(l) {
			return l[i]
		}
		return "(end of file)"
	}
	t.Fatalf("environment.schema.json line %d is\n%s\nthe types give\n%s\nrun go generate ./environment/ (schema is stale)", i+1, at(gl), at(wl))
}

// schema compiles the embedded schema, which checks it against the
// draft-07 meta-schema.
func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	s, err := jsonschema.CompileString("environment.schema.json", string(environment.JSONSchema()))
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return s
}

// matches validates the YAML document data against s as an editor does:
// the document's values as JSON values.
func matches(s *jsonschema.Schema, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	if len(doc.Content) == 0 {
		return s.Validate(nil)
	}
	v, err := jsonValue(doc.Content[0])
	if err != nil {
		return err
	}
	return s.Validate(v)
}

// jsonValue converts a YAML node to the value JSON would have: numbers as
// json.Number (in decimal), timestamps and other tags as strings.
func jsonValue(n *yaml.Node) (any, error) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := jsonValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := []any{}
		for _, c := range n.Content {
			v, err := jsonValue(c)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	}
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int":
		i, ok := new(big.Int).SetString(strings.ReplaceAll(n.Value, "_", ""), 0)
		if !ok {
			return nil, fmt.Errorf("line %d: integer %q", n.Line, n.Value)
		}
		return json.Number(i.String()), nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, err
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	}
	return n.Value, nil
}

// yamlFile is an environment file of the repository or a YAML block of its
// documentation.
type yamlFile struct {
	name string // the path from the repository root, "docs/x.md:12" for a block
	data []byte
}

// fencedYAML is a YAML block of Markdown, perhaps indented in a list.
var fencedYAML = regexp.MustCompile("(?ms)^([ \t]*)```ya?ml[^\n]*\n(.*?)^[ \t]*```")

// repositoryFiles returns every YAML file of the repository and every YAML
// block of its Markdown (the schema's tests check them, the fuzzer starts
// from them), skipping hidden and build directories.
func repositoryFiles(t testing.TB) []yamlFile {
	t.Helper()
	var out []yamlFile
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := filepath.ToSlash(strings.TrimPrefix(path, ".."+string(filepath.Separator)))
		if d.IsDir() {
			if path != ".." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(path)
		if ext != ".yaml" && ext != ".yml" && ext != ".md" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if ext != ".md" {
			out = append(out, yamlFile{name, data})
			return nil
		}
		for _, m := range fencedYAML.FindAllSubmatchIndex(data, -1) {
			indent, body := string(data[m[2]:m[3]]), data[m[4]:m[5]]
			var lines []string
			for l := range strings.Lines(string(body)) {
				lines = append(lines, strings.TrimPrefix(l, indent))
			}
			line := bytes.Count(data[:m[0]], []byte("\n")) + 1
			out = append(out, yamlFile{fmt.Sprintf("%s:%d", name, line), []byte(strings.Join(lines, ""))})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// valid reports whether data is an environment that every command accepts.
func valid(data []byte) bool { return loadAndValidate(data) == nil }

// Every environment of the repository that Load and Validate accept, in a
// file or in the documentation, matches the schema: an editor never flags
// a file Plinth takes.
func TestValidEnvironmentsMatchTheSchema(t *testing.T) {
	s := schema(t)
	var checked []string
	for _, f := range repositoryFiles(t) {
		if !valid(f.data) {
			continue
		}
		checked = append(checked, f.name)
		t.Log(f.name)
		if err := matches(s, f.data); err != nil {
			t.Errorf("%s: Load and Validate accept it, the schema does not:\n%v", f.name, err)
		}
	}
	for _, want := range []string{
		"examples/team-stack/environments/shop-prod.yaml",
		"examples/team-stack/environments/shop-staging.yaml",
		"project/testdata/environments/shop-dev.yaml",
		"cli/testdata/unlocked-prod.yaml",
	} {
		if !slices.Contains(checked, want) {
			t.Errorf("%s was not checked; checked %v", want, checked)
		}
	}
	if docs := slices.DeleteFunc(slices.Clone(checked), func(n string) bool { return !strings.HasPrefix(n, "docs/") }); len(docs) < 3 {
		t.Errorf("%d environments of the documentation checked (%v); want the getting-started page's two and docs/stacks.md's", len(docs), docs)
	}
}

// modeline starts the first line that points the YAML language server
// (VS Code's YAML extension) at the schema.
const modeline = "# yaml-language-server: $schema="

// Every complete environment of the examples and the documentation, what
// teams copy, starts with the editor's modeline. In a file of the
// repository its path leads to environment/environment.schema.json; in the
// documentation to the schema a team's program writes beside its
// environments directory, as docs/getting-started.md does.
func TestExampleEnvironmentsCarryTheModeline(t *testing.T) {
	want, err := filepath.Abs("environment.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var examples []string
	for _, f := range repositoryFiles(t) {
		if !strings.HasPrefix(f.name, "examples/") && !strings.HasPrefix(f.name, "docs/") || !valid(f.data) {
			continue
		}
		examples = append(examples, f.name)
		first, _, _ := strings.Cut(string(f.data), "\n")
		path, ok := strings.CutPrefix(first, modeline)
		switch {
		case !ok:
			t.Errorf("%s starts with %q; start it with the line %s<the path of the schema>", f.name, first, modeline)
		case strings.HasPrefix(f.name, "docs/"):
			if path != "../environment.schema.json" {
				t.Errorf("%s: the schema is %q; write ../environment.schema.json, where go run . schema --output environment.schema.json writes it for environments/", f.name, path)
			}
		default:
			got, err := filepath.Abs(filepath.Join("..", filepath.FromSlash(filepath.Dir(f.name)), filepath.FromSlash(path)))
			if err != nil || got != want {
				t.Errorf("%s: the schema %q is %s, not this repository's environment/environment.schema.json", f.name, path, got)
			}
		}
	}
	if len(examples) < 5 {
		t.Errorf("%d example environments (%v); the examples and the documentation have more", len(examples), examples)
	}
	data, err := os.ReadFile("../docs/getting-started.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("\ngo run . schema --output environment.schema.json\n")) {
		t.Error("docs/getting-started.md does not write environment.schema.json, which its environments name")
	}
}

// Each class's profile on each cloud, written out by Marshal with every
// field it sets (durations, maps, lists, pointers), matches the schema.
func TestProfilesMatchTheSchema(t *testing.T) {
	s := schema(t)
	for _, class := range environment.Classes {
		for _, cloud := range []platform.Cloud{platform.CloudAzure, platform.CloudGCP} {
			env := environment.Profile(class, cloud)
			env.Name, env.CostCenter = "env", "cc-4711"
			env.Network.AddressSpace = "10.20.0.0/16"
			env.CertManager.Email = "platform@example.com"
			data, err := environment.Marshal(env)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := environment.Load(data); err != nil {
				t.Fatalf("%s on %s: %v", class, cloud, err)
			}
			if err := matches(s, data); err != nil {
				t.Errorf("%s on %s:\n%v\n%s", class, cloud, err, data)
			}
		}
	}
}

// baseYAML is a valid development environment.
const baseYAML = `name: dev-shop
class: dev
cloud: azure
costCenter: cc-4711
network:
  addressSpace: 10.20.0.0/16
certManager:
  email: platform@example.com
`

// inNetwork is baseYAML with line added to its network mapping.
func inNetwork(line string) string {
	return strings.Replace(baseYAML, "network:\n", "network:\n  "+line+"\n", 1)
}

// What the schema refuses, Plinth refuses too: each of these is refused by
// the schema and by Load or Validate.
func TestTheSchemaRefusesWhatPlinthRefuses(t *testing.T) {
	s := schema(t)
	if err := matches(s, []byte(baseYAML)); err != nil || !valid([]byte(baseYAML)) {
		t.Fatalf("the base environment: schema %v, Validate %v", err, loadAndValidate([]byte(baseYAML)))
	}
	for name, doc := range map[string]string{
		"unknown key":               baseYAML + "costcentre: cc-1\n",
		"unknown nested key":        inNetwork("podCidr: 10.1.0.0/16"),
		"a key the program sets":    baseYAML + "  dnsZone: {name: example.com}\n",
		"a string for an integer":   inNetwork("maxNodes: many"),
		"a string for a boolean":    baseYAML + "protect: yes\n",
		"a float for an integer":    inNetwork("maxNodes: 1.5"),
		"a mapping for a list":      baseYAML + "teams: {team: payments}\n",
		"a list for a mapping":      baseYAML + "cluster: [apps]\n",
		"a list for a string":       strings.Replace(baseYAML, "cc-4711", "[cc-4711]", 1),
		"an unknown class":          strings.Replace(baseYAML, "class: dev", "class: production", 1),
		"an unknown cloud":          strings.Replace(baseYAML, "cloud: azure", "cloud: aws", 1),
		"an unknown tier":           baseYAML + "cluster:\n  tier: premium\n",
		"an unknown severity":       baseYAML + "observability:\n  receivers:\n    - name: oncall\n      emails: [oncall@example.com]\n      severities: [info]\n",
		"a duration in days":        baseYAML + "access:\n  maxDuration: 90d\n",
		"a duration without a unit": baseYAML + "access:\n  maxDuration: 2592000000000000\n",
		"no cost center":            strings.Replace(baseYAML, "costCenter: cc-4711\n", "", 1),
		"a null name":               strings.Replace(baseYAML, "name: dev-shop", "name: null", 1),
		"no network":                strings.Replace(baseYAML, "network:\n  addressSpace: 10.20.0.0/16\n", "", 1),
		"a team without its name":   baseYAML + "teams:\n  - requestors: [group:payments@example.com]\n",
		"a list, not a mapping":     "- name: dev-shop\n",
	} {
		if err := matches(s, []byte(doc)); err == nil {
			t.Errorf("%s: the schema accepts\n%s", name, doc)
		} else {
			t.Logf("%s: %v", name, err)
		}
		if valid([]byte(doc)) {
			t.Errorf("%s: Load and Validate accept\n%s", name, doc)
		}
	}
}

// The files of the bad corpus whose mistake is the file's shape, not a
// rule between values, are refused by the schema too.
func TestTheSchemaRefusesBadFiles(t *testing.T) {
	s := schema(t)
	for _, file := range []string{
		"class-typo.yaml", "duration-days.yaml", "duration-nanoseconds.yaml", "empty.yaml",
		"field-typo.yaml", "unknown-cloud.yaml",
	} {
		data, err := os.ReadFile(filepath.Join(badDir, file))
		if err != nil {
			t.Fatal(err)
		}
		if err := matches(s, data); err == nil {
			t.Errorf("%s: the schema accepts it", file)
		}
	}
}

// Every key the schema requires is one without which Validate refuses the
// file: each required key of the schema is listed here, in a valid file
// that has it.
func TestTheSchemaRequiresOnlyWhatPlinthRequires(t *testing.T) {
	teams := baseYAML + `teams:
  - team: payments
    requestors: ["group:7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"]
    approvers: ["group:8d2e3f4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a"]
    namespaces:
      - name: payments
    levels:
      - name: developer
        role: edit
`
	cases := map[string]string{
		"name":                      baseYAML,
		"class":                     baseYAML,
		"cloud":                     baseYAML,
		"costCenter":                baseYAML,
		"network":                   baseYAML,
		"network.addressSpace":      baseYAML,
		"certManager":               baseYAML,
		"certManager.email":         baseYAML,
		"teams[].team":              teams,
		"teams[].namespaces[].name": teams,
		"teams[].levels[].name":     teams,
		"backup.schedules[].cron": baseYAML + `backup:
  schedules:
    - name: daily
      cron: "0 1 * * *"
      ttl: 720h
`,
		"edge.hostnames": teams + `edge:
  hostnames: [payments]
`,
	}
	cases["backup.schedules[].ttl"] = cases["backup.schedules[].cron"]
	var sch map[string]any
	if err := json.Unmarshal(environment.JSONSchema(), &sch); err != nil {
		t.Fatal(err)
	}
	required := requiredKeys(sch, "")
	for _, path := range required {
		doc, ok := cases[path]
		if !ok {
			t.Errorf("the schema requires %s; add a valid file that has it to this test, and check Validate refuses it without", path)
			continue
		}
		if err := loadAndValidate([]byte(doc)); err != nil {
			t.Errorf("%s: the file is invalid: %v\n%s", path, err, doc)
			continue
		}
		without, err := removeKey([]byte(doc), path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if valid(without) {
			t.Errorf("the schema requires %s, but Plinth accepts a file without it:\n%s", path, without)
		}
	}
	for path := range cases {
		if !slices.Contains(required, path) {
			t.Errorf("%s is no longer required by the schema; remove it from this test", path)
		}
	}
}

// requiredKeys returns the paths ("teams[].team") of the required keys of
// schema s at path.
func requiredKeys(s map[string]any, path string) []string {
	var out []string
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	for _, r := range asSlice(s["required"]) {
		out = append(out, join(r.(string)))
	}
	props, _ := s["properties"].(map[string]any)
	for k, p := range props {
		out = append(out, requiredKeys(p.(map[string]any), join(k))...)
	}
	if items, ok := s["items"].(map[string]any); ok {
		out = append(out, requiredKeys(items, path+"[]")...)
	}
	if values, ok := s["additionalProperties"].(map[string]any); ok {
		out = append(out, requiredKeys(values, path+"[]")...)
	}
	slices.Sort(out)
	return out
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

// removeKey returns the YAML document data without the key at path, which
// names a list's first element "[]".
func removeKey(data []byte, path string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	n := doc.Content[0]
	parts := strings.Split(path, ".")
	for i, part := range parts {
		key, list := strings.CutSuffix(part, "[]")
		j := slices.IndexFunc(n.Content, func(c *yaml.Node) bool { return c.Value == key })
		if n.Kind != yaml.MappingNode || j < 0 || j%2 != 0 {
			return nil, fmt.Errorf("no key %s", strings.Join(parts[:i+1], "."))
		}
		if i == len(parts)-1 {
			n.Content = slices.Delete(n.Content, j, j+2)
			break
		}
		n = n.Content[j+1]
		if list {
			n = n.Content[0]
		}
	}
	return yaml.Marshal(&doc)
}
