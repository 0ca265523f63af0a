// Package akstypes is the registry of the resource types the AKS backend
// (platform/aks) registers: per type its token, whether it is stateful, the
// inputs whose change replaces it (with the source of each, for the pinned
// azure-native v2.90 and azuread v5.53), the input that carries its tags,
// and the ID internal/mockcloud answers it with.
//
// It imports no cloud SDK, so that internal/mockcloud, internal/diff and
// the command line read it without compiling azure-native. platform/aks's
// TagsProperty reads it, and the backend's tests check both that it lists
// exactly the types the backend registers and that each Tags agrees with
// the SDK's Args.
//
// To add a type the backend starts to register, add its entry to the types
// table; the tests fail until it is there.
package akstypes
