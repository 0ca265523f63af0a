// Package gketypes is the registry of the resource types the GKE backend
// (platform/gke) registers: per type its token, whether it is stateful, the
// inputs whose change replaces it (with the source of each, for the pinned
// pulumi-gcp v7.38), the input that carries its labels, and the ID
// internal/mockcloud answers it with.
//
// It imports no cloud SDK, so that internal/mockcloud, internal/diff and
// the command line read it without compiling pulumi-gcp. platform/gke's
// TagsProperty reads it, and the backend's tests check both that it lists
// exactly the types the backend registers and that each Tags agrees with
// the SDK's Args.
//
// To add a type the backend starts to register, add its entry to the types
// table; the tests fail until it is there.
package gketypes
