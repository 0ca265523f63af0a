//go:build windows

package cli

import (
	"context"
	"os"
	"os/exec"
)

// shellCommand runs command with the system's shell: cmd /C (%ComSpec%
// when set), as a health check on Windows is written.
func shellCommand(ctx context.Context, command string) *exec.Cmd {
	shell := os.Getenv("ComSpec")
	if shell == "" {
		shell = "cmd.exe"
	}
	return exec.CommandContext(ctx, shell, "/C", command)
}
