// Package format holds the one check of each identifier format that more
// than one package reads: Entra ID and Azure UUIDs, e-mail addresses, DNS
// labels (Kubernetes namespace names).
// Components, backends and the test mocks call these instead of writing
// the pattern again, so that a format is accepted or refused the same way
// everywhere. It imports nothing of Plinth.
package format
