package helm_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/internal/helm"
)

// renovate reads the repository's renovate.json: its custom managers'
// file patterns and match strings.
func renovate(t *testing.T) []struct {
	Description string   `json:"description"`
	Files       []string `json:"managerFilePatterns"`
	Match       []string `json:"matchStrings"`
} {
	t.Helper()
	b, err := os.ReadFile("../../renovate.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		CustomManagers []struct {
			Description string   `json:"description"`
			Files       []string `json:"managerFilePatterns"`
			Match       []string `json:"matchStrings"`
		} `json:"customManagers"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg.CustomManagers
}

// matches applies the managers' match strings for file to its source and
// returns each match's named groups.
func matches(t *testing.T, file, src string) []map[string]string {
	t.Helper()
	var out []map[string]string
	for _, m := range renovate(t) {
		if !slices.ContainsFunc(m.Files, func(p string) bool {
			return regexp.MustCompile(strings.Trim(p, "/")).MatchString(file)
		}) {
			continue
		}
		for _, ms := range m.Match {
			re := regexp.MustCompile(ms)
			for _, sub := range re.FindAllStringSubmatch(src, -1) {
				g := map[string]string{}
				for i, name := range re.SubexpNames() {
					if name != "" {
						g[name] = sub[i]
					}
				}
				out = append(out, g)
			}
		}
	}
	return out
}

// TestRenovateSeesEveryPin: Renovate's patterns match every chart and image
// pinned in versions.go, with the pinned version, so that no pin is left
// out of the updates; and the oldest Pulumi CLI Plinth runs with
// (pulumicli.Version; the Makefile reads go.mod).
func TestRenovateSeesEveryPin(t *testing.T) {
	b, err := os.ReadFile("versions.go")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	got := matches(t, "internal/helm/versions.go", src)
	charts := []helm.Chart{helm.Traefik, helm.IngressNginx, helm.CertManager, helm.ExternalDNS,
		helm.LinkerdCRDs, helm.LinkerdControlPlane, helm.LinkerdCNI, helm.TrustManager, helm.Velero}
	if n := strings.Count(src, "= Chart{"); n != len(charts) {
		t.Errorf("versions.go pins %d charts, the test knows %d: add the new one here", n, len(charts))
	}
	for _, c := range charts {
		if !slices.ContainsFunc(got, func(g map[string]string) bool {
			return g["datasource"] == "helm" && g["depName"] == c.Name && g["registryUrl"] == c.Repo && g["currentValue"] == c.Version
		}) {
			t.Errorf("renovate.json does not see chart %s %s at %s", c.Name, c.Version, c.Repo)
		}
	}
	for _, img := range []string{helm.VeleroPluginAzure, helm.VeleroPluginGCP} {
		name, tag, _ := strings.Cut(img, ":")
		if !slices.ContainsFunc(got, func(g map[string]string) bool {
			return g["datasource"] == "docker" && g["depName"] == name && g["currentValue"] == tag
		}) {
			t.Errorf("renovate.json does not see image %s", img)
		}
	}

	cli, err := os.ReadFile("../pulumicli/pulumicli.go")
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	pulumi := matches(t, "internal/pulumicli/pulumicli.go", string(cli))
	sdk := regexp.MustCompile(`github\.com/pulumi/pulumi/sdk/v3 v(\S+)`).FindStringSubmatch(string(gomod))
	if len(pulumi) != 1 || sdk == nil || pulumi[0]["currentValue"] != sdk[1] {
		t.Errorf("pulumicli.Version %v, go.mod's SDK %v: renovate.json sees one, and they are the same", pulumi, sdk)
	}
}
