package stacks_test

import (
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/stacks"
)

// BenchmarkRenderAllStacks renders the six stacks, as `plinth plan` does
// in one process, and reports the time per registered resource.
func BenchmarkRenderAllStacks(b *testing.B) {
	envs := stacks.All()
	resources := 0
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

// BenchmarkBareMockProgram is the floor RenderAllStacks is measured
// against: a Pulumi program under the SDK's mocks that registers as many
// resources, in six stacks, each with a few string inputs and no
// validation, components, dependencies or snapshot.
func BenchmarkBareMockProgram(b *testing.B) {
	const stacksN, perStack = 6, 128 // 768 resources, about as many as the six stacks
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

// bareMocks answers every resource with its name as ID and its inputs as
// outputs.
type bareMocks struct{}

func (bareMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return args.Name, args.Inputs, nil
}

func (bareMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}
