package fake

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// The fake's observability resource types.
const (
	MetricsStoreType = "plinthfake:index:MetricsStore"
	AlertType        = "plinthfake:index:Alert"
	ReceiverType     = "plinthfake:index:Receiver"
)

var _ platform.ObservabilityBackend = (*Backend)(nil)

// Observabilities returns the specs NewObservability received, in call
// order.
func (b *Backend) Observabilities() []platform.ObservabilitySpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]platform.ObservabilitySpec(nil), b.observability...)
}

// NewObservability validates spec like every backend
// (platform.ObservabilitySpec.Validate) and registers "<name>-metrics",
// the metrics store with the log retention, one "<name>-<receiver>"
// receiver each (webhooks as secrets), and one "<name>-<alert>" alert for
// each rule and event alert, naming the receivers that take its severity.
func (b *Backend) NewObservability(ctx *pulumi.Context, spec platform.ObservabilitySpec, opts ...pulumi.ResourceOption) (*platform.ObservabilityOutputs, error) {
	if err := spec.Validate(field.NewPath("observability")).Err(); err != nil {
		return nil, fmt.Errorf("fake: observability %q: %w", spec.Name, err)
	}
	b.mu.Lock()
	b.observability = append(b.observability, spec)
	b.mu.Unlock()

	opts = append(opts, pulumi.Provider(b.provider))
	var store resourceState
	storeName := platform.ChildName(spec.Name, "metrics")
	err := ctx.RegisterResource(MetricsStoreType, storeName, pulumi.Map{
		"name":             pulumi.String(storeName),
		"cluster":          spec.Outputs.ID,
		"logRetentionDays": pulumi.Int(spec.LogRetentionDays),
		"tags":             pulumi.ToStringMap(spec.Tags),
	}, &store, opts...)
	if err != nil {
		return nil, err
	}
	out := &platform.ObservabilityOutputs{MetricsStore: store.ID().ToStringOutput(), Receivers: map[string]pulumi.StringOutput{}}
	for _, r := range spec.Receivers {
		var rs resourceState
		name := platform.ChildName(spec.Name, r.Name)
		err := ctx.RegisterResource(ReceiverType, name, pulumi.Map{
			"name":       pulumi.String(name),
			"emails":     pulumi.ToStringArray(r.Emails),
			"webhooks":   pulumi.ToSecret(pulumi.ToStringArray(r.Webhooks)),
			"severities": severities(r.Severities),
			"tags":       pulumi.ToStringMap(spec.Tags),
		}, &rs, opts...)
		if err != nil {
			return nil, err
		}
		out.Receivers[r.Name] = rs.ID().ToStringOutput()
	}
	alert := func(name string, sev platform.Severity, inputs pulumi.Map) error {
		var receivers pulumi.StringArray
		for _, r := range spec.Receivers {
			if r.Takes(sev) {
				receivers = append(receivers, out.Receivers[r.Name])
			}
		}
		inputs["name"] = pulumi.String(platform.ChildName(spec.Name, name))
		inputs["severity"] = pulumi.String(string(sev))
		inputs["receivers"] = receivers
		inputs["tags"] = pulumi.ToStringMap(spec.Tags)
		var a resourceState
		return ctx.RegisterResource(AlertType, platform.ChildName(spec.Name, name), inputs, &a, append(opts, pulumi.DependsOn([]pulumi.Resource{&store}))...)
	}
	for _, r := range spec.Rules {
		err := alert(r.Name, r.Severity, pulumi.Map{
			"expr":    pulumi.String(platform.ClusterMatcher(r.Expr, "", "")),
			"for":     pulumi.String(r.For.String()),
			"summary": pulumi.String(r.Summary),
			"runbook": pulumi.String(r.Runbook),
		})
		if err != nil {
			return nil, err
		}
	}
	for _, e := range spec.Events {
		err := alert(e.Name, e.Severity, pulumi.Map{
			"event":   pulumi.String(string(e.Event)),
			"summary": pulumi.String(e.Summary),
			"runbook": pulumi.String(e.Runbook),
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func severities(s []platform.Severity) pulumi.StringArray {
	out := make(pulumi.StringArray, len(s))
	for i, v := range s {
		out[i] = pulumi.String(string(v))
	}
	return out
}
