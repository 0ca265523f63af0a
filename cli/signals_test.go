package cli

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestTheFirstSignalCancelsAndTheSecondAborts(t *testing.T) {
	sigs := make(chan os.Signal)
	var stderr strings.Builder
	ctx, abort, stop := interrupts(sigs, &stderr)
	defer stop()

	sigs <- syscall.SIGTERM
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the first signal did not cancel the context")
	}
	if cause := context.Cause(ctx); cause == nil || cause.Error() != "interrupted (terminated)" {
		t.Errorf("cause = %v", cause)
	}
	select {
	case <-abort:
		t.Fatal("the first signal aborted")
	default:
	}
	sigs <- os.Interrupt
	select {
	case <-abort:
	case <-time.After(5 * time.Second):
		t.Fatal("the second signal did not abort")
	}
	out := stderr.String()
	for _, want := range []string{
		"plinth: terminated: canceling; the engine finishes the resource operations in flight, records them and releases the stack",
		"plinth: interrupt again: stopping at once",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
}

func TestStopLeavesTheContextUncaused(t *testing.T) {
	ctx, _, stop := interrupts(make(chan os.Signal), &strings.Builder{})
	stop()
	if !errors.Is(context.Cause(ctx), context.Canceled) {
		t.Errorf("cause after stop = %v, want context.Canceled", context.Cause(ctx))
	}
}

// TestASignalAtAQuestionRefuses: a signal while plinth waits for a typed
// answer ends the wait as a refusal.
func TestASignalAtAQuestionRefuses(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close() //nolint:errcheck // test pipe
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() {
		time.Sleep(100 * time.Millisecond)
		cancel(errors.New("interrupted (interrupt)"))
	}()
	var out strings.Builder
	ok, err := ask(ctx, r, &out, "up shop-dev? ", "shop-dev")
	if ok || err == nil || err.Error() != "no answer: interrupted (interrupt)" {
		t.Errorf("ask = %v, %v", ok, err)
	}
}
