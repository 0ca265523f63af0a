package environment_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/environment"
)

// badDir holds environment files written as a new user might write them,
// each wrong in one way. The first line of each says the one error line
// Load and then Validate must give: "# want: <line>".
const badDir = "testdata/bad"

// loadAndValidate is what every command does with an environment file
// before anything is registered: Load, then Validate.
func loadAndValidate(data []byte) error {
	env, err := environment.Load(data)
	if err != nil {
		return err
	}
	return env.Validate()
}

// Every bad file is refused with exactly one line that names the field as
// written, the value and the fix: no panic, no second line for the same
// problem, no empty path.
func TestBadEnvironmentFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(badDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("%d files in %s; the corpus has 20 or more", len(files), badDir)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := bytes.Cut(data, []byte("\n"))
			want, ok := strings.CutPrefix(string(first), "# want: ")
			if !ok {
				t.Fatalf("the first line is %q; start the file with \"# want: <the error line>\"", first)
			}
			err = loadAndValidate(data)
			if err == nil {
				t.Fatalf("accepted; want\n%s", want)
			}
			if got := err.Error(); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			for line := range strings.Lines(err.Error()) {
				if strings.HasPrefix(line, ":") {
					t.Errorf("a line with an empty path: %q", line)
				}
			}
		})
	}
}

// Each file of the corpus differs from a valid one in its one mistake: the
// good twin of a few, written as the fix says, is accepted.
func TestBadEnvironmentFilesFixed(t *testing.T) {
	for file, fix := range map[string][2]string{
		"unknown-cloud.yaml":               {"cloud: aws", "cloud: azure"},
		"name-too-long-gke.yaml":           {"name: dev-shop-europe", "name: dev-shop-eu"},
		"name-too-long-aks.yaml":           {"name: dev-shop-westeurope", "name: dev-shop-weu"},
		"duration-days.yaml":               {"maxDuration: 90d", "maxDuration: 2160h"},
		"duration-nanoseconds.yaml":        {"ttl: 2592000000000000", "ttl: 720h"},
		"nan-sample-rate.yaml":             {"sampleRate: .nan", "sampleRate: 0.1"},
		"taint-value.yaml":                 {"value: batch jobs", "value: batch"},
		"node-label-key.yaml":              {"workload type: batch", "acme.example/workload: batch"},
		"team-name.yaml":                   {"team: Payments", "team: payments"},
		"ingress-in-velero-namespace.yaml": {"namespace: velero", "namespace: edge"},
	} {
		data, err := os.ReadFile(filepath.Join(badDir, file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(fix[0])) {
			t.Fatalf("%s does not contain %q", file, fix[0])
		}
		if err := loadAndValidate(bytes.Replace(data, []byte(fix[0]), []byte(fix[1]), 1)); err != nil {
			t.Errorf("%s with %q: %v", file, fix[1], err)
		}
	}
}
