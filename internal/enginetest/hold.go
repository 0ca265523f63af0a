package enginetest

import "sync"

// HoldCreates makes every create a test double answers outside a preview
// (not the real Kubernetes provider's, StartWithRealKubernetes) wait, from now on,
// until release is called: a resource operation in flight, as a cluster's
// creation is for minutes in a cloud, for tests of what happens when a
// deployment is canceled mid-way. first is closed when the first create
// arrives. Call it before the engine runs; release may be called more than
// once.
func (p *Providers) HoldCreates() (first <-chan struct{}, release func()) {
	arrived, released := make(chan struct{}), make(chan struct{})
	var arrivedOnce, releaseOnce sync.Once
	hold := func() {
		arrivedOnce.Do(func() { close(arrived) })
		<-released
	}
	for _, s := range p.servers {
		s.prov.setHold(hold)
	}
	return arrived, func() { releaseOnce.Do(func() { close(released) }) }
}

func (p *provider) setHold(hold func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hold = hold
}

func (p *provider) holdFunc() func() {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hold
}
