//go:build !windows

package deploy

import (
	"os"
	"os/exec"
	"syscall"
)

// ownProcessGroup starts cmd in a new process group: a terminal's Ctrl-C
// goes to the foreground group, plinth's, and not to the CLI as well.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// interrupt asks the CLI to cancel its operation: an interrupt, as Ctrl-C
// would send it.
func interrupt(p *os.Process) error { return p.Signal(os.Interrupt) }

// kill ends the CLI and the plugins it started, its whole process group.
func kill(p *os.Process) error { return syscall.Kill(-p.Pid, syscall.SIGKILL) }
