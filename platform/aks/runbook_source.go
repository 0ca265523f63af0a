package aks

import (
	"fmt"
	"runtime/debug"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/plinth-dev/plinth/platform"
)

// RunbookRepository is where Plinth's published sources are served raw:
// followed by "/<tag or commit>", it is a base URL for Config.RunbookBaseURL.
const RunbookRepository = "https://raw.githubusercontent.com/plinth-dev/plinth"

// plinthModule is the module whose build information names the source of
// the runbook.
const plinthModule = "github.com/plinth-dev/plinth"

// readBuildInfo is debug.ReadBuildInfo; tests replace it.
var readBuildInfo = debug.ReadBuildInfo

// offlineRunbookBaseURL is the stand-in base URL of offline renders: where
// a program built from the release platform.Version downloads the runbook.
// Renders must not depend on how the program was built, so they do not
// read the build information.
var offlineRunbookBaseURL = RunbookRepository + "/v" + platform.Version

// runbookBaseFromBuild returns the base URL at which the Plinth source the
// program was built from is published: RunbookRepository at the module's
// release tag, or at the commit of its pseudo-version. When the build names
// no published source (a replace by a directory or a fork, a working tree,
// no build information), it returns an error saying which.
func runbookBaseFromBuild(info *debug.BuildInfo, ok bool) (string, error) {
	if !ok || info == nil {
		return "", fmt.Errorf("the program carries no build information")
	}
	var m *debug.Module
	if info.Main.Path == plinthModule {
		m = &info.Main
	}
	for _, d := range info.Deps {
		if d.Path == plinthModule {
			m = d
		}
	}
	if m == nil {
		return "", fmt.Errorf("the program's build information does not name %s", plinthModule)
	}
	version := m.Version
	if r := m.Replace; r != nil {
		switch {
		case r.Version == "":
			return "", fmt.Errorf("%s is replaced by the directory %s, which names no published commit", plinthModule, r.Path)
		case r.Path != plinthModule:
			return "", fmt.Errorf("%s is replaced by %s %s, which %s does not serve", plinthModule, r.Path, r.Version, RunbookRepository)
		}
		version = r.Version
	}
	switch {
	case version == "" || version == "(devel)":
		return "", fmt.Errorf("%s was built from a working tree without a version (%q)", plinthModule, version)
	case strings.Contains(version, "+dirty"):
		return "", fmt.Errorf("%s was built from a working tree with uncommitted changes (%s)", plinthModule, version)
	case module.IsPseudoVersion(version):
		rev, err := module.PseudoVersionRev(version)
		if err != nil {
			return "", fmt.Errorf("%s %s: %w", plinthModule, version, err)
		}
		return RunbookRepository + "/" + rev, nil
	case semver.IsValid(version) && semver.Build(version) == "":
		return RunbookRepository + "/" + version, nil
	}
	return "", fmt.Errorf("%s %s is neither a release tag nor a pseudo-version", plinthModule, version)
}

// runbookBaseURL returns cfg.RunbookBaseURL, or when it is unset the base
// URL of the build's Plinth source, or an error naming the setting that
// fixes it.
func runbookBaseURL(cfg Config) (string, error) {
	if cfg.RunbookBaseURL != "" {
		return cfg.RunbookBaseURL, nil
	}
	base, err := runbookBaseFromBuild(readBuildInfo())
	if err != nil {
		return "", fmt.Errorf("aks.runbookBaseURL: not set, and Automation has nowhere to download the power schedule's runbook from: %w; "+
			"set the stack's plinth:%s (aks.Config.RunbookBaseURL) to an https URL under which this build's %s is served, e.g. %s/<commit>, "+
			"or build the program from a published Plinth version (a release tag, or a commit's pseudo-version)",
			err, ConfigRunbookBaseURL, runbookPath, RunbookRepository)
	}
	return base, nil
}
