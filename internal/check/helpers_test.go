package check

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/internal/typeregistry"
)

// stacks are the committed snapshots the rules must pass.
var stacks = []string{"dev-aks", "staging-aks", "prod-aks", "dev-gke", "staging-gke", "prod-gke"}

var (
	snapshotFilesMu sync.Mutex
	snapshotFiles   = map[string][]byte{}
)

// load returns a fresh copy of a committed snapshot, which a test may
// change freely: each call decodes the file again.
func load(t *testing.T, stack string) *snapshot.Snapshot {
	t.Helper()
	snapshotFilesMu.Lock()
	data, ok := snapshotFiles[stack]
	if !ok {
		var err error
		data, err = os.ReadFile(filepath.Join("..", "..", "stacks", "snapshots", stack+".json"))
		if err != nil {
			snapshotFilesMu.Unlock()
			t.Fatal(err)
		}
		snapshotFiles[stack] = data
	}
	snapshotFilesMu.Unlock()
	s, err := snapshot.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// standInTags is the backends' TagsProperty as their registries say it
// (internal/typeregistry, which imports no cloud SDK, unlike
// aks.TagsProperty and gke.TagsProperty): the input each type carries its
// tags in, "" for a type without tags, unknown for a type no registry
// lists. The snapshot is not read; the parameter keeps the tests' calls.
func standInTags(*snapshot.Snapshot) func(string) (string, bool) {
	return func(typ string) (string, bool) {
		t, ok := typeregistry.All.LookupAnyVersion(typ)
		return t.Tags, ok
	}
}

// target is the Target of a committed snapshot as the CLI builds it: class
// and cloud inferred, tags table from the snapshot itself.
func target(t *testing.T, stack string) Target {
	t.Helper()
	s := load(t, stack)
	class, cloud := Infer(s)
	return Target{Snapshot: s, Class: class, Cloud: cloud, TagsProperty: standInTags(s)}
}

// find returns the resource of the given name; the test fails without it.
func find(t *testing.T, s *snapshot.Snapshot, name string) *snapshot.Resource {
	t.Helper()
	for i := range s.Resources {
		if s.Resources[i].Name == name {
			return &s.Resources[i]
		}
	}
	t.Fatalf("%s: no resource %q", s.Stack, name)
	return nil
}

// remove deletes the resource of the given name from s.
func remove(t *testing.T, s *snapshot.Snapshot, name string) {
	t.Helper()
	r := find(t, s, name)
	for i := range s.Resources {
		if &s.Resources[i] == r {
			s.Resources = append(s.Resources[:i], s.Resources[i+1:]...)
			return
		}
	}
}

// set puts value at the dotted path below r's inputs; numeric parts index
// lists, and a nil value deletes the key. Intermediate objects are created.
func set(t *testing.T, r *snapshot.Resource, path string, value any) {
	t.Helper()
	parts := splitPath(path)
	var cur any = r.Inputs
	for i, part := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if value == nil {
					delete(c, part)
				} else {
					c[part] = value
				}
				return
			}
			if _, ok := c[part]; !ok {
				c[part] = map[string]any{}
			}
			cur = c[part]
		case []any:
			n, err := strconv.Atoi(part)
			if err != nil || n >= len(c) {
				t.Fatalf("%s: %s: no element %q", label(r), path, part)
			}
			if last {
				c[n] = value
				return
			}
			cur = c[n]
		default:
			t.Fatalf("%s: %s: %q is not an object or a list", label(r), path, part)
		}
	}
}

// splitPath splits a dotted path; a part in brackets may hold dots, for
// annotation keys: "values.podLabels.[azure.workload.identity/use]".
func splitPath(path string) []string {
	var parts []string
	for path != "" {
		if strings.HasPrefix(path, "[") {
			end := strings.Index(path, "]")
			parts = append(parts, path[1:end])
			path = strings.TrimPrefix(path[end+1:], ".")
			continue
		}
		part, rest, _ := strings.Cut(path, ".")
		parts = append(parts, part)
		path = rest
	}
	return parts
}

// lines renders findings as "RULE severity resource: message" with the
// resource named by the last part of the URN, so that a test compares
// where and what in one string.
func lines(findings []Finding) []string {
	out := make([]string, len(findings))
	for i, f := range findings {
		name := "-"
		if f.URN != "" {
			name = f.URN[strings.LastIndex(f.URN, "::")+2:]
		}
		out[i] = fmt.Sprintf("%s %s %s | %s", f.Rule, f.Severity, name, f.Message)
	}
	return out
}
