package guardrails

// Mode is what a binding does with a request that breaks a rule.
type Mode string

// The modes.
const (
	// ModeEnforce denies the request (validationActions [Deny]).
	ModeEnforce Mode = "enforce"
	// ModeAudit admits it, warns the client and records it in the audit
	// log (validationActions [Audit, Warn]). Production refuses it.
	ModeAudit Mode = "audit"
)

// DefaultMode is Args.Mode when unset: the rules hold.
const DefaultMode = ModeEnforce

// Modes lists every mode.
var Modes = []Mode{ModeEnforce, ModeAudit}

// ValidationActions returns the validationActions of m's bindings.
func (m Mode) ValidationActions() []string {
	if m == ModeAudit {
		return []string{"Audit", "Warn"}
	}
	return []string{"Deny"}
}

// withDefaults returns a copy of a with every unset field filled.
func (a Args) withDefaults() Args {
	if a.Mode == "" {
		a.Mode = DefaultMode
	}
	a.AllowedRegistries = append([]string(nil), a.AllowedRegistries...)
	a.Attestors = append([]string(nil), a.Attestors...)
	return a
}
