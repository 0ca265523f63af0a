package mockcloud

import (
	"crypto/sha1"
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"github.com/plinth-dev/plinth/internal/snapshot"
)

// Project is the Pulumi project name of a render that names none
// (WithProject): the name of this repository's reference project.
const Project = "plinth"

// ResourceAnswer answers the registration of a resource type the shapes
// table does not know: from the resource's logical name and its inputs
// (plain values; secrets as snapshot.SecretValue), the ID and the outputs
// the cloud would return. Outputs that are not returned keep their input
// value.
type ResourceAnswer func(name string, inputs map[string]any) (id string, outputs map[string]any, err error)

// InvokeAnswer answers a function (data source) the invokes table does not
// know, from its arguments as plain values.
type InvokeAnswer func(args map[string]any) (map[string]any, error)

// Mocks implements pulumi.MockResourceMonitor. Create it with New; it is
// safe for the concurrent registrations a Pulumi program makes.
type Mocks struct {
	stack   string
	project string
	config  map[string]string
	// answers and invokeAnswers are the caller's own, for types and
	// invokes the tables do not know; the tables win where both answer.
	answers       map[string]ResourceAnswer
	invokeAnswers map[string]InvokeAnswer
	// registered, when set, sees each registration as the SDK sent it
	// (tests).
	registered func(*pulumirpc.RegisterResourceRequest)

	mu        sync.Mutex
	resources []snapshot.Resource
	providers map[string]resource.PropertyMap // provider reference "urn::id" -> inputs
	stacks    map[string]resource.PropertyMap // stack name -> outputs, for stack references
}

var _ pulumi.MockResourceMonitor = (*Mocks)(nil)

// New returns mocks for the named stack.
func New(stack string) *Mocks {
	return &Mocks{
		stack: stack, project: Project,
		providers: map[string]resource.PropertyMap{}, stacks: map[string]resource.PropertyMap{},
		answers: map[string]ResourceAnswer{}, invokeAnswers: map[string]InvokeAnswer{},
	}
}

// WithProject names the Pulumi project of the render, which every URN
// holds. Unset: Project.
func WithProject(name string) Option { return func(m *Mocks) { m.project = name } }

// WithConfig gives the program its stack configuration, keys in
// "namespace:key" form, as Pulumi.<stack>.yaml would. It replaces
// whatever PULUMI_CONFIG holds.
func WithConfig(config map[string]string) Option {
	return func(m *Mocks) { m.config = maps.Clone(config) }
}

// WithResource answers registrations of typeToken, a type the shapes table
// does not know, with answer.
func WithResource(typeToken string, answer ResourceAnswer) Option {
	return func(m *Mocks) { m.answers[typeToken] = answer }
}

// WithInvoke answers calls of token, a function the invokes table does not
// know, with answer.
func WithInvoke(token string, answer InvokeAnswer) Option {
	return func(m *Mocks) { m.invokeAnswers[token] = answer }
}

// ProjectName returns the Pulumi project name of the render.
func (m *Mocks) ProjectName() string { return m.project }

// RunOptions are the options that run a program under m: the mocks, and
// the configuration of WithConfig when it was given.
func (m *Mocks) RunOptions() []pulumi.RunOption {
	opts := []pulumi.RunOption{pulumi.WithMocks(m.project, m.stack, m)}
	if m.config != nil {
		opts = append(opts, func(info *pulumi.RunInfo) { info.Config = maps.Clone(m.config) })
	}
	return opts
}

// StackReferenceType is the type of a stack reference, which a program
// reads rather than registers.
const StackReferenceType = "pulumi:pulumi:StackReference"

// SetStackOutputs makes a stack reference to stack (its fully qualified
// name, "<organization>/<project>/<stack>") read outputs. Secret values
// stay secret in the referencing program. A reference to a stack without
// outputs fails the program.
func (m *Mocks) SetStackOutputs(stack string, outputs resource.PropertyMap) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stacks[stack] = outputs
}

// Option configures Mocks before a Render, e.g. with SetStackOutputs.
type Option = func(*Mocks)

// Render runs program under mocks for the named stack and returns its
// snapshot. Errors from the program, and any resource or invoke the mocks have
// no answer for, are returned.
func Render(stack string, program pulumi.RunFunc, opts ...Option) (*snapshot.Snapshot, error) {
	snap, err := Attempt(stack, program, opts...)
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// Attempt runs program like Render and returns what it registered whether
// or not it failed, with its error: for tests that a refused program
// registered nothing.
func Attempt(stack string, program pulumi.RunFunc, opts ...Option) (*snapshot.Snapshot, error) {
	m := New(stack)
	for _, o := range opts {
		o(m)
	}
	// The program runs on a goroutine of its own: the SDK records the
	// whole call stack of every registration, and the caller's frames (a
	// command line, a test) would be walked each time for nothing.
	// A panic, or a test's t.FailNow (runtime.Goexit), in the program is
	// carried back to the caller's goroutine, where it would have
	// happened.
	type outcome struct {
		err      error
		normal   bool
		panicked any
	}
	done := make(chan outcome, 1)
	go func() {
		o := outcome{}
		defer func() {
			if !o.normal {
				o.panicked = recover()
			}
			done <- o
		}()
		o.err = pulumi.RunErr(func(ctx *pulumi.Context) error {
			// A transformation, not a transform: transforms go through the
			// resource monitor, and this must run in-process, before the
			// SDK collapses the aliases.
			if err := ctx.RegisterStackTransformation(dropVersionAliases); err != nil {
				return err
			}
			return program(ctx)
		}, m.RunOptions()...)
		o.normal = true
	}()
	o := <-done
	switch {
	case o.normal:
	case o.panicked != nil:
		panic(o.panicked)
	default:
		runtime.Goexit()
	}
	return m.Snapshot(), o.err
}

// dropVersionAliases removes the provider SDKs' API-version aliases from a
// registration before the Pulumi SDK turns each into a URN output: azure-native
// aliases every resource to each of its module's API versions (dozens per
// resource), which costs about a third of a render, and mocks never see
// them (Mocks.aliases leaves them out of the snapshot, as
// snapshot.SameTypeAcrossVersions says). An option that sets anything besides
// aliases, and every other alias, is kept as written.
func dropVersionAliases(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
	// The SDKs append their aliases after the caller's options, followed
	// only by their own defaults: the last option that sets aliases is
	// theirs.
	for i := len(args.Opts) - 1; i >= 0; i-- {
		kept, found, ok := versionAliasesDropped(args.Type, args.Opts[i])
		if !found {
			continue
		}
		if !ok {
			return nil
		}
		opts := append(slices.Clone(args.Opts[:i]), args.Opts[i+1:]...)
		if len(kept) > 0 {
			opts = append(opts, pulumi.Aliases(kept))
		}
		return &pulumi.ResourceTransformationResult{Props: args.Props, Opts: opts}
	}
	return nil
}

// versionAliasesDropped reports whether o sets aliases (found) and, when
// o sets nothing else and some of them name typ in another API version of
// its module (ok), returns the others.
func versionAliasesDropped(typ string, o pulumi.ResourceOption) (kept []pulumi.Alias, found, ok bool) {
	ro, err := pulumi.NewResourceOptions(o)
	if err != nil || len(ro.Aliases) == 0 {
		return nil, false, false
	}
	aliases := ro.Aliases
	ro.Aliases = nil
	if !reflect.ValueOf(*ro).IsZero() {
		return nil, true, false
	}
	for _, a := range aliases {
		t, plain := a.Type.(pulumi.String)
		onlyType := plain && a.Name == nil && a.Stack == nil && a.Project == nil &&
			a.URN == nil && a.Parent == nil && a.ParentURN == nil && a.NoParent == nil
		if onlyType && snapshot.SameTypeAcrossVersions(string(t), typ) {
			continue
		}
		kept = append(kept, a)
	}
	return kept, true, len(kept) < len(aliases)
}

// Snapshot returns what has been registered so far, sorted.
func (m *Mocks) Snapshot() *snapshot.Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := &snapshot.Snapshot{Stack: m.stack, Resources: slices.Clone(m.resources)}
	s.Sort()
	return s
}

// NewResource records the registration and answers with the ID and outputs
// the cloud would return.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	if rpc == nil {
		return m.read(args)
	}
	if m.registered != nil {
		m.registered(rpc)
	}
	urn := m.urn(rpc.GetParent(), args.TypeToken, args.Name)
	parent := rpc.GetParent()
	if resource.URN(parent).QualifiedType() == resource.RootStackType {
		parent = ""
	}
	rec := snapshot.Resource{
		URN:            urn,
		Type:           args.TypeToken,
		Name:           args.Name,
		Custom:         args.Custom,
		Parent:         parent,
		Provider:       args.Provider,
		Protect:        rpc.GetProtect(),
		RetainOnDelete: rpc.GetRetainOnDelete(),
		DependsOn:      rpc.GetDependencies(),
		IgnoreChanges:  rpc.GetIgnoreChanges(),
		Aliases:        m.aliases(rpc, args.TypeToken, args.Name),
		Inputs:         plain(args.Inputs),
	}

	var (
		id      string
		outputs = args.Inputs.Copy()
	)
	switch {
	case !args.Custom:
		// Component resources have no ID and no cloud outputs.
	case strings.HasPrefix(args.TypeToken, "pulumi:providers:"):
		id = uuidFrom("provider", urn)
		m.mu.Lock()
		m.providers[urn+"::"+id] = args.Inputs
		m.mu.Unlock()
	default:
		var err error
		id, outputs, err = m.answer(args)
		if err != nil {
			return "", nil, err
		}
	}

	m.mu.Lock()
	m.resources = append(m.resources, rec)
	m.mu.Unlock()
	return id, outputs, nil
}

// stackReference answers a reference to stack with the outputs
// SetStackOutputs gave it, in the engine's shape: the name, the outputs
// and the names of the secret ones.
func (m *Mocks) stackReference(stack string) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	outputs, ok := m.stacks[stack]
	known := slices.Sorted(maps.Keys(m.stacks))
	m.mu.Unlock()
	if !ok {
		return "", nil, fmt.Errorf("stack reference to %q: the mocks have no outputs for it (they have: %s); give them with platformtest.WithStackOutputs", stack, strings.Join(known, ", "))
	}
	var secret []resource.PropertyValue
	for _, k := range outputs.StableKeys() {
		if outputs[k].ContainsSecrets() {
			secret = append(secret, resource.NewProperty(string(k)))
		}
	}
	return stack, resource.PropertyMap{
		"name":              resource.NewProperty(stack),
		"outputs":           resource.NewProperty(outputs.Copy()),
		"secretOutputNames": resource.NewProperty(secret),
	}, nil
}

// read answers a read of a live object (a pulumi Get function) from
// kubernetesReads. Reads are not recorded in snapshots: they change
// nothing.
func (m *Mocks) read(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.TypeToken == StackReferenceType {
		return m.stackReference(args.ID)
	}
	out, err := ReadLive(args.TypeToken, args.ID, args.Name, args.Inputs, m.provider(args.Provider))
	if err != nil {
		return "", nil, err
	}
	return args.ID, out, nil
}

// answer answers a custom resource from the shapes table, or else from the
// caller's own answer for its type.
func (m *Mocks) answer(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	own, ok := m.answers[args.TypeToken]
	if _, known := shapes[args.TypeToken]; known || !ok {
		return Answer(args.TypeToken, args.Name, args.Inputs, m.provider(args.Provider))
	}
	id, outputs, err := own(args.Name, plain(args.Inputs))
	if err != nil {
		return "", nil, fmt.Errorf("%s %q: %w", args.TypeToken, args.Name, err)
	}
	out := args.Inputs.Copy()
	for k, v := range resource.NewPropertyMapFromMap(outputs) {
		out[k] = v
	}
	return id, out, nil
}

// Call answers an invoke from the table in invokes.go, or else from the
// caller's own answer for its token.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	own, ok := m.invokeAnswers[args.Token]
	if _, known := invokes[args.Token]; known || !ok {
		return Invoke(args.Token, args.Args, m.provider(args.Provider))
	}
	out, err := own(plain(args.Args))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", args.Token, err)
	}
	return resource.NewPropertyMapFromMap(out), nil
}

func (m *Mocks) provider(ref string) resource.PropertyMap {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.providers[ref]
}

// urn computes a resource's URN the way the engine (and the SDK's mock
// monitor) does.
func (m *Mocks) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// aliases returns the URNs a registration declares as its former ones:
// pulumi.Aliases given as URNs, and alias specs resolved against the
// resource's own type, name and parent the way the engine resolves them,
// except the SDK's API-version aliases (snapshot.SameTypeAcrossVersions).
func (m *Mocks) aliases(rpc *pulumirpc.RegisterResourceRequest, typ, name string) []string {
	out := append([]string{}, rpc.GetAliasURNs()...)
	for _, a := range rpc.GetAliases() {
		if u := a.GetUrn(); u != "" {
			out = append(out, u)
			continue
		}
		spec := a.GetSpec()
		if spec == nil {
			continue
		}
		t, n, parent := typ, name, rpc.GetParent()
		if spec.GetType() != "" {
			t = spec.GetType()
		}
		if spec.GetName() != "" {
			n = spec.GetName()
		}
		switch {
		case spec.GetNoParent():
			parent = ""
		case spec.GetParentUrn() != "":
			parent = spec.GetParentUrn()
		}
		if n == name && parent == rpc.GetParent() && snapshot.SameTypeAcrossVersions(t, typ) {
			continue // the SDK's API-version alias; see snapshot.SameTypeAcrossVersions
		}
		out = append(out, m.urn(parent, t, n))
	}
	return out
}

// plain converts Pulumi property values into JSON-ready values. Secrets
// become snapshot.SecretValue and unknowns snapshot.UnknownValue.
func plain(pm resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(pm))
	for k, v := range pm {
		out[string(k)] = plainValue(v)
	}
	return out
}

func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsNull():
		return nil
	case v.IsSecret():
		return snapshot.SecretValue
	case v.IsComputed():
		return snapshot.UnknownValue
	case v.IsOutput():
		o := v.OutputValue()
		switch {
		case o.Secret:
			return snapshot.SecretValue
		case !o.Known:
			return snapshot.UnknownValue
		}
		return plainValue(o.Element)
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = plainValue(e)
		}
		return out
	case v.IsObject():
		return plain(v.ObjectValue())
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsAsset():
		return "asset:" + v.AssetValue().Hash
	case v.IsArchive():
		return "archive:" + v.ArchiveValue().Hash
	}
	return fmt.Sprintf("%v", v)
}

// uuidFrom returns a name-based (version 5 style) UUID of parts, so that the
// same resource always gets the same principal ID, client ID or provider ID.
func uuidFrom(parts ...string) string {
	sum := sha1.Sum([]byte(strings.Join(parts, "\x00")))
	sum[6] = (sum[6] & 0x0f) | 0x50
	sum[8] = (sum[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// ipFrom returns a stable public-looking IPv4 address for name within the
// given /8 (for example 20 for Azure, 34 for GCP).
func ipFrom(first byte, name string) string {
	sum := sha1.Sum([]byte(name))
	return fmt.Sprintf("%d.%d.%d.%d", first, sum[0], sum[1], max(sum[2], 1))
}
