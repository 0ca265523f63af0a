// Package archtest holds tests of the module's architecture: which packages
// may depend on which. It has no code of its own.
package archtest
