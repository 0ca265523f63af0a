package mockcloud

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The answers below are the one place that turns a resource's inputs into
// what the cloud returns. Mocks (the SDK's mock monitor) and the engine's
// test providers (internal/enginetest) both ask here, so an offline render
// and a real engine run see the same IDs and outputs.

// Answer returns the ID and outputs the cloud would give a custom resource
// of type typ whose logical name is name, created with inputs through a
// provider configured with providerInputs. The outputs are the inputs
// (secrets kept) plus what the cloud computes, as a provider reports them.
// A type no registry lists (internal/typeregistry) is an error naming the
// fix: a made-up ID would prove nothing.
func Answer(typ, name string, inputs, providerInputs resource.PropertyMap) (string, resource.PropertyMap, error) {
	shape, ok := shapes[typ]
	if err := shapeErrors[typ]; err != nil {
		return "", nil, fmt.Errorf("mockcloud: %s %q: %w", typ, name, err)
	}
	if !ok {
		return "", nil, fmt.Errorf("no offline answer for resource type %q (%s): Plinth does not register it; answer it in the render (platformtest.WithResource, or project.Answers.Resources for plinth plan)", typ, name)
	}
	c := &call{name: name, in: inputs, out: inputs.Copy(), provider: providerInputs}
	id, err := shape(c)
	if err != nil {
		return "", nil, fmt.Errorf("mockcloud: %s %q: %w", typ, name, err)
	}
	return id, c.out, nil
}

// Invoke answers the function (data source) token called with args
// through a provider configured with providerInputs.
func Invoke(token string, args, providerInputs resource.PropertyMap) (resource.PropertyMap, error) {
	answer, ok := invokes[token]
	if !ok {
		return nil, fmt.Errorf("no offline answer for invoke %q: Plinth does not call it; answer it in the render (platformtest.WithInvoke, or project.Answers.Invokes for plinth plan)", token)
	}
	return answer(&call{in: args, out: resource.PropertyMap{}, provider: providerInputs})
}

// ReadLive answers a read of the live object id of type typ (a Pulumi Get
// function), whose logical name is name and whose given state is inputs,
// through a provider configured with providerInputs. The outputs are the
// given state plus what the cluster reports. Only the objects in
// kubernetesReads can be read: a Plinth program reads nothing else.
func ReadLive(typ, id, name string, inputs, providerInputs resource.PropertyMap) (resource.PropertyMap, error) {
	answer, ok := kubernetesReads[typ]
	if !ok || id == "" {
		return nil, fmt.Errorf("mockcloud: %s %q was read, not registered; add an answer to kubernetesReads in internal/mockcloud/ids_kubernetes.go", typ, name)
	}
	c := &call{name: name, in: inputs, out: inputs.Copy(), provider: providerInputs}
	answer(id, c)
	return c.out, nil
}
