package release

import (
	"strings"
	"testing"

	"github.com/blang/semver"
)

func v(s string) semver.Version { return semver.MustParse(s) }

func TestPrevious(t *testing.T) {
	tag := func(name, commit string) Tag {
		tg, ok := ParseTag(name, commit)
		if !ok {
			t.Fatalf("ParseTag(%q) refused", name)
		}
		return tg
	}
	if _, ok := ParseTag("release-1", "a"); ok {
		t.Errorf("ParseTag accepted a tag that is no version")
	}
	tags := []Tag{tag("v0.1.0", "aaa"), tag("v0.2.0", "bbb"), tag("v0.1.1", "ccc")}
	cases := []struct {
		name, next, head, want, err string
	}{
		{"next minor", "0.3.0", "head", "v0.2.0", ""},
		{"re-checked on the tagged commit", "0.2.0", "bbb", "v0.1.1", ""},
		{"already released elsewhere", "0.2.0", "head", "", "v0.2.0 is released already (tag v0.2.0 at bbb, HEAD is head): bump platform.Version and the CHANGELOG heading to the next version"},
		{"behind the last tag", "0.1.5", "head", "", "tag v0.2.0 is newer than the release being cut, 0.1.5: platform.Version must name a version after the last release"},
	}
	for _, tc := range cases {
		got, ok, err := Previous(tags, v(tc.next), tc.head)
		switch {
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.err)
		case tc.err == "" && (err != nil || !ok || got.Name != tc.want):
			t.Errorf("%s: Previous = %v, %v, %v; want %s", tc.name, got, ok, err, tc.want)
		}
	}
	// A release is compared with the release before it, not with its own
	// candidates; a candidate is compared with the candidate before it.
	withRC := append(tags, tag("v0.3.0-rc.1", "ddd"))
	for next, want := range map[string]string{"0.3.0": "v0.2.0", "0.3.0-rc.2": "v0.3.0-rc.1"} {
		if got, ok, err := Previous(withRC, v(next), "head"); err != nil || !ok || got.Name != want {
			t.Errorf("after v0.3.0-rc.1, %s: Previous = %v, %v, %v; want %s", next, got.Name, ok, err, want)
		}
	}
	if _, ok, err := Previous(nil, v("0.1.0"), "head"); ok || err != nil {
		t.Errorf("no tags: ok %v, err %v; want the first release", ok, err)
	}
	if _, ok, err := Previous([]Tag{tag("v0.1.0", "head")}, v("0.1.0"), "head"); ok || err != nil {
		t.Errorf("the first release re-checked after tagging: ok %v, err %v", ok, err)
	}
}

func TestParseReport(t *testing.T) {
	r, err := ParseReport("Incompatible changes:\n- Foo: removed\n- Bar: changed from int to string\nCompatible changes:\n- Baz: added\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Incompatible) != 2 || r.Incompatible[0] != "Foo: removed" || len(r.Compatible) != 1 || r.Compatible[0] != "Baz: added" {
		t.Errorf("ParseReport = %+v", r)
	}
	if r, err := ParseReport(""); err != nil || len(r.Incompatible)+len(r.Compatible) != 0 {
		t.Errorf("an empty report: %+v, %v", r, err)
	}
	r, _ = ParseReport("Incompatible changes:\n- ./platform.Version: value changed from \"0.1.0\" to \"0.1.1\"\n- ./platform.VersionLabel: removed\n")
	if got := r.WithoutVersionChange(); len(got.Incompatible) != 1 || got.Incompatible[0] != "./platform.VersionLabel: removed" {
		t.Errorf("WithoutVersionChange = %+v, want only the removal", got)
	}
	if _, err := ParseReport("panic: something\n"); err == nil {
		t.Errorf("ParseReport accepted output that is no report")
	}
}

func TestCheckAPI(t *testing.T) {
	breaking := Report{Incompatible: []string{"package github.com/plinth-dev/plinth/platform/aks: DefaultRunbookBaseURL: removed"}}
	adding := Report{Compatible: []string{"package github.com/plinth-dev/plinth/platform: Foo: added"}}
	const module = "github.com/plinth-dev/plinth"
	cases := []struct {
		name, prev, next string
		module           string
		r                Report
		want             string
	}{
		{"patch without API change", "0.1.0", "0.1.1", module, Report{}, ""},
		{"v0 minor may break", "0.1.0", "0.2.0", module, breaking, ""},
		{"v0 patch may not break", "0.1.0", "0.1.1", module, breaking,
			"v0.1.1 is a patch release after v0.1.0, but its API has incompatible changes, which while the major version is 0 need a new minor version:\n" +
				"  incompatible: package github.com/plinth-dev/plinth/platform/aks: DefaultRunbookBaseURL: removed\n" +
				"release v0.2.0 instead (platform.Version and the CHANGELOG heading), or restore the API"},
		{"patch may not add", "0.1.0", "0.1.1", module, adding,
			"v0.1.1 is a patch release after v0.1.0, but its API has additions, which need a new minor version:\n" +
				"  compatible:   package github.com/plinth-dev/plinth/platform: Foo: added\n" +
				"release v0.2.0 instead (platform.Version and the CHANGELOG heading), or restore the API"},
		{"v1 minor may add", "1.2.0", "1.3.0", module, adding, ""},
		{"v1 minor may not break", "1.2.0", "1.3.0", module, breaking,
			"v1.3.0 is a minor release after v1.2.0, but its API has incompatible changes, which need a new major version:\n" +
				"  incompatible: package github.com/plinth-dev/plinth/platform/aks: DefaultRunbookBaseURL: removed\n" +
				"release v2.0.0 instead (platform.Version and the CHANGELOG heading), or restore the API"},
		{"v1 to v2 needs the path", "1.2.0", "2.0.0", module, breaking, "v2.0.0 needs the module path to end in /v2 (it is github.com/plinth-dev/plinth): Go imports a major version from 2 on under its own path"},
		{"v1 to v2 with the path", "1.2.0", "2.0.0", module + "/v2", breaking, ""},
		{"v0 to v1 may break", "0.9.0", "1.0.0", module, breaking, ""},
		{"not after", "0.2.0", "0.2.0", module, Report{}, "v0.2.0 is not after the last release v0.2.0"},
	}
	for _, tc := range cases {
		err := CheckAPI(v(tc.prev), v(tc.next), tc.module, tc.r)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
	}
	if k := Bump(v("0.1.0"), v("0.1.1")); k != Patch || k.String() != "patch" || !strings.Contains(Major.String(), "major") {
		t.Errorf("Bump(0.1.0, 0.1.1) = %v", k)
	}
}
