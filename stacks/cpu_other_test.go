//go:build !unix

package stacks_test

import "testing"

// reportCPU reports nothing where the process's CPU time is not read
// (getrusage is Unix's): compare ns/op there.
func reportCPU(*testing.B) func() { return func() {} }
