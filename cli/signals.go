package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// cancelSignals are the signals that cancel a running command: Ctrl-C at a
// terminal, and the SIGTERM a CI runner sends a job it cancels.
var cancelSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// interrupts turns the signals on sigs into a context and an abort
// channel: the first signal cancels the context, whose running engine
// operation is then interrupted and waited for (deploy.Stack); a second
// closes abort, which ends the operation at once. Each is announced on
// stderr. stop ends the watch.
func interrupts(sigs <-chan os.Signal, stderr io.Writer) (ctx context.Context, abort <-chan struct{}, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ab := make(chan struct{})
	done := make(chan struct{})
	var once sync.Once
	go func() {
		n := 0
		for {
			select {
			case <-done:
				return
			case sig := <-sigs:
				n++
				switch n {
				case 1:
					_, _ = fmt.Fprintf(stderr, "\nplinth: %s: canceling; the engine finishes the resource operations in flight, records them and releases the stack (this can take minutes; a second signal stops at once and can leave pending operations and a held lock)\n", sig)
					cancel(fmt.Errorf("interrupted (%s)", sig))
				case 2:
					_, _ = fmt.Fprintf(stderr, "\nplinth: %s again: stopping at once\n", sig)
					close(ab)
				}
			}
		}
	}()
	return ctx, ab, func() {
		once.Do(func() { close(done) })
		cancel(nil)
	}
}

// notifyInterrupts is interrupts on the process's own cancel signals.
func notifyInterrupts(stderr io.Writer) (context.Context, <-chan struct{}, func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, cancelSignals...)
	ctx, abort, stop := interrupts(sigs, stderr)
	return ctx, abort, func() {
		signal.Stop(sigs)
		stop()
	}
}
