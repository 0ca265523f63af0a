package stacks_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/stacks"
)

// The longest environment name a cloud's facts allow
// (CloudFacts.MaxEnvironmentName) is the real limit: every reference
// stack renamed to a name of exactly that length renders on its backend,
// every cloud name derived from it accepted, and one character more is
// refused by the environment's validation, before anything is registered,
// at the name.
func TestTheLongestEnvironmentNameIsTheCloudsLimit(t *testing.T) {
	for _, env := range stacks.All() {
		t.Run(env.Name, func(t *testing.T) {
			facts, err := platform.LookupCloud(env.Cloud)
			if err != nil {
				t.Fatal(err)
			}
			n := facts.MaxEnvironmentName
			if n <= 0 || n > platform.MaxNameLength {
				t.Fatalf("MaxEnvironmentName of %s = %d, want 1..%d", env.Cloud, n, platform.MaxNameLength)
			}
			// Short team names, so that the teams' package names
			// ("<name>-<team>", their own limit) stay valid.
			// The edge serves the renamed teams' names.
			renamed := map[string]string{}
			for i := range env.Teams {
				renamed[env.Teams[i].Team] = fmt.Sprintf("t%d", i)
				env.Teams[i].Team = renamed[env.Teams[i].Team]
			}
			if env.Edge != nil {
				e := *env.Edge
				e.Hostnames = slices.Clone(e.Hostnames)
				for i, h := range e.Hostnames {
					if r, ok := renamed[h]; ok {
						e.Hostnames[i] = r
					}
				}
				env.Edge = &e
			}
			longest := env
			longest.Name = env.Name[:1] + strings.Repeat("x", n-1)
			if _, err := stacks.Render(longest); err != nil {
				t.Errorf("a name of %d characters: %v", n, err)
			}
			over := env
			over.Name = longest.Name + "x"
			want := fmt.Sprintf(`name %q: longer than %d characters, the longest environment name on %s (%s); shorten the name`, over.Name, n, facts.Service, facts.EnvironmentNameLimit)
			if _, err := stacks.Render(over); err == nil || err.Error() != want {
				t.Errorf("a name of %d characters: %v\nwant %s", n+1, err, want)
			}
		})
	}
}
