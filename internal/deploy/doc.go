// Package deploy runs Plinth stacks through the real Pulumi engine, with
// the Automation API's inline programs: preview, up, refresh and destroy of
// one stack, and a rollout over an ordered list of stacks (see Rollout).
//
// The program is the project's (project.Project.Program), the one
// `pulumi up` runs, served in-process, so no Go toolchain or language
// plugin is needed at deployment time; the Pulumi CLI is (see
// internal/pulumicli). State lives where the user says: PULUMI_BACKEND_URL
// or the CLI's login (Pulumi Cloud, Azure Blob, GCS, S3), or a local file://
// backend when asked for explicitly. Open selects existing stacks only: a
// stack is created deliberately, with `pulumi stack init`. Stack
// configuration comes from Pulumi.<stack>.yaml in the working directory,
// as with `pulumi up`.
//
// Operations stop safely: a canceled context (a signal, a timeout)
// interrupts the Pulumi CLI once and waits while the engine finishes the
// resource operations in flight and releases the stack (see Stack). A
// rollout's guard refuses deletes and replaces nobody allowed by name
// (Allow), and state exports keep secrets encrypted.
//
// docs/deploying.md and docs/rollout.md describe how to use it.
package deploy
