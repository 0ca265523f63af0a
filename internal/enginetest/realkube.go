package enginetest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
)

// RealKubernetes routes the kubernetes package's resources to the real
// Pulumi Kubernetes provider, talking to a real API server (the engine
// tests' Kubernetes lane, internal/kubelane), except for the resource
// types Doubles names, which the test double keeps answering.
type RealKubernetes struct {
	// Provider is the pulumi-resource-kubernetes program (make kube-tools).
	Provider string
	// Kubeconfig is the file of the cluster every provider instance talks
	// to. It replaces the kubeconfig the program configures a provider
	// with, which the cloud's test double made up, and is the only
	// cluster the real providers can reach: they run with KUBECONFIG set
	// to it as well.
	Kubeconfig string
	// Doubles names the resource types the test double answers instead,
	// each with the reason: Helm releases, whose charts cannot be fetched
	// here, objects whose CRDs the API server does not serve, and objects
	// a chart would have created.
	Doubles map[string]string
	// Log receives the real providers' own output; nil discards it.
	Log io.Writer
}

// StartWithRealKubernetes is Start, with the kubernetes package's
// resources sent to the real provider as lane describes. packages must
// name "kubernetes".
func StartWithRealKubernetes(lane RealKubernetes, packages ...string) (*Providers, error) {
	if lane.Provider == "" || lane.Kubeconfig == "" {
		return nil, errors.New("enginetest: RealKubernetes needs the provider program and a kubeconfig")
	}
	kubeconfig, err := os.ReadFile(lane.Kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("enginetest: read the lane's kubeconfig: %w", err)
	}
	p := &Providers{real: &realKube{RealKubernetes: lane, kubeconfig: string(kubeconfig), conns: map[uint64]*realConn{}}}
	if err := p.start(packages); err != nil {
		return nil, err
	}
	for _, s := range p.servers {
		if s.pkg == "kubernetes" {
			return p, nil
		}
	}
	p.Stop()
	return nil, errors.New(`enginetest: RealKubernetes given, but the packages do not name "kubernetes"`)
}

// realKube is the state of the routing: one real provider process per
// engine connection, as the engine would launch one per provider instance.
type realKube struct {
	RealKubernetes
	kubeconfig string // the file's contents

	mu    sync.Mutex
	conns map[uint64]*realConn
}

// realConn is the real provider behind one engine connection: what the
// engine said on it (its address, the instance's configuration) and, once
// a resource call needs it, the process and the client.
type realConn struct {
	mu        sync.Mutex
	handshake *pulumirpc.ProviderHandshakeRequest
	engine    string // the engine's address, from Handshake or Attach
	configure *pulumirpc.ConfigureRequest

	cmd    *exec.Cmd
	grpc   *grpc.ClientConn
	client pulumirpc.ResourceProviderClient
	err    error // why the process could not be started
	closed bool  // stopped: the connection ended or the providers stopped
}

// errClosed answers a call on a connection whose real provider stopped.
var errClosed = errors.New("enginetest: the real Kubernetes provider of this connection has stopped")

func (r *realKube) conn(ctx context.Context) *realConn {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := connOf(ctx)
	c := r.conns[n]
	if c == nil {
		c = &realConn{}
		r.conns[n] = c
	}
	return c
}

// forget stops the real provider of a closed connection.
func (r *realKube) forget(conn uint64) {
	r.mu.Lock()
	c := r.conns[conn]
	delete(r.conns, conn)
	r.mu.Unlock()
	if c != nil {
		c.stop()
	}
}

// stopAll stops every real provider.
func (r *realKube) stopAll() {
	r.mu.Lock()
	conns := r.conns
	r.conns = map[uint64]*realConn{}
	r.mu.Unlock()
	for _, c := range conns {
		c.stop()
	}
}

// stop stops the connection's real provider for good: a call still in
// flight gets errClosed instead of starting another process.
func (c *realConn) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.kill()
}

// kill closes the client and kills the process, if any; c.mu is held.
func (c *realConn) kill() {
	if c.grpc != nil {
		_ = c.grpc.Close()
	}
	if c.cmd != nil && c.cmd.Process != nil {
		_ = c.cmd.Process.Kill()
		_ = c.cmd.Wait()
	}
	c.cmd, c.grpc, c.client = nil, nil, nil
}

// client returns the connection's real provider, started, handshaken and
// configured with the lane's kubeconfig on first use.
func (r *realKube) client(ctx context.Context) (pulumirpc.ResourceProviderClient, error) {
	c := r.conn(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return nil, errClosed
	case c.client != nil || c.err != nil:
		return c.client, c.err
	}
	if c.err = r.startReal(ctx, c); c.err != nil {
		c.kill()
	}
	return c.client, c.err
}

// startTimeout bounds the start of a real provider: it prints its port
// once it serves.
const startTimeout = time.Minute

func (r *realKube) startReal(ctx context.Context, c *realConn) error {
	if c.configure == nil {
		return errors.New("enginetest: a kubernetes resource call before the provider instance was configured")
	}
	if c.engine == "" {
		return errors.New("enginetest: the engine's address is unknown: no Handshake or Attach came first")
	}
	log := r.Log
	if log == nil {
		log = io.Discard
	}
	cmd := exec.Command(r.Provider, c.engine)
	cmd.Env = providerEnv(r.Kubeconfig)
	cmd.Stderr = log
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("enginetest: start the Kubernetes provider: %w", err)
	}
	c.cmd = cmd
	out := bufio.NewReader(stdout)
	port, err := readPort(ctx, out)
	if err != nil {
		return fmt.Errorf("enginetest: the Kubernetes provider %s: %w", r.Provider, err)
	}
	go func() { _, _ = io.Copy(log, out) }() // ends when the process does
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(port),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessage), grpc.MaxCallSendMsgSize(maxMessage)))
	if err != nil {
		return err
	}
	c.grpc, c.client = conn, pulumirpc.NewResourceProviderClient(conn)

	hs := c.handshake
	if hs == nil {
		hs = &pulumirpc.ProviderHandshakeRequest{EngineAddress: c.engine, ConfigureWithUrn: true}
	}
	if _, err := c.client.Handshake(ctx, hs); err != nil && status.Code(err) != codes.Unimplemented {
		return fmt.Errorf("enginetest: handshake with the Kubernetes provider: %w", err)
	}
	cfg, err := r.configureForLane(c.configure)
	if err != nil {
		return err
	}
	if _, err := c.client.Configure(ctx, cfg); err != nil {
		return fmt.Errorf("enginetest: configure the Kubernetes provider: %w", err)
	}
	return nil
}

// providerEnv is the real provider's environment: this process's, without
// the provider's own PULUMI_K8S_* settings a developer may have set, and
// with KUBECONFIG naming the lane's cluster.
func providerEnv(kubeconfig string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PULUMI_K8S_") && !strings.HasPrefix(kv, "KUBECONFIG=") {
			env = append(env, kv)
		}
	}
	return append(env, "KUBECONFIG="+kubeconfig)
}

// readPort reads the port a plugin prints on its first line. If ctx ends
// or startTimeout passes first, the caller kills the process, which ends
// the read.
func readPort(ctx context.Context, stdout *bufio.Reader) (int, error) {
	type result struct {
		port int
		err  error
	}
	got := make(chan result, 1)
	go func() {
		line, err := stdout.ReadString('\n')
		if err != nil {
			got <- result{err: fmt.Errorf("no port on its output: %w", err)}
			return
		}
		port, err := strconv.Atoi(strings.TrimSpace(line))
		got <- result{port: port, err: err}
	}()
	select {
	case r := <-got:
		return r.port, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(startTimeout):
		return 0, fmt.Errorf("no port on its output after %s", startTimeout)
	}
}

// configureForLane is the engine's Configure with the kubeconfig replaced
// by the lane's, in the arguments and in the legacy variables alike.
func (r *realKube) configureForLane(req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureRequest, error) {
	args, err := unmarshal("configure args", req.GetArgs())
	if err != nil {
		return nil, err
	}
	args["kubeconfig"] = resource.MakeSecret(resource.NewProperty(r.kubeconfig))
	s, err := marshal("configure args", args)
	if err != nil {
		return nil, err
	}
	// The Kubernetes provider reads its configuration from the variables,
	// not the arguments (its Configure), so both carry the kubeconfig.
	vars := map[string]string{}
	for k, v := range req.GetVariables() { //nolint:staticcheck // deprecated in the protocol, but what the Kubernetes provider reads
		vars[k] = v
	}
	vars["kubernetes:config:kubeconfig"] = r.kubeconfig
	out, _ := proto.Clone(req).(*pulumirpc.ConfigureRequest)
	out.Args, out.Variables = s, vars //nolint:staticcheck // see above
	return out, nil
}

// router is the kubernetes package's provider when RealKubernetes is set:
// the real provider for the resource operations (Check, Diff, Create,
// Read, Update, Delete) of every type Doubles does not name; the test
// double for those types, for live reads, and for everything else:
// CheckConfig and DiffConfig (so a provider whose kubeconfig the cloud's
// double changed is never replaced), invokes, and Cancel. Construct and
// Call stay unimplemented: Plinth creates no component resources of the
// kubernetes package (yaml/v2, helm/v4).
type router struct {
	*provider
	real *realKube
}

var _ pulumirpc.ResourceProviderServer = (*router)(nil)

// forget drops a closed connection's configuration and real provider.
func (r *router) forget(conn uint64) {
	r.provider.forget(conn)
	r.real.forget(conn)
}

// routed returns the real provider for a resource of typ, or nil when
// the double answers it.
func (r *router) routed(ctx context.Context, urn, typ string) (pulumirpc.ResourceProviderClient, error) {
	typ, _ = typeAndName(urn, typ, "")
	if _, double := r.real.Doubles[typ]; double {
		return nil, nil
	}
	return r.real.client(ctx)
}

// Handshake keeps the engine's request for the real provider.
func (r *router) Handshake(ctx context.Context, req *pulumirpc.ProviderHandshakeRequest) (*pulumirpc.ProviderHandshakeResponse, error) {
	c := r.real.conn(ctx)
	c.mu.Lock()
	c.handshake, c.engine = req, req.GetEngineAddress()
	c.mu.Unlock()
	return r.provider.Handshake(ctx, req)
}

// Attach keeps the engine's address for the real provider.
func (r *router) Attach(ctx context.Context, req *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	c := r.real.conn(ctx)
	c.mu.Lock()
	if c.engine == "" {
		c.engine = req.GetAddress()
	}
	c.mu.Unlock()
	return r.provider.Attach(ctx, req)
}

// Configure configures the double and keeps the request for the real
// provider, which is started when the first resource call needs it.
func (r *router) Configure(ctx context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	c := r.real.conn(ctx)
	c.mu.Lock()
	c.configure = req
	c.mu.Unlock()
	return r.provider.Configure(ctx, req)
}

// Check sends the check to the provider the type is routed to.
func (r *router) Check(ctx context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	rp, err := r.routed(ctx, req.GetUrn(), req.GetType())
	if rp == nil || err != nil {
		return orErr(ctx, r.provider.Check, req, err)
	}
	return rp.Check(ctx, req)
}

// Diff sends the diff to the provider the type is routed to.
func (r *router) Diff(ctx context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	rp, err := r.routed(ctx, req.GetUrn(), req.GetType())
	if rp == nil || err != nil {
		return orErr(ctx, r.provider.Diff, req, err)
	}
	return rp.Diff(ctx, req)
}

// Create sends the create to the provider the type is routed to, and
// records a real one outside a preview.
func (r *router) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	rp, err := r.routed(ctx, req.GetUrn(), req.GetType())
	if rp == nil || err != nil {
		return orErr(ctx, r.provider.Create, req, err)
	}
	res, err := rp.Create(ctx, req)
	if err == nil && !req.GetPreview() {
		r.record(Call{Op: OpCreate, Package: r.pkg, URN: req.GetUrn(), ID: res.GetId(), Real: true})
	}
	return res, err
}

// Update sends the update to the provider the type is routed to, and
// records a real one outside a preview.
func (r *router) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	rp, err := r.routed(ctx, req.GetUrn(), req.GetType())
	if rp == nil || err != nil {
		return orErr(ctx, r.provider.Update, req, err)
	}
	res, err := rp.Update(ctx, req)
	if err == nil && !req.GetPreview() {
		r.record(Call{Op: OpUpdate, Package: r.pkg, URN: req.GetUrn(), ID: req.GetId(), Real: true})
	}
	return res, err
}

// Delete sends the delete to the provider the type is routed to, and
// records a real one.
func (r *router) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	rp, err := r.routed(ctx, req.GetUrn(), req.GetType())
	if rp == nil || err != nil {
		return orErr(ctx, r.provider.Delete, req, err)
	}
	res, err := rp.Delete(ctx, req)
	if err == nil {
		r.record(Call{Op: OpDelete, Package: r.pkg, URN: req.GetUrn(), ID: req.GetId(), Real: true})
	}
	return res, err
}

// Read sends the read to the provider the type is routed to. A read of
// a live object the program did not create (a Get: neither inputs nor
// state) goes to the double: the lane's cluster holds only what the
// program created, not what the charts on the double would have.
func (r *router) Read(ctx context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if len(req.GetInputs().GetFields()) == 0 && len(req.GetProperties().GetFields()) == 0 {
		return r.provider.Read(ctx, req)
	}
	rp, err := r.routed(ctx, req.GetUrn(), req.GetType())
	if rp == nil || err != nil {
		return orErr(ctx, r.provider.Read, req, err)
	}
	return rp.Read(ctx, req)
}

// orErr answers with the double, unless routing failed.
func orErr[Req, Res any](ctx context.Context, double func(context.Context, Req) (Res, error), req Req, err error) (Res, error) {
	if err != nil {
		var zero Res
		return zero, err
	}
	return double(ctx, req)
}
