package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/plinth-dev/plinth/environment"
)

// plinth schema prints the environment's JSON Schema, or writes it to
// --output; an argument is a usage error.
func TestSchema(t *testing.T) {
	code, stdout, stderr := cli(t, "schema")
	if code != 0 || stderr != "" {
		t.Fatalf("plinth schema: exit %d, stderr %q", code, stderr)
	}
	if !json.Valid([]byte(stdout)) || !bytes.Equal([]byte(stdout), environment.JSONSchema()) {
		t.Errorf("plinth schema printed something else than environment.JSONSchema():\n%.300s", stdout)
	}
	file := filepath.Join(t.TempDir(), "environment.schema.json")
	if code, stdout, stderr := cli(t, "schema", "--output", file); code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("plinth schema --output: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if data, err := os.ReadFile(file); err != nil || !bytes.Equal(data, environment.JSONSchema()) {
		t.Errorf("--output wrote %.300s (%v), want environment.JSONSchema()", data, err)
	}
	if code, _, stderr := cli(t, "schema", "environment.schema.json"); code != exitUsage || stderr != "plinth: schema takes no arguments, got [\"environment.schema.json\"]; write it to a file with --output FILE\n" {
		t.Errorf("plinth schema FILE: exit %d, stderr %q; want 2 and the fix", code, stderr)
	}
	if code, _, stderr := cli(t, "schema", "--output", filepath.Join(t.TempDir(), "no", "such", "dir.json")); code != exitFailed || stderr == "" {
		t.Errorf("plinth schema --output into a missing directory: exit %d, stderr %q; want 1 and the error", code, stderr)
	}
}
