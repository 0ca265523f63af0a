// Package diff compares two snapshots of each stack (internal/snapshot) and
// reports what a change does to the infrastructure, for reviewers who cannot
// run the cloud: `plinth diff` renders it on a terminal, as a pull-request
// comment, or as JSON.
//
// It is pure Go over the snapshot format: no Pulumi engine, no cloud SDK.
//
// # What it compares
//
// Resources match by URN. A resource whose URN is gone but whose new URN
// lists the old one in its aliases is moved, with its property changes. A
// resource removed and one of the same type added under another name are
// one renamed resource when both name the same cloud resource: the same
// identifying inputs (cloudIdentity: an azure-native resource's "<type>Name"
// inputs, resource group and scope; a Kubernetes object's name and
// namespace; a Helm release's name and namespace; a Google Cloud resource's
// name, project and location; an Entra object's display name; for a type
// without such inputs, all its inputs).
// Inputs are compared path by path (networkProfile.networkPolicy,
// agentPoolProfiles[0].vmSize, tags["a.b"]); short lists of scalars are
// compared whole. Resource options show as options.protect, options.parent,
// options.provider, options.dependsOn, options.ignoreChanges and
// options.retainOnDelete. Secrets ("[secret]") and unknowns ("[unknown]")
// compare as the text the snapshot holds; secret values never appear, the
// snapshot already masks them. Changes covered by the resource's
// ignoreChanges are marked ignored and alone do not make a resource changed.
//
// Whether a change forces replacement, and whether a type is stateful,
// comes from the resource-type registries (internal/typeregistry): per
// type token, the input paths whose change replaces it, with the source of
// every rule.
//
// # Flags
//
// Every flag has a stable ID and a severity; HasFlags counts danger only.
//
//	REPLACE           warning  a change forces replacement (the properties are named)
//	STATEFUL          danger   a stateful resource (cluster, node pool, network, subnet,
//	                           storage, resource group, log workspace, directory group,
//	                           namespace) is deleted or replaced
//	PROTECTED         danger   a resource protected in the old snapshot (protect option or
//	                           deletionProtection input) is deleted or replaced
//	NO-ALIAS          danger   a resource is removed and one of the same type and name added
//	                           under another URN without an alias: destroyed and recreated
//	RENAME            danger   a resource is removed and one of the same type added under a
//	                           new name that names the same cloud resource, without an alias:
//	                           one entry (Renamed), whose flag gives the pulumi.Aliases to add
//	PROD-WITH-OTHERS  warning  (report) a production stack changes together with another
//
// A stack is production when Class, the "class" tag or label its resources
// carry, is "prod".
//
// # JSON
//
// WriteJSON writes this shape (version 1); field names are stable, lists
// are always present, and order is deterministic:
//
//	{
//	  "version": 1,
//	  "stacks": [{
//	    "stack": "prod-aks",
//	    "production": true,
//	    "summary": {"add": 0, "change": 0, "replace": 1, "delete": 0, "move": 0, "rename": 0},
//	    "added": [], "removed": [], "moved": [], "renamed": [],
//	    "changed": [{
//	      "urn": "urn:pulumi:prod-aks::plinth::...::prod-aks-pool-apps",
//	      "oldUrn": "(moved and renamed resources only)",
//	      "oldName": "(renamed resources only)",
//	      "type": "azure-native:containerservice/v20241001:AgentPool",
//	      "name": "prod-aks-pool-apps",
//	      "replace": true,
//	      "properties": [{
//	        "path": "vmSize", "old": "Standard_D4ds_v5", "new": "Standard_D8ds_v5",
//	        "forcesReplacement": true
//	      }],
//	      "flags": [{"id": "STATEFUL", "severity": "danger", "message": "..."}]
//	    }]
//	  }],
//	  "flags": [{"id": "PROD-WITH-OTHERS", "severity": "warning", "message": "..."}]
//	}
//
// A property's boolean fields (oldAbsent, newAbsent, forcesReplacement,
// refused, ignored) are left out when false. "old" or "new" is
// null when the value is absent (oldAbsent or newAbsent true) and also when
// it is a null value. "refused" qualifies forcesReplacement: the provider
// would update in place and the cloud API rejects the change. Stacks are
// sorted by name, resources by URN, properties by path (inputs first, then
// options), flags by severity, then ID.
package diff
