package main

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/cli"
	"github.com/plinth-dev/plinth/platform"
)

// The review workflow of this project (.github/workflows/review.yml, which
// Plinth's team-platform template ships too), Plinth's review action it
// uses, and Plinth's GitLab review job.
const (
	workflowFile = ".github/workflows/review.yml"
	actionFile   = "../../.github/actions/plinth-review/action.yml"
	gitlabFile   = "../../ci/gitlab/plinth-review.gitlab-ci.yml"
	actionPath   = "plinth-dev/plinth/.github/actions/plinth-review"
)

// pinned is a third-party action pinned by its full commit SHA; its line
// comment must name the version.
var (
	pinned      = regexp.MustCompile(`^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$`)
	versionNote = regexp.MustCompile(`^# v\d+\.\d+\.\d+$`)
)

// node reads a YAML file as a node tree, which keeps line comments.
func node(t *testing.T, path string) *yaml.Node {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc.Content[0]
}

// get returns the value of key in the mapping m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// keys returns the keys of the mapping m.
func keys(m *yaml.Node) []string {
	var out []string
	if m != nil && m.Kind == yaml.MappingNode {
		for i := 0; i < len(m.Content); i += 2 {
			out = append(out, m.Content[i].Value)
		}
	}
	return out
}

// checkUses checks a step's uses: Plinth's review action at this release,
// or another action pinned by commit with its version in a comment. It
// reports whether the step is Plinth's action.
func checkUses(t *testing.T, file string, uses *yaml.Node) bool {
	t.Helper()
	if ref, ok := strings.CutPrefix(uses.Value, actionPath+"@"); ok {
		if ref != "v"+platform.Version {
			t.Errorf("%s:%d: %s at %s; use the Plinth release the project requires, v%s", file, uses.Line, actionPath, ref, platform.Version)
		}
		return true
	}
	if !pinned.MatchString(uses.Value) || !versionNote.MatchString(uses.LineComment) {
		t.Errorf("%s:%d: uses %s %s: pin actions by full commit SHA, with the version as a comment (# vX.Y.Z)", file, uses.Line, uses.Value, uses.LineComment)
	}
	return false
}

// The workflow runs on pull requests, may comment on them, and runs
// Plinth's review action at this release with inputs the action declares;
// every other action it uses is pinned by commit.
func TestReviewWorkflowUsesThePlinthReviewAction(t *testing.T) {
	wf := node(t, workflowFile)
	if get(get(wf, "on"), "pull_request") == nil {
		t.Errorf("%s does not run on pull_request", workflowFile)
	}
	if got := get(get(wf, "permissions"), "pull-requests"); got == nil || got.Value != "write" {
		t.Errorf("%s: permissions.pull-requests is not write: the action cannot comment", workflowFile)
	}
	inputs := keys(get(node(t, actionFile), "inputs"))
	reviews := 0
	jobs := get(wf, "jobs")
	for _, job := range keys(jobs) {
		for _, step := range get(get(jobs, job), "steps").Content {
			uses := get(step, "uses")
			if uses == nil || !checkUses(t, workflowFile, uses) {
				continue
			}
			reviews++
			for _, in := range keys(get(step, "with")) {
				if !slices.Contains(inputs, in) {
					t.Errorf("%s: input %s is not one of the action's: %v", workflowFile, in, inputs)
				}
			}
		}
	}
	if reviews != 1 {
		t.Errorf("%s uses %s %d times, want once", workflowFile, actionPath, reviews)
	}
}

// The action is a composite action with the inputs the docs name, and the
// actions it uses itself are pinned by commit.
func TestReviewActionIsPinned(t *testing.T) {
	action := node(t, actionFile)
	runs := get(action, "runs")
	if got := get(runs, "using"); got == nil || got.Value != "composite" {
		t.Fatalf("%s is not a composite action", actionFile)
	}
	for _, in := range []string{"working-directory", "package", "plinth", "base", "stacks", "go-version-file", "github-token"} {
		if get(get(action, "inputs"), in) == nil {
			t.Errorf("%s has no input %s", actionFile, in)
		}
	}
	// go run turns plinth's exit codes 3 and 4 into 1, which the scripts
	// would take for a failure of plinth: by default the action builds the
	// package and runs the binary.
	if d := get(get(get(action, "inputs"), "plinth"), "default"); d == nil || d.Value != "" {
		t.Errorf("%s: the plinth input defaults to %v; want empty, the binary the action builds", actionFile, d)
	}
	built := false
	for _, step := range get(runs, "steps").Content {
		if run := get(step, "run"); run != nil && strings.Contains(run.Value, `go build -o "$BIN" "$PACKAGE"`) {
			built = true
		}
	}
	if !built {
		t.Errorf("%s builds no plinth binary", actionFile)
	}
	for _, step := range get(runs, "steps").Content {
		if uses := get(step, "uses"); uses != nil {
			checkUses(t, actionFile, uses)
		}
	}
}

// invocation is one plinth command a CI script runs (its line): its
// subcommand, and the flags it passes with their values ("" for a switch,
// or for a value the script computes, like "$BASE").
type invocation struct {
	line  string
	sub   string
	flags map[string]string
}

// invocations finds the plinth commands in a script: the lines that run
// the command `plinth` or `$PLINTH` holds.
func invocations(script string) []invocation {
	call := regexp.MustCompile(`(?:"\$\{plinth\[@\]\}"|\$PLINTH)\s+([a-z]+)\b(.*)`)
	var out []invocation
	for _, line := range strings.Split(script, "\n") {
		m := call.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		inv := invocation{line: strings.TrimSpace(line), sub: m[1], flags: map[string]string{}}
		words := strings.Fields(m[2])
		for i := 0; i < len(words); i++ {
			w := words[i]
			if strings.HasPrefix(w, ">") || strings.HasPrefix(w, "|") {
				break
			}
			name, ok := strings.CutPrefix(w, "--")
			if !ok {
				continue
			}
			inv.flags[name] = ""
			if i+1 < len(words) && !strings.HasPrefix(words[i+1], "-") && !strings.ContainsAny(words[i+1], `$>|`) {
				inv.flags[name] = words[i+1]
				i++
			}
		}
		out = append(out, inv)
	}
	return out
}

// flagTypes returns the flags of a plinth subcommand, from its help: each
// flag's value type, "" for a switch.
func flagTypes(t *testing.T, sub string) map[string]string {
	t.Helper()
	var out, errs bytes.Buffer
	if code := cli.Run(Project, []string{sub, "--help"}, nil, &out, &errs); code != 0 {
		t.Fatalf("plinth %s --help exited %d: %s", sub, code, errs.String())
	}
	flags := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([a-z-]+)(?: (\w+))?\s`).FindAllStringSubmatch(out.String(), -1) {
		flags[m[1]] = m[2]
	}
	return flags
}

// checkInvocations runs each plinth command the script of file runs on
// this project, as the script would: every flag exists, and the command
// succeeds with the values the script gives. diff's --base, which needs the
// pull request's git history, is replaced by --from and --to, the same
// stack's snapshot on both sides.
func checkInvocations(t *testing.T, file, script string, want ...string) {
	t.Helper()
	dir := t.TempDir()
	var out, errs bytes.Buffer
	if code := cli.Run(Project, []string{"plan", "shop-staging", "--write", "--dir", dir}, nil, &out, &errs); code != 0 {
		t.Fatalf("plinth plan --write exited %d: %s", code, errs.String())
	}
	snapshot := filepath.Join(dir, Project.SnapshotPath("shop-staging"))
	var subs []string
	for _, inv := range invocations(script) {
		subs = append(subs, inv.sub)
		types := flagTypes(t, inv.sub)
		args := []string{inv.sub}
		for _, name := range slices.Sorted(maps.Keys(inv.flags)) {
			typ, ok := types[name]
			value := inv.flags[name]
			switch {
			case !ok:
				t.Errorf("%s: %q: plinth %s has no flag --%s", file, inv.line, inv.sub, name)
			case typ == "":
				args = append(args, "--"+name)
			case value != "":
				args = append(args, "--"+name, value)
			case inv.sub == "diff" && name == "base":
				args = append(args, "--from", snapshot, "--to", snapshot)
			default:
				t.Errorf("%s: %q: --%s's value is computed by the script; teach this test a value for it", file, inv.line, name)
			}
		}
		out.Reset()
		errs.Reset()
		if code := cli.Run(Project, args, nil, &out, &errs); code != 0 {
			t.Errorf("%s: %q: plinth %s exited %d:\n%s%s", file, inv.line, strings.Join(args, " "), code, out.String(), errs.String())
		}
		if inv.flags["format"] == "markdown" && !strings.Contains(out.String(), "## Plinth diff") {
			t.Errorf("%s: plinth %s printed no Markdown report:\n%s", file, strings.Join(args, " "), out.String())
		}
	}
	if !slices.Equal(subs, want) {
		t.Errorf("%s runs plinth %v, want %v", file, subs, want)
	}
}

// The action runs plinth diff as a Markdown report and plinth check with
// GitHub annotations, with flags this project's plinth has.
func TestReviewActionRunsPlinthCommandsThatExist(t *testing.T) {
	var scripts []string
	for _, step := range get(get(node(t, actionFile), "runs"), "steps").Content {
		if run := get(step, "run"); run != nil {
			scripts = append(scripts, run.Value)
		}
	}
	checkInvocations(t, actionFile, strings.Join(scripts, "\n"), "diff", "check")
}

// The GitLab job runs on merge requests, keeps the report as an artifact,
// and runs the same commands.
func TestGitLabReviewJobRunsPlinthCommandsThatExist(t *testing.T) {
	job := get(node(t, gitlabFile), "plinth-review")
	if job == nil {
		t.Fatalf("%s has no job plinth-review", gitlabFile)
	}
	onMergeRequests := false
	for _, rule := range get(job, "rules").Content {
		if r := get(rule, "if"); r != nil && strings.Contains(r.Value, `$CI_PIPELINE_SOURCE == "merge_request_event"`) {
			onMergeRequests = true
		}
	}
	if !onMergeRequests {
		t.Errorf("%s: plinth-review does not run on merge_request_event", gitlabFile)
	}
	paths := get(get(job, "artifacts"), "paths")
	if paths == nil || !slices.ContainsFunc(paths.Content, func(n *yaml.Node) bool { return n.Value == "plinth-diff.md" }) {
		t.Errorf("%s: the report plinth-diff.md is not an artifact", gitlabFile)
	}
	var scripts []string
	for _, line := range get(job, "script").Content {
		scripts = append(scripts, line.Value)
	}
	checkInvocations(t, gitlabFile, strings.Join(scripts, "\n"), "diff", "check")
	if v := get(get(job, "variables"), "PLINTH"); v == nil || v.Value != "" ||
		!strings.Contains(strings.Join(scripts, "\n"), `go build -o "$CI_PROJECT_DIR/.plinth-review/plinth" "$PLINTH_PACKAGE"`) {
		t.Errorf("%s: by default the job must build plinth and run the binary (go run turns exit codes 3 and 4 into 1)", gitlabFile)
	}
}
