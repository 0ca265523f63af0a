//go:build windows

package deploy

import (
	"os"
	"os/exec"
)

// ownProcessGroup leaves cmd as it is: Windows has no process groups to
// separate here.
func ownProcessGroup(*exec.Cmd) {}

// interrupt cannot send an interrupt on Windows; the CLI is ended.
func interrupt(p *os.Process) error { return p.Kill() }

// kill ends the CLI.
func kill(p *os.Process) error { return p.Kill() }
