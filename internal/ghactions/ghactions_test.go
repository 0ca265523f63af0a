package ghactions

import (
	"strings"
	"testing"
)

func TestAnnotationEscapesWhatTheRunnerUnescapes(t *testing.T) {
	a := Annotation{Level: Error, Title: "PLN001 prod-aks: a, b", File: "envs/prod.yaml",
		Message: "100% wrong:\nline two\r"}
	want := "::error file=envs/prod.yaml,title=PLN001 prod-aks%3A a%2C b::100%25 wrong:%0Aline two%0D"
	if got := a.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := (Annotation{Level: Warning, Message: "m"}).String(); got != "::warning::m" {
		t.Errorf("without properties: %s", got)
	}
}

func TestGroups(t *testing.T) {
	var b strings.Builder
	if err := StartGroup(&b, "prod-aks: preview\n"); err != nil {
		t.Fatal(err)
	}
	if err := EndGroup(&b); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "::group::prod-aks: preview%0A\n::endgroup::\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRunning(t *testing.T) {
	t.Setenv("GITHUB_ACTIONS", "true")
	if !Running() {
		t.Error("GITHUB_ACTIONS=true is not seen")
	}
	t.Setenv("GITHUB_ACTIONS", "")
	if Running() {
		t.Error("an empty GITHUB_ACTIONS is seen as GitHub Actions")
	}
}
