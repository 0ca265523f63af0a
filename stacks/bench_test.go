package stacks_test

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/cli"
	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/stacks"
)

// BenchmarkRenderAllStacks renders the six stacks, as `plinth plan` does
// in one process, and reports the time per registered resource.
func BenchmarkRenderAllStacks(b *testing.B) {
	envs := stacks.All()
	resources := 0
	defer reportCPU(b)()
	for b.Loop() {
		resources = 0
		for _, env := range envs {
			snap, err := stacks.Render(env)
			if err != nil {
				b.Fatal(err)
			}
			resources += len(snap.Resources)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*resources), "ns/resource")
	b.ReportMetric(float64(resources), "resources")
}

// BenchmarkPlanCommand is `plinth plan` of the six stacks, as the command
// runs: the project loaded and validated, each stack rendered and its tree
// printed. Its cpu-ns/op over BenchmarkReplaySnapshots' is the plan-cost
// ratio docs/architecture.md quotes.
func BenchmarkPlanCommand(b *testing.B) {
	defer reportCPU(b)()
	for b.Loop() {
		if code := cli.Run(stacks.Project(), []string{"plan"}, nil, io.Discard, io.Discard); code != 0 {
			b.Fatalf("plinth plan exited %d", code)
		}
	}
}

// BenchmarkBareMockProgram is a Pulumi program under the SDK's mocks that registers as many
// resources, in six stacks, each with a few string inputs and no
// validation, components, dependencies or snapshot.
func BenchmarkBareMockProgram(b *testing.B) {
	const stacksN, perStack = 6, 128 // 768 resources
	defer reportCPU(b)()
	for b.Loop() {
		for s := range stacksN {
			err := pulumi.RunErr(func(ctx *pulumi.Context) error {
				for i := range perStack {
					var r struct{ pulumi.CustomResourceState }
					name := fmt.Sprintf("r%d", i)
					if err := ctx.RegisterResource("bench:index:Thing", name, pulumi.Map{
						"name": pulumi.String(name), "location": pulumi.String("westeurope"),
						"tags": pulumi.StringMap{"environment": pulumi.String("bench")},
					}, &r); err != nil {
						return err
					}
				}
				return nil
			}, pulumi.WithMocks("bench", fmt.Sprintf("s%d", s), bareMocks{}))
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*stacksN*perStack), "ns/resource")
	b.ReportMetric(stacksN*perStack, "resources")
}

// BenchmarkReplaySnapshots is the SDK's own cost for the same graph: a
// bare program that registers every resource of the six snapshots, with
// the same types, names, parents and (plain) inputs, under bare mocks. The
// difference to RenderAllStacks is what Plinth adds: validation, outputs
// flowing between resources (applies), mock answers shaped like the
// clouds, and the snapshot.
func BenchmarkReplaySnapshots(b *testing.B) {
	var snaps []*snapshot.Snapshot
	resources := 0
	for _, env := range stacks.All() {
		snap, err := stacks.Render(env)
		if err != nil {
			b.Fatal(err)
		}
		snaps = append(snaps, snap)
		resources += len(snap.Resources)
	}
	b.ResetTimer()
	defer reportCPU(b)()
	for b.Loop() {
		for _, snap := range snaps {
			if err := pulumi.RunErr(replay(snap), pulumi.WithMocks("plinth", snap.Stack, bareMocks{})); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*resources), "ns/resource")
	b.ReportMetric(float64(resources), "resources")
}

// replay registers snap's resources, parents before children.
func replay(snap *snapshot.Snapshot) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		registered := map[string]pulumi.Resource{}
		var register func(r snapshot.Resource) error
		byURN := map[string]snapshot.Resource{}
		for _, r := range snap.Resources {
			byURN[r.URN] = r
		}
		register = func(r snapshot.Resource) error {
			if _, done := registered[r.URN]; done {
				return nil
			}
			var opts []pulumi.ResourceOption
			if r.Parent != "" {
				if err := register(byURN[r.Parent]); err != nil {
					return err
				}
				opts = append(opts, pulumi.Parent(registered[r.Parent]))
			}
			if !r.Custom {
				var c struct{ pulumi.ResourceState }
				registered[r.URN] = &c
				return ctx.RegisterComponentResource(r.Type, r.Name, &c, opts...)
			}
			var c struct{ pulumi.CustomResourceState }
			registered[r.URN] = &c
			if strings.HasPrefix(r.Type, "pulumi:providers:") {
				return ctx.RegisterResource(r.Type, r.Name, pulumi.Map{}, &c, opts...)
			}
			return ctx.RegisterResource(r.Type, r.Name, input(r.Inputs).(pulumi.Map), &c, opts...)
		}
		for _, r := range snap.Resources {
			if err := register(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// input turns a snapshot's plain value back into a Pulumi input.
func input(v any) pulumi.Input {
	switch v := v.(type) {
	case map[string]any:
		m := pulumi.Map{}
		for k, e := range v {
			m[k] = input(e)
		}
		return m
	case []any:
		a := make(pulumi.Array, len(v))
		for i, e := range v {
			a[i] = input(e)
		}
		return a
	case string:
		return pulumi.String(v)
	case bool:
		return pulumi.Bool(v)
	case float64:
		return pulumi.Float64(v)
	case int:
		return pulumi.Int(v)
	}
	return pulumi.String(fmt.Sprint(v))
}

// bareMocks answers every resource with its name as ID and its inputs as
// outputs.
type bareMocks struct{}

func (bareMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return args.Name, args.Inputs, nil
}

func (bareMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}
