//go:build windows

package cli

import (
	"context"
	"os"
	"os/exec"
	"syscall"
)

// shellCommand runs command with the system's shell: cmd /S /C (%ComSpec%
// when set), as a health check on Windows is written. The command line is
// given whole: cmd.exe does not read the quoting Go gives arguments, so
// "/S /C" and the command in quotes are passed as written, and cmd.exe
// strips the outer quotes and runs the rest.
func shellCommand(ctx context.Context, command string) *exec.Cmd {
	shell := os.Getenv("ComSpec")
	if shell == "" {
		shell = "cmd.exe"
	}
	cmd := exec.CommandContext(ctx, shell)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: syscall.EscapeArg(shell) + ` /S /C "` + command + `"`}
	return cmd
}
