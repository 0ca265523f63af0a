// Package fake is an in-memory backend for tests: it implements the platform
// contract with placeholder resources ("plinthfake:index:*") and imports no
// cloud SDK, so components and stacks can be tested and compiled in seconds.
//
// A Backend records every spec it receives, so a component test can assert
// what reached the backend as well as what was registered. Nothing a user
// deploys ever uses it.
package fake
