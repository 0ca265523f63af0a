// Package docstest runs the documentation a new user follows, as written:
// docs/getting-started.md and then docs/review.md, from an empty directory
// outside this repository to a team's own project with its own stacks
// (shop-dev, shop-prod), reviewed and rolled out (build tag integration,
// `make integration`); and the `pulumi new` template the page points to,
// templates/team-platform, rendered as pulumi new renders it and built
// (without a build tag: it takes seconds once the SDKs are compiled).
//
// The pages' fenced blocks are their script. A block whose info string
// names a file ("go file=main.go", "yaml file=environments/shop-dev.yaml")
// is written under the current directory; a "sh" block runs in bash,
// stopping at the first failing command, with the directory and the
// exported variables carried from one block to the next, as in one shell
// session; a "sh engine" block runs the same way with the Pulumi engine's
// providers served by the test providers of internal/enginetest (it
// deploys); a "sh skip=needs-cloud" block is not run and may hold only the
// commands that need a cloud account (signing in, pulumi up); a "text
// output" block shows lines the "sh" block before it must have printed.
// Every other block (text, console, go without a file) is prose.
package docstest
