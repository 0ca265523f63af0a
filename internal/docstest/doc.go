// Package docstest runs the documentation a new user follows, as written:
// docs/getting-started.md, from an empty directory to a deployable
// project (build tag integration, `make integration`).
//
// The page's fenced blocks are its script. A block whose info string names
// a file ("go file=main.go") is written to the current directory; a "sh"
// block runs in bash, stopping at the first failing command, with the
// directory carried from one block to the next; a "sh skip=needs-cloud"
// block is not run and may hold only the commands that need a cloud
// account (signing in, pulumi up); a "text output" block shows lines the
// "sh" block before it must have printed. Every other block (text,
// console, go without a file) is prose.
package docstest
