package enginetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/plinth-dev/plinth/internal/mockcloud"
)

// provider is the test double of one package's provider plugin, served on
// one port. The engine opens one connection per provider instance (each
// pulumi:providers:<pkg> resource, each default provider, each
// unconfigured instance it checks a configuration with) and sends that
// instance's Configure and then its resource operations over it. The
// resource requests do not say which provider instance they are for, so
// the configuration is kept per connection.
type provider struct {
	pulumirpc.UnimplementedResourceProviderServer

	pkg, version string
	record       func(Call)
	// hold, when set, is called before a create outside a preview
	// answers, and may block it (Providers.HoldCreates).
	hold func()

	mu      sync.Mutex
	configs map[uint64]resource.PropertyMap // connection -> Configure's inputs
}

var _ pulumirpc.ResourceProviderServer = (*provider)(nil)

func newProvider(pkg, version string, record func(Call)) *provider {
	return &provider{pkg: pkg, version: version, record: record, configs: map[uint64]resource.PropertyMap{}}
}

// wire is how properties cross the gRPC boundary in both directions: the
// provider declares it accepts secrets and resource references, and
// previews carry unknowns.
var wire = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}

func unmarshal(what string, s *structpb.Struct) (resource.PropertyMap, error) {
	pm, err := plugin.UnmarshalProperties(s, wire)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if pm == nil {
		pm = resource.PropertyMap{}
	}
	return pm, nil
}

func marshal(what string, pm resource.PropertyMap) (*structpb.Struct, error) {
	s, err := plugin.MarshalProperties(pm, wire)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return s, nil
}

// config returns the inputs the connection's provider instance was
// configured with.
func (p *provider) config(ctx context.Context) resource.PropertyMap {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.configs[connOf(ctx)]
}

// forget drops the configuration of a closed connection.
func (p *provider) forget(conn uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.configs, conn)
}

// typeAndName returns the resource's type and logical name: from the
// request when the engine sends them, else from its URN.
func typeAndName(urn, typ, name string) (string, string) {
	u := resource.URN(urn)
	if typ == "" && u.IsValid() {
		typ = string(u.Type())
	}
	if name == "" && u.IsValid() {
		name = u.Name()
	}
	return typ, name
}

// Handshake declares what the provider accepts; the engine sends it first
// to an attached (debug) provider.
func (p *provider) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

// GetPluginInfo reports the version the package's SDK asks for.
func (p *provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: p.version}, nil
}

// Attach accepts the engine's address; the test provider never calls back.
func (p *provider) Attach(context.Context, *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Cancel has nothing to cancel: every operation answers at once.
func (p *provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// CheckConfig accepts the provider's configuration as given.
func (p *provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig compares the provider's old and new configuration like Diff:
// never a replacement, so a changed configuration updates the provider in
// place rather than replacing every resource it manages.
func (p *provider) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return diff(req)
}

// Configure keeps the provider instance's inputs for its connection: the
// answers read them (an ARM ID's subscription, a GCP project).
func (p *provider) Configure(ctx context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	args, err := unmarshal("configure args", req.GetArgs())
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.configs[connOf(ctx)] = args
	p.mu.Unlock()
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

// Check accepts the new inputs as given: no defaults, no failures.
func (p *provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// Diff reports the top-level input keys that changed; see diff.
func (p *provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return diff(req)
}

// diff compares the old inputs with the new ones key by key and reports
// the keys that differ, DIFF_NONE when none does. It never asks for a
// replacement, even where the real provider would: these providers test
// the engine's bookkeeping, not a cloud's replace rules (internal/diff
// knows those). A new value that is not known yet (a preview) counts as a
// change. The engine has already applied ignoreChanges to the new inputs,
// so ignored paths compare equal; a top-level key it names is skipped as
// well for a caller that has not.
func diff(req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	oldStruct := req.GetOldInputs()
	if oldStruct == nil {
		oldStruct = req.GetOlds() // an engine that does not send the old inputs
	}
	olds, err := unmarshal("old inputs", oldStruct)
	if err != nil {
		return nil, err
	}
	news, err := unmarshal("new inputs", req.GetNews())
	if err != nil {
		return nil, err
	}
	changed := changedKeys(olds, news, req.GetIgnoreChanges())
	if len(changed) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
	}
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_SOME, Diffs: changed}, nil
}

// changedKeys returns, sorted, the keys whose values differ between olds
// and news, leaving out the top-level keys ignoreChanges names.
func changedKeys(olds, news resource.PropertyMap, ignoreChanges []string) []string {
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	var changed []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if slices.Contains(ignoreChanges, string(k)) {
			continue
		}
		o, inOld := olds[k]
		n, inNew := news[k]
		if inOld != inNew || n.ContainsUnknowns() || !o.DeepEquals(n) {
			changed = append(changed, string(k))
		}
	}
	return changed
}

// Create answers with the ID and outputs mockcloud gives the resource. In
// a preview it answers no ID and previewOutputs.
func (p *provider) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	inputs, err := unmarshal("inputs", req.GetProperties())
	if err != nil {
		return nil, err
	}
	typ, name := typeAndName(req.GetUrn(), req.GetType(), req.GetName())
	if req.GetPreview() {
		props, err := marshal("preview outputs", p.previewOutputs(ctx, typ, name, inputs, nil))
		return &pulumirpc.CreateResponse{Properties: props}, err
	}
	if hold := p.holdFunc(); hold != nil {
		hold()
	}
	id, outputs, err := mockcloud.Answer(typ, name, inputs, p.config(ctx))
	if err != nil {
		return nil, err
	}
	props, err := marshal("outputs", outputs)
	if err != nil {
		return nil, err
	}
	p.record(Call{Op: OpCreate, Package: p.pkg, URN: req.GetUrn(), ID: id})
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

// Update answers like Create with the new inputs and keeps the resource's
// ID. In a preview it answers previewOutputs.
func (p *provider) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	news, err := unmarshal("new inputs", req.GetNews())
	if err != nil {
		return nil, err
	}
	typ, name := typeAndName(req.GetUrn(), req.GetType(), req.GetName())
	if req.GetPreview() {
		olds, err := unmarshal("old outputs", req.GetOlds())
		if err != nil {
			return nil, err
		}
		props, err := marshal("preview outputs", p.previewOutputs(ctx, typ, name, news, olds))
		return &pulumirpc.UpdateResponse{Properties: props}, err
	}
	_, outputs, err := mockcloud.Answer(typ, name, news, p.config(ctx))
	if err != nil {
		return nil, err
	}
	props, err := marshal("outputs", outputs)
	if err != nil {
		return nil, err
	}
	p.record(Call{Op: OpUpdate, Package: p.pkg, URN: req.GetUrn(), ID: req.GetId()})
	return &pulumirpc.UpdateResponse{Properties: props}, nil
}

// previewOutputs is what a preview of a create (olds nil) or an update
// answers: the inputs, with each output the cloud computes — each value
// mockcloud.Answer adds to the inputs or changes, nested ones included
// (an identity's principalId) — unknown, as a real provider leaves it until
// the operation runs. An update keeps a computed output's old value where
// the answer for the new inputs gives that value again, so that an update
// does not make every dependent's inputs unknown.
//
// Returning the inputs alone would not do: a program reads a computed
// field of an input object (identity.principalId) and would find it
// missing rather than unknown. When the answer fails because an input it
// needs is not known yet (a resource group's name before the group
// exists), the computed outputs cannot be told: a create answers the
// inputs with every one that holds an object unknown, since the cloud may
// add fields to it; an update answers its old outputs overlaid with the
// new inputs.
func (p *provider) previewOutputs(ctx context.Context, typ, name string, inputs, olds resource.PropertyMap) resource.PropertyMap {
	_, answered, err := mockcloud.Answer(typ, name, inputs, p.config(ctx))
	switch {
	case err == nil:
		return computedUnknown(inputs, answered, olds)
	case olds == nil:
		return objectsUnknown(inputs)
	default:
		return overlay(olds, inputs)
	}
}

// objectsUnknown returns inputs with each value that holds an object
// unknown.
func objectsUnknown(inputs resource.PropertyMap) resource.PropertyMap {
	out := inputs.Copy()
	for k, v := range inputs {
		switch {
		case !holdsObject(v):
		case v.IsSecret():
			out[k] = resource.MakeSecret(resource.MakeComputed(resource.NewProperty("")))
		default:
			out[k] = resource.MakeComputed(resource.NewProperty(""))
		}
	}
	return out
}

func holdsObject(v resource.PropertyValue) bool {
	switch {
	case v.IsSecret():
		return holdsObject(v.SecretValue().Element)
	case v.IsObject():
		return true
	case v.IsArray():
		return slices.ContainsFunc(v.ArrayValue(), holdsObject)
	}
	return false
}

// overlay returns olds with each value of news set over it, object into
// object, so that a computed field of an input object (identity's
// principalId) keeps its old value.
func overlay(olds, news resource.PropertyMap) resource.PropertyMap {
	out := olds.Copy()
	if out == nil {
		out = resource.PropertyMap{}
	}
	for k, n := range news {
		if o, ok := olds[k]; ok && o.IsObject() && n.IsObject() {
			out[k] = resource.NewProperty(overlay(o.ObjectValue(), n.ObjectValue()))
			continue
		}
		out[k] = n
	}
	return out
}

// computedUnknown returns inputs with every value answered adds or
// changes unknown, unless olds holds that very value. It descends into
// input objects the answer adds to.
func computedUnknown(inputs, answered, olds resource.PropertyMap) resource.PropertyMap {
	out := inputs.Copy()
	for k, a := range answered {
		in, given := inputs[k]
		old, hadOld := olds[k]
		switch {
		case given && in.DeepEquals(a):
			// An input passed through.
		case hadOld && old.DeepEquals(a):
			out[k] = old
		case given && in.IsObject() && a.IsObject():
			var oldObj resource.PropertyMap
			if hadOld && old.IsObject() {
				oldObj = old.ObjectValue()
			}
			out[k] = resource.NewProperty(computedUnknown(in.ObjectValue(), a.ObjectValue(), oldObj))
		default:
			out[k] = resource.MakeComputed(resource.NewProperty(""))
		}
	}
	return out
}

// Delete records the deletion and succeeds.
func (p *provider) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	p.record(Call{Op: OpDelete, Package: p.pkg, URN: req.GetUrn(), ID: req.GetId()})
	return &emptypb.Empty{}, nil
}

// Read returns the state it is given, so a refresh finds no drift. A read
// with neither inputs nor state is a read of a live object the program did
// not create (a Get function, which sends only the ID); mockcloud.ReadLive
// answers it.
func (p *provider) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	inputs, err := unmarshal("inputs", req.GetInputs())
	if err != nil {
		return nil, err
	}
	state, err := unmarshal("state", req.GetProperties())
	if err != nil {
		return nil, err
	}
	if len(inputs) > 0 || len(state) > 0 {
		return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
	}
	typ, name := typeAndName(req.GetUrn(), req.GetType(), req.GetName())
	live, err := mockcloud.ReadLive(typ, req.GetId(), name, state, p.config(ctx))
	if err != nil {
		return nil, err
	}
	props, err := marshal("live state", live)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: props, Inputs: req.GetInputs()}, nil
}

// Invoke answers a function from mockcloud.
func (p *provider) Invoke(ctx context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	args, err := unmarshal("args", req.GetArgs())
	if err != nil {
		return nil, err
	}
	out, err := mockcloud.Invoke(req.GetTok(), args, p.config(ctx))
	if err != nil {
		return nil, err
	}
	ret, err := marshal("return", out)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}
