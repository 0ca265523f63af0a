package powerschedule_test

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/powerschedule"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

// A PowerSchedule needs only the cluster: it then runs the cluster Monday
// to Friday from 07:00 to 19:00 UTC and keeps it stopped otherwise. Like
// every component it is made in two steps: Resolve checks the settings
// against the target and the resolved cluster, then New creates what was
// resolved through the backend, for the cluster cluster.New returned.
func ExampleNew() {
	_, err := platformtest.Render("dev", func(ctx *pulumi.Context) error {
		// In a real program: aks.New(ctx, "dev", aks.Config{...}) or
		// gke.New(ctx, "dev", gke.Config{...}).
		b, err := fake.New(ctx, "fake")
		if err != nil {
			return err
		}
		target, err := platform.TargetOf(b, false)
		if err != nil {
			return err
		}
		nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("dev", field.NewPath("network"), target)
		if err != nil {
			return err
		}
		cr, err := cluster.Args{}.Resolve("dev", field.NewPath("cluster"), target, nr.Spec())
		if err != nil {
			return err
		}
		pr, err := powerschedule.Args{}.Resolve("dev", field.NewPath("powerSchedule"), target, cr.Spec())
		if err != nil {
			return err
		}

		net, err := network.New(ctx, nr, b)
		if err != nil {
			return err
		}
		c, err := cluster.New(ctx, cr, b, net)
		if err != nil {
			return err
		}
		p, err := powerschedule.New(ctx, pr, b, c)
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

// A production target never gets a schedule. Resolve needs no backend and
// no Pulumi program: it reports every problem at once, field path first,
// before anything is created; the error is a *field.ErrorList for programs
// that want the problems one by one.
func ExampleArgs_Resolve() {
	target := platform.Target{Cloud: fake.Facts, Production: true}
	nr, err := network.Args{AddressSpace: "10.20.0.0/16"}.Resolve("prod", field.NewPath("network"), target)
	if err != nil {
		fmt.Println(err)
		return
	}
	cr, err := cluster.Args{}.Resolve("prod", field.NewPath("cluster"), target, nr.Spec())
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = powerschedule.Args{TimeZone: "CET+1"}.Resolve("prod", field.NewPath("powerSchedule"), target, cr.Spec())
	var list *field.ErrorList
	if errors.As(err, &list) {
		for _, e := range list.Errors {
			fmt.Println(e)
		}
	}
	// Output:
	// powerSchedule: a production cluster is never stopped on a schedule; remove the schedule from this environment
	// powerSchedule.timeZone "CET+1": not an IANA time zone; use a name such as "Europe/Berlin" or "UTC"
}
