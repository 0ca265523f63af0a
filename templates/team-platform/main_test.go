package main

import (
	"bytes"
	"testing"

	"github.com/plinth-dev/plinth/cli"
	"github.com/plinth-dev/plinth/project"
)

// Every environment renders offline, as plan and diff render it.
func TestEveryStackRenders(t *testing.T) {
	envs, err := Project.Environments()
	if err != nil {
		t.Fatal(err)
	}
	for _, stack := range project.Names(envs) {
		if _, err := Project.Render(stack); err != nil {
			t.Errorf("%s: %v", stack, err)
		}
	}
}

// `go run . check` passes: the readiness rules of each environment's class
// hold. This is the gate of the review workflow.
func TestReadinessRulesHold(t *testing.T) {
	var out, errs bytes.Buffer
	if code := cli.Run(Project, []string{"check"}, nil, &out, &errs); code != 0 {
		t.Errorf("plinth check exited %d:\n%s%s", code, out.String(), errs.String())
	}
}
