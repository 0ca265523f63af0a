package pulumicli

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/modfile"
)

// fakeCLI writes an executable shell script at path that answers
// `pulumi version` with body's output. It fails loudly on any other
// arguments, so a test also proves Find asks exactly `version`.
func fakeCLI(t *testing.T, path, body string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\n" +
		`[ "$#" -eq 1 ] && [ "$1" = version ] || { echo "unexpected args: $*" >&2; exit 2; }` + "\n" +
		body + "\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// printing returns a fake CLI body that reports version v.
func printing(v string) string { return "echo " + v }

// isolate gives the test an empty PATH directory, an unset PLINTH_PULUMI and
// an empty repo root, and returns the PATH directory and the repo root.
func isolate(t *testing.T) (pathDir, repo string) {
	t.Helper()
	pathDir, repo = t.TempDir(), t.TempDir()
	t.Setenv("PATH", pathDir)
	t.Setenv(EnvVar, "")
	return pathDir, repo
}

func mustFind(t *testing.T, repo string) string {
	t.Helper()
	got, err := Find(repo)
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	return got
}

func TestFindPrefersEnvOverPathAndBin(t *testing.T) {
	pathDir, repo := isolate(t)
	fakeCLI(t, filepath.Join(pathDir, "pulumi"), printing("v3.250.0"))
	fakeCLI(t, BinPath(repo), printing("v3.250.0"))
	want := fakeCLI(t, filepath.Join(t.TempDir(), "my-pulumi"), printing("v3.260.1"))
	t.Setenv(EnvVar, want)

	if got := mustFind(t, repo); got != want {
		t.Errorf("Find = %q, want %s's %q", got, EnvVar, want)
	}
}

func TestFindEnvRelativePathBecomesAbsolute(t *testing.T) {
	_, repo := isolate(t)
	dir := t.TempDir()
	want := fakeCLI(t, filepath.Join(dir, "pulumi"), printing("v3.250.0"))
	t.Chdir(dir)
	t.Setenv(EnvVar, "./pulumi")

	if got := mustFind(t, repo); got != want {
		t.Errorf("Find = %q, want %q", got, want)
	}
}

func TestFindRejectsBadEnv(t *testing.T) {
	fix := "; point PLINTH_PULUMI at a Pulumi CLI that reports v3.250.0 or later," +
		" or unset it to use `pulumi` on PATH or the one `make tools` builds"
	dir := t.TempDir()
	notExec := filepath.Join(dir, "not-exec")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\necho v3.250.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nope"), "does not exist"},
		{"directory", dir, "is a directory"},
		{"not executable", notExec, "is not executable"},
		{"too old", fakeCLI(t, filepath.Join(dir, "old"), printing("v3.249.9")),
			`reports "v3.249.9", need v3.250.0 or later`},
		{"no version stamp", fakeCLI(t, filepath.Join(dir, "unstamped"), printing("")),
			`reports "", need v3.250.0 or later`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pathDir, repo := isolate(t)
			// A fitting CLI elsewhere must not hide the bad setting.
			fakeCLI(t, filepath.Join(pathDir, "pulumi"), printing("v3.250.0"))
			fakeCLI(t, BinPath(repo), printing("v3.250.0"))
			t.Setenv(EnvVar, tc.path)

			got, err := Find(repo)
			want := `PLINTH_PULUMI "` + tc.path + `": ` + tc.want + fix
			if err == nil || err.Error() != want {
				t.Fatalf("Find = %q, %v\nwant error %s", got, err, want)
			}
			if errors.Is(err, ErrNotFound) {
				t.Errorf("a bad %s must not read as ErrNotFound (callers skip on that)", EnvVar)
			}
		})
	}
}

func TestFindPathBeforeBin(t *testing.T) {
	pathDir, repo := isolate(t)
	want := fakeCLI(t, filepath.Join(pathDir, "pulumi"), printing("v3.251.0-alpha.1+dirty"))
	fakeCLI(t, BinPath(repo), printing("v3.250.0"))

	if got := mustFind(t, repo); got != want {
		t.Errorf("Find = %q, want the PATH CLI %q", got, want)
	}
}

func TestFindSkipsTooOldPathForBin(t *testing.T) {
	pathDir, repo := isolate(t)
	fakeCLI(t, filepath.Join(pathDir, "pulumi"), printing("v3.99.0"))
	want := fakeCLI(t, BinPath(repo), printing("v3.250.0"))

	if got := mustFind(t, repo); got != want {
		t.Errorf("Find = %q, want the make tools build %q", got, want)
	}
}

func TestFindBinWithRelativeRepoRoot(t *testing.T) {
	_, repo := isolate(t)
	want := fakeCLI(t, BinPath(repo), printing("v3.250.0"))
	t.Chdir(filepath.Dir(repo))

	if got := mustFind(t, filepath.Base(repo)); got != want {
		t.Errorf("Find = %q, want the absolute %q", got, want)
	}
}

func TestFindNothingFits(t *testing.T) {
	pathDir, repo := isolate(t)
	onPath := fakeCLI(t, filepath.Join(pathDir, "pulumi"), printing("v3.250.0-rc.1"))
	bin := BinPath(repo)

	_, err := Find(repo)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Find error = %v, want ErrNotFound", err)
	}
	want := "no Pulumi CLI found that reports v3.250.0 or later:\n" +
		`  PATH "` + onPath + `": reports "v3.250.0-rc.1", need v3.250.0 or later` + "\n" +
		"  " + bin + ": does not exist\n" +
		"get one in any of these ways:\n" +
		"  install Pulumi 3.250.0 or later   and put it on PATH (https://www.pulumi.com/docs/install/)\n" +
		"  make tools                        in Plinth's own repository: builds " + bin + " from tools/pulumi (about 4 min the first time)\n" +
		"  PLINTH_PULUMI=/path/to/pulumi     use that CLI (it must report v3.250.0 or later)"
	if err.Error() != want {
		t.Errorf("Find error:\n%s\nwant:\n%s", err, want)
	}
}

func TestFindRejectsEachCandidateWithItsReason(t *testing.T) {
	cases := []struct {
		name      string
		onPath    string // fake CLI body, "" for no pulumi on PATH
		bin       string // fake CLI body, "" for not built
		wantLines []string
	}{
		{
			name:      "nothing installed",
			wantLines: []string{"  PATH: no pulumi\n", ": does not exist\n"},
		},
		{
			name:   "version fails and bin is unstamped",
			onPath: "echo 'error: no config' >&2; exit 1",
			bin:    printing(""),
			wantLines: []string{
				"\": `pulumi version` failed: exit status 1: error: no config\n",
				`pulumi: reports "", need v3.250.0 or later` + "\n",
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pathDir, repo := isolate(t)
			if tc.onPath != "" {
				fakeCLI(t, filepath.Join(pathDir, "pulumi"), tc.onPath)
			}
			if tc.bin != "" {
				fakeCLI(t, BinPath(repo), tc.bin)
			}
			_, err := Find(repo)
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("Find error = %v, want ErrNotFound", err)
			}
			for _, line := range tc.wantLines {
				if !strings.Contains(err.Error(), line) {
					t.Errorf("Find error lacks %q:\n%s", line, err)
				}
			}
		})
	}
}

func TestFindGivesUpOnHangingCLI(t *testing.T) {
	pathDir, repo := isolate(t)
	fakeCLI(t, filepath.Join(pathDir, "pulumi"), "exec /bin/sleep 30")
	want := fakeCLI(t, BinPath(repo), printing("v3.250.0"))
	old := versionTimeout
	versionTimeout = 200 * time.Millisecond
	t.Cleanup(func() { versionTimeout = old })

	start := time.Now()
	if got := mustFind(t, repo); got != want {
		t.Errorf("Find = %q, want %q after the PATH CLI timed out", got, want)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Find took %s; the hanging CLI was not cut off", d)
	}
}

func TestFits(t *testing.T) {
	cases := []struct {
		reported string
		want     bool
	}{
		{"v3.250.0", true},
		{"3.250.0", true},
		{"v3.250.0\n", true},
		{"v3.250.1", true},
		{"v3.251.0-alpha.1", true},
		{"v3.251.0-dev.0", true},
		{"v4.0.0", true},
		{"v3.250.0+build.7", true},
		{"v3.250.0+dirty", true},
		{"v3.250.0-alpha.1", false},
		{"v3.250.0-dev.0", false}, // a pre-release comes before its release
		{"v3.250.0-dev.0+dirty", false},
		{"v3.249.99", false},
		{"v3.99.0", false}, // numeric, not lexical: 99 < 250
		{"v2.999.999", false},
		{"", false},
		{"v3.250", false},
		{"v3.250.x", false},
		{"v3.+250.0", false},
		{"v03.250.0", false},
		{"warning: something", false},
	}
	for _, tc := range cases {
		v, err := Parse(tc.reported)
		if got := err == nil && Fits(v); got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; fits 3.250.0: %v, want %v", tc.reported, v, err, got, tc.want)
		}
	}
}

// goModRequire returns the version file's go.mod requires of module,
// without the leading "v".
func goModRequire(t *testing.T, file, module string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.ParseLax(file, data, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Require {
		if r.Mod.Path == module {
			return strings.TrimPrefix(r.Mod.Version, "v")
		}
	}
	t.Fatalf("%s requires no %s", file, module)
	return ""
}

// TestVersionMatchesPins: go.mod's requirement of the Pulumi SDK is the one
// source of the Pulumi version. Version and tools/pulumi/go.mod (which
// builds the CLI of that version) cannot read it and must equal it; the
// Makefile reads it. A CLI older than the SDK is refused by the Automation
// API, and a Makefile that built another version than Find looks for would
// build in vain.
func TestVersionMatchesPins(t *testing.T) {
	want := goModRequire(t, "../../go.mod", SDKModule)
	if Version != want {
		t.Errorf("pulumicli.Version is %s, go.mod requires %s %s; keep them equal", Version, SDKModule, want)
	}
	for _, module := range []string{SDKModule, "github.com/pulumi/pulumi/pkg/v3"} {
		if got := goModRequire(t, "../../tools/pulumi/go.mod", module); got != want {
			t.Errorf("tools/pulumi/go.mod requires %s %s, go.mod requires the SDK %s; keep them equal", module, got, want)
		}
	}

	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`(?m)^PULUMI_VERSION\s*:?=\s*[0-9]`).Match(mk) {
		t.Errorf("the Makefile writes PULUMI_VERSION out; it reads it from go.mod")
	}
	makeBin, err := exec.LookPath("make")
	if err != nil {
		t.Skipf("no make to ask for the Makefile's PULUMI_VERSION: %v", err)
	}
	// The Makefile as make reads it, plus a rule that prints the variables.
	cmd := exec.Command(makeBin, "--no-print-directory", "-s", "-f", "Makefile", "-f", "-", "plinth-print-pulumi")
	cmd.Dir = "../.."
	cmd.Stdin = strings.NewReader("plinth-print-pulumi:\n\t@echo $(PULUMI_VERSION) $(PULUMI_BIN)\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make: %v\n%s", err, out)
	}
	if got, wantOut := strings.TrimSpace(string(out)), want+" "+filepath.Join("bin", "pulumi-v"+want, "pulumi"); got != wantOut {
		t.Errorf("the Makefile's PULUMI_VERSION PULUMI_BIN = %q, want %q (BinPath's)", got, wantOut)
	}
}
