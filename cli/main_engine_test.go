package cli

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestMainIsTheProgramUnderTheEngine runs Main in a child process as the
// Pulumi engine starts a program: no arguments, PULUMI_MONITOR set. Main
// runs the project's Pulumi program, which reports to the engine (none
// listens here, so it exits non-zero and prints nothing), rather than the
// command, which prints its help.
func TestMainIsTheProgramUnderTheEngine(t *testing.T) {
	if os.Getenv("PLINTH_TEST_MAIN") == "1" {
		os.Args = os.Args[:1]
		Main(shop(false))
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const help = "The stacks of project shop-platform: shop-dev, shop-prod."
	for _, tc := range []struct {
		name   string
		env    []string
		engine bool
	}{
		{"under the engine", []string{"PULUMI_MONITOR=127.0.0.1:1", "PULUMI_ENGINE=127.0.0.1:1", "PULUMI_PROJECT=shop-platform", "PULUMI_STACK=shop-dev"}, true},
		{"from a shell", nil, false},
	} {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestMainIsTheProgramUnderTheEngine$")
		cmd.Env = append(append(os.Environ(), "PLINTH_TEST_MAIN=1", "PULUMI_MONITOR="), tc.env...)
		out, err := cmd.CombinedOutput()
		if ctx.Err() != nil {
			t.Fatalf("%s: Main did not return: %s", tc.name, out)
		}
		printedHelp := strings.Contains(string(out), help)
		switch {
		case tc.engine && (err == nil || printedHelp):
			t.Errorf("%s: exit %v, output:\n%s\nwant the program run (a non-zero exit: no engine listens), not the help", tc.name, err, out)
		case !tc.engine && (err != nil || !printedHelp):
			t.Errorf("%s: exit %v, output:\n%s\nwant the help", tc.name, err, out)
		}
	}
}
