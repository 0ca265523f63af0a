package gke

import "github.com/plinth-dev/plinth/platform"

// JITPolicy is the JIT Groups policy NewAccessCatalog writes for spec with
// cfg (the version of its secret, which snapshots show as [secret]).
func JITPolicy(cfg Config, spec platform.AccessCatalogSpec) string {
	return jitPolicyYAML(cfg.withDefaults(), spec)
}
