package enginetest

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"

	"github.com/plinth-dev/plinth/platform/field"
)

// maxMessage bounds a gRPC message either way. The engine sends a
// resource's inputs or state in one message and allows itself 400 MiB
// (rpcutil.GrpcChannelOptions); gRPC's server default of 4 MiB would refuse
// a large Helm values document.
const maxMessage = 400 << 20

// Op is a resource operation the engine asked a provider for.
type Op string

// The operations Calls records.
const (
	OpCreate Op = "create"
	OpUpdate Op = "update"
	OpDelete Op = "delete"
)

// Call is one create, update or delete the engine asked for outside a
// preview.
type Call struct {
	// Op is what was asked.
	Op Op
	// Package is the provider's package, e.g. "azure-native".
	Package string
	// URN is the resource's URN.
	URN string
	// ID is the resource's ID: the one Create answered, or the one Update
	// and Delete were given.
	ID string
	// Real is set when the real Kubernetes provider answered the call
	// (StartWithRealKubernetes), not a test double.
	Real bool
}

// Providers are the in-process test providers, one gRPC server per
// package. Start them, hand DebugEnv to the Pulumi CLI as
// PULUMI_DEBUG_PROVIDERS, and Stop them when the test ends. They are test
// doubles: see the package documentation.
type Providers struct {
	servers []server  // in the order Start was given
	real    *realKube // nil unless StartWithRealKubernetes

	mu    sync.Mutex
	calls []Call
}

// server is one package's provider and where it listens.
type server struct {
	pkg  string
	port int
	grpc *grpc.Server
	prov *provider
}

// Start serves a test provider for each package (for example
// "azure-native", "azuread", "gcp", "kubernetes", "plinthfake") on
// 127.0.0.1, each on an ephemeral port of its own. A package without a
// test provider, or named twice, is an error and nothing is left serving.
func Start(packages ...string) (*Providers, error) {
	p := &Providers{}
	if err := p.start(packages); err != nil {
		return nil, err
	}
	return p, nil
}

// start serves packages; on an error nothing is left serving.
func (p *Providers) start(packages []string) error {
	if err := checkPackages(packages); err != nil {
		return err
	}
	for _, pkg := range packages {
		s, err := p.serve(pkg)
		if err != nil {
			p.Stop()
			return err
		}
		p.servers = append(p.servers, s)
	}
	return nil
}

// checkPackages returns every unknown or repeated package, or nil.
func checkPackages(packages []string) error {
	var errs field.List
	if len(packages) == 0 {
		errs.Add(field.Required(field.NewPath("packages"), "name at least one of %v", known()))
	}
	for i, pkg := range packages {
		path := field.NewPath("packages").Index(i)
		switch {
		case pluginVersions[pkg] == "":
			errs.Addf(path, pkg, "no test provider for this package; the packages are %v (add one to pluginVersions in internal/enginetest/versions.go)", known())
		case slices.Index(packages, pkg) < i:
			errs.Addf(path, pkg, "named twice; PULUMI_DEBUG_PROVIDERS attaches one provider per package")
		}
	}
	return errs.Err()
}

func known() []string { return slices.Sorted(maps.Keys(pluginVersions)) }

// serve starts pkg's provider on an ephemeral port.
func (p *Providers) serve(pkg string) (server, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return server{}, fmt.Errorf("enginetest: listen for the %s test provider: %w", pkg, err)
	}
	prov := newProvider(pkg, pluginVersions[pkg], p.record)
	var served pulumirpc.ResourceProviderServer = prov
	opts := []grpc.ServerOption{grpc.MaxRecvMsgSize(maxMessage), grpc.MaxSendMsgSize(maxMessage)}
	closed := prov.forget
	if pkg == "kubernetes" && p.real != nil {
		r := &router{provider: prov, real: p.real}
		served, closed = r, r.forget
		// Stop waits for the calls in flight, so that none starts a real
		// provider after stopAll or logs to an ended test. (Not for the
		// doubles: a create held by HoldCreates may still be waiting.)
		opts = append(opts, grpc.WaitForHandlers(true))
	}
	g := grpc.NewServer(append(opts, grpc.StatsHandler(&connTagger{closed: closed}))...)
	pulumirpc.RegisterResourceProviderServer(g, served)
	go func() { _ = g.Serve(lis) }() // returns when Stop closes the listener
	return server{pkg: pkg, port: lis.Addr().(*net.TCPAddr).Port, grpc: g, prov: prov}, nil
}

// DebugEnv is the value of PULUMI_DEBUG_PROVIDERS that attaches the engine
// to these providers: "azure-native:40123,gcp:40124", in Start's order.
func (p *Providers) DebugEnv() string {
	parts := make([]string, len(p.servers))
	for i, s := range p.servers {
		parts[i] = s.pkg + ":" + strconv.Itoa(s.port)
	}
	return strings.Join(parts, ",")
}

// Stop stops every provider at once, closing the connections still open.
func (p *Providers) Stop() {
	for _, s := range p.servers {
		s.grpc.Stop()
	}
	if p.real != nil {
		p.real.stopAll()
	}
}

// Calls returns the creates, updates and deletes the engine asked for so
// far, in the order they were answered. Previews ask for none.
func (p *Providers) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

// ResetCalls forgets the calls recorded so far, so that a test can look at
// one engine run's calls.
func (p *Providers) ResetCalls() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = nil
}

func (p *Providers) record(c Call) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, c)
}
