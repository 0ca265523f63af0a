package fake_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/fake"
	"github.com/plinth-dev/plinth/platform/platformtest"
)

func TestObservabilityConformance(t *testing.T) {
	prefix := platformtest.ObservabilityName + "-"
	platformtest.ObservabilityConformance(t, func(ctx *pulumi.Context) (platformtest.ObservabilityTestBackend, error) {
		return fake.New(ctx, "fake")
	}, platformtest.ObservabilityExpectations{
		MetricsStoreType: fake.MetricsStoreType,
		ReceiverType:     fake.ReceiverType,
		Receiver: func(t testing.TB, r *platformtest.Resource) platformtest.ObservabilityReceiver {
			webhooks, _ := r.Input("webhooks")
			return platformtest.ObservabilityReceiver{
				Name:     strings.TrimPrefix(platformtest.Input(t, r, "name").(string), prefix),
				Emails:   stringList(t, platformtest.Input(t, r, "emails")),
				Webhooks: webhooks,
			}
		},
		Alerts: func(t testing.TB, r *platformtest.Resource) []platformtest.ObservabilityAlert {
			if r.Type != fake.AlertType {
				return nil
			}
			a := platformtest.ObservabilityAlert{
				Name:     strings.TrimPrefix(platformtest.Input(t, r, "name").(string), prefix),
				Severity: platform.Severity(platformtest.Input(t, r, "severity").(string)),
				Summary:  platformtest.Input(t, r, "summary").(string),
				Runbook:  platformtest.Input(t, r, "runbook").(string),
				Targets:  stringList(t, platformtest.Input(t, r, "receivers")),
			}
			if e, ok := r.Input("event"); ok {
				a.Event = platform.CloudEvent(e.(string))
				return []platformtest.ObservabilityAlert{a}
			}
			a.Expr = platformtest.Input(t, r, "expr").(string)
			d, err := time.ParseDuration(platformtest.Input(t, r, "for").(string))
			if err != nil {
				t.Fatalf("%s: for: %v", r.Name, err)
			}
			a.For = d
			return []platformtest.ObservabilityAlert{a}
		},
		ClusterMatcher: "",
	})
}
