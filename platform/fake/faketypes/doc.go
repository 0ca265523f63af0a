// Package faketypes is the registry of the placeholder resource types the
// fake backend (platform/fake) registers, "plinthfake:index:*", with the
// IDs internal/mockcloud answers them with: fake://<collection>/<name>.
// None is stateful, none is replaced on a change, and each but a subnet and
// a grant carries the spec's tags in its "tags" input.
//
// It is a package of its own, rather than part of platform/fake, so that
// internal/mockcloud can read it without importing a backend. Its tests
// check that it lists exactly the types the fake registers.
package faketypes
