package powerschedule_test

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/powerschedule"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// newCluster creates the network and development cluster the examples
// schedule.
func newCluster(ctx *pulumi.Context, b *fake.Backend) (*cluster.Cluster, error) {
	net, err := network.New(ctx, "dev", &network.Args{Backend: b, AddressSpace: "10.20.0.0/16"})
	if err != nil {
		return nil, err
	}
	return cluster.New(ctx, "dev", &cluster.Args{Backend: b, Network: net})
}

// A PowerSchedule needs only a backend and the cluster: it then runs the
// cluster Monday to Friday from 07:00 to 19:00 UTC and keeps it stopped
// otherwise.
func ExampleNew() {
	_, err := platformtest.Render("dev", func(ctx *pulumi.Context) error {
		// In a real program: aks.New(ctx, "dev", aks.Config{...}) or
		// gke.New(ctx, "dev", gke.Config{...}).
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		c, err := newCluster(ctx, b)
		if err != nil {
			return err
		}
		p, err := powerschedule.New(ctx, "dev", &powerschedule.Args{Backend: b, Cluster: c})
		if err != nil {
			return err
		}
		fmt.Println(p.Spec.Days)
		fmt.Println("start", p.Spec.Start, "stop", p.Spec.Stop, p.Spec.TimeZone)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// [Monday Tuesday Wednesday Thursday Friday]
	// start 07:00 stop 19:00 UTC
}

// A production environment never gets a schedule. Every problem is reported
// at once, field path first, before anything is registered; the error is a
// *field.ErrorList for programs that want the problems one by one.
func ExampleNew_invalid() {
	var invalid error
	_, err := platformtest.Render("prod", func(ctx *pulumi.Context) error {
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		c, err := newCluster(ctx, b)
		if err != nil {
			return err
		}
		_, invalid = powerschedule.New(ctx, "prod", &powerschedule.Args{
			Backend:    b,
			Cluster:    c,
			Production: true,
			TimeZone:   "CET+1",
		})
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	var list *field.ErrorList
	if errors.As(invalid, &list) {
		for _, e := range list.Errors {
			fmt.Println(e)
		}
	}
	// Output:
	// powerSchedule.production true: a production cluster is never stopped on a schedule; remove the schedule from this environment
	// powerSchedule.timeZone "CET+1": not an IANA time zone; use a name such as "Europe/Berlin" or "UTC"
}
