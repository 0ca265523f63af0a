package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

// snapshotAt reads the committed snapshot of stack at a git ref, from the
// repository that holds dir. It returns nil, nil when the ref has no such
// snapshot (a stack added since).
func snapshotAt(dir, ref, path string) (*snapshot.Snapshot, error) {
	cmd := exec.Command("git", "-C", dir, "show", ref+":"+path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		var exit *exec.ExitError
		switch {
		case !errors.As(err, &exit):
			return nil, fmt.Errorf("git: %w", err)
		case strings.Contains(msg, "does not exist in") || strings.Contains(msg, "exists on disk, but not in"):
			return nil, nil
		case strings.Contains(msg, "invalid object name") || strings.Contains(msg, "unknown revision"):
			return nil, usageError{fmt.Errorf("--base %q: no such git ref (%s)", ref, msg)}
		}
		return nil, fmt.Errorf("git show %s:%s: %s", ref, path, msg)
	}
	s, err := snapshot.Read(&stdout)
	if err != nil {
		return nil, fmt.Errorf("%s at %s: %w", path, ref, err)
	}
	return s, nil
}

// stacksAt lists the stacks whose snapshots are committed at ref under
// stacks/snapshots/.
func stacksAt(dir, ref string) ([]string, error) {
	cmd := exec.Command("git", "-C", dir, "ls-tree", "--name-only", ref, "--", "stacks/snapshots/")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("git ls-tree %s: %s", ref, strings.TrimSpace(stderr.String()))
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if name, ok := strings.CutSuffix(strings.TrimPrefix(line, "stacks/snapshots/"), ".json"); ok && name != "" {
			names = append(names, name)
		}
	}
	return names, nil
}
