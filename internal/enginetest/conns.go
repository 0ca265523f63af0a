package enginetest

import (
	"context"
	"sync/atomic"

	"google.golang.org/grpc/stats"
)

// connKey is the context key of a gRPC connection's number.
type connKey struct{}

// connTagger numbers each connection a server accepts and reports its end.
// gRPC derives every RPC's context from the context TagConn returns, so a
// handler finds its connection's number there (connOf).
type connTagger struct {
	next   atomic.Uint64
	closed func(conn uint64)
}

var _ stats.Handler = (*connTagger)(nil)

// TagConn gives the connection the next number.
func (t *connTagger) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context {
	return context.WithValue(ctx, connKey{}, t.next.Add(1))
}

// HandleConn reports the end of a connection.
func (t *connTagger) HandleConn(ctx context.Context, s stats.ConnStats) {
	if _, end := s.(*stats.ConnEnd); end {
		t.closed(connOf(ctx))
	}
}

// TagRPC leaves the RPC's context as it is.
func (*connTagger) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }

// HandleRPC ignores RPC statistics.
func (*connTagger) HandleRPC(context.Context, stats.RPCStats) {}

// connOf returns the number of the connection ctx belongs to; 0 outside a
// tagged server.
func connOf(ctx context.Context) uint64 {
	n, _ := ctx.Value(connKey{}).(uint64)
	return n
}
