package environment_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
)

// fuzzBound is how long Load and Validate may take on one input: far
// above what any file takes (milliseconds), far below what an unbounded
// expansion or a loop would.
const fuzzBound = 5 * time.Second

// FuzzLoad feeds the environment loader, and Validate after it, every YAML
// file of the repository (environment files, Pulumi.yaml files, the bad
// corpus, the YAML snippets of the docs), each class's profile on each
// cloud as Marshal writes it, and mutations of them. No input may panic or
// take longer than fuzzBound, and no error line may start without a path
// but with ": ". CI runs it for 20 seconds (make fuzz).
func FuzzLoad(f *testing.F) {
	var seeds [][]byte
	for _, file := range repositoryFiles(f) {
		seeds = append(seeds, file.data)
	}
	for _, class := range environment.Classes {
		for _, cloud := range []platform.Cloud{platform.CloudAzure, platform.CloudGCP} {
			data, err := environment.Marshal(environment.Profile(class, cloud))
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, data)
		}
	}
	if len(seeds) < 40 {
		f.Fatalf("%d seeds; the repository has more YAML than that", len(seeds))
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan error, 1)
		go func() {
			defer func() {
				if p := recover(); p != nil {
					done <- fmt.Errorf("panic: %v", p)
				}
			}()
			env, err := environment.Load(data)
			if err == nil {
				err = env.Validate()
			}
			if err != nil {
				for line := range strings.Lines(err.Error()) {
					if strings.HasPrefix(line, ":") {
						done <- fmt.Errorf("an error line with an empty path: %q", line)
						return
					}
				}
			}
			done <- nil
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%v\ninput:\n%s", err, data)
			}
		case <-time.After(fuzzBound):
			t.Fatalf("Load and Validate took more than %s; input:\n%s", fuzzBound, data)
		}
	})
}
