package stacks

import (
	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/edge"
	"github.com/plinth-dev/plinth/components/mesh"
	"github.com/plinth-dev/plinth/components/observability"
	"github.com/plinth-dev/plinth/environment"
	"github.com/plinth-dev/plinth/platform"
)

// Acme's platform: one platform team serving the payments and checkout
// teams, in West Europe on Azure and europe-west1 on GCP. Each environment
// starts from its class's profile (environment.Profile) and sets only what
// is Acme's own: names, address plan, people, and where it departs from
// the profile.

// costCenter is the platform team's cost center.
const costCenter = "cc-4711"

// acmeEmail receives Let's Encrypt's expiry and account notices.
const acmeEmail = "platform-team@acme.example"

// Where alerts go (receivers): the platform team's mailbox, and the
// on-call's paging address.
const (
	platformTeamEmail = "platform-team@acme.example"
	oncallEmail       = "platform-oncall@acme.example"
)

// officeRanges may reach the public API servers of development clusters.
var officeRanges = []string{"203.0.113.0/24"}

// timeZone is where Acme's engineers work; non-production clusters are
// stopped outside their working hours.
const timeZone = "Europe/Berlin"

// Directory principals of the teams, per cloud: Entra object IDs on Azure,
// Google group emails on GCP.
var (
	entra = map[string]string{
		"payments-members": "group:1b6f4c2a-8d3e-4f51-9a07-2c4e6d8f0a11",
		"payments-leads":   "group:2c7a5d3b-9e4f-4062-8b18-3d5f7e9a1b22",
		"checkout-members": "group:3d8b6e4c-af50-4173-9c29-4e6a8fab2c33",
		"checkout-leads":   "group:4e9c7f5d-b061-4284-8d3a-5f7b9abc3d44",
		"platform-oncall":  "group:5fad8a6e-c172-4395-9e4b-6a8cabcd4e55",
		"platform-leads":   "group:6abe9b7f-d283-44a6-8f5c-7b9dbcde5f66",
	}
	google = map[string]string{
		"payments-members": "group:payments@acme.example",
		"payments-leads":   "group:payments-leads@acme.example",
		"checkout-members": "group:checkout@acme.example",
		"checkout-leads":   "group:checkout-leads@acme.example",
		"platform-oncall":  "group:platform-oncall@acme.example",
		"platform-leads":   "group:platform-leads@acme.example",
		// Google Groups for RBAC: the group whose member groups
		// RoleBindings may name.
		"platform-admins": "gke-security-groups@acme.example",
	}
)

// base is the profile of class on cloud with what every Acme environment
// shares: the cost center, the ACME contact, the two product teams (on GKE
// in every class with the Google Groups for RBAC group, which grants
// nothing by itself but without which the teams' RoleBindings match
// nobody) and, in staging and production, the break-glass level, their
// only cluster-admin.
func base(name string, class environment.Class, cloud platform.Cloud, addressSpace string) environment.Environment {
	p := entra
	if cloud == platform.CloudGCP {
		p = google
	}
	e := environment.Profile(class, cloud)
	e.Name, e.CostCenter = name, costCenter
	e.Network.AddressSpace = addressSpace
	e.CertManager = certmanager.Args{Email: acmeEmail}
	e.Teams = teams(p)
	if admins, ok := p["platform-admins"]; ok {
		e.Cluster.AdminGroups = []string{admins}
	}
	if class != environment.Dev {
		e.Access = breakGlass(p)
	}
	if e.PowerSchedule != nil {
		e.PowerSchedule.TimeZone = timeZone
	}
	e.Observability.Receivers = receivers(class)
	if class == environment.Staging {
		// Staging tries the service mesh: the checkout team's namespace
		// joins it, payments' stays out.
		e.Mesh = &mesh.Args{}
		for i := range e.Teams {
			if e.Teams[i].Team == "checkout" {
				e.Teams[i].Namespaces[0].Mesh = &accesspackage.NamespaceMesh{}
			}
		}
	}
	if class == environment.Prod {
		// The checkout team's shop is public, through the edge's
		// firewall: checkout.<zone>, a name the team serves.
		e.Edge = &edge.Args{Hostnames: []string{"checkout"}}
	}
	return e
}

// receivers are where each class's alerts go: production pages the
// on-call with critical alerts and mails the platform team the warnings;
// staging mails the platform team everything; dev notifies nobody (its
// alerts show in the cloud's console).
func receivers(class environment.Class) []observability.Receiver {
	team := observability.Receiver{Name: "platform-team", Emails: []string{platformTeamEmail}}
	switch class {
	case environment.Prod:
		team.Severities = []platform.Severity{platform.SeverityWarning}
		return []observability.Receiver{
			{Name: "oncall", Emails: []string{oncallEmail}, Severities: []platform.Severity{platform.SeverityCritical}},
			team,
		}
	case environment.Staging:
		team.Severities = platform.Severities
		return []observability.Receiver{team}
	}
	return nil
}

// teams are the two product teams every environment serves, with the
// default levels (reader, developer, admin).
func teams(p map[string]string) []accesspackage.Args {
	team := func(name string, namespaces ...string) accesspackage.Args {
		a := accesspackage.Args{
			Team:       name,
			Requestors: []string{p[name+"-members"]},
			Approvers:  []string{p[name+"-leads"]},
		}
		for _, ns := range namespaces {
			a.Namespaces = append(a.Namespaces, accesspackage.Namespace{Name: ns})
		}
		return a
	}
	return []accesspackage.Args{
		team("payments", "payments", "payments-batch"),
		team("checkout", "checkout"),
	}
}

// breakGlass is the platform-admin level of staging and production:
// requested by the on-call engineers, approved by the platform leads.
func breakGlass(p map[string]string) accesspackage.CatalogArgs {
	return accesspackage.CatalogArgs{BreakGlass: &accesspackage.Level{
		Requestors: []string{p["platform-oncall"]},
		Approval:   []platform.ApprovalStage{{Approvers: []string{p["platform-leads"]}}},
	}}
}

// dev reaches its API server from the office instead of through the
// network, as engineers work against it directly.
func dev(name string, cloud platform.Cloud, addressSpace string) environment.Environment {
	e := base(name, environment.Dev, cloud, addressSpace)
	e.Cluster.APIServer.Public = true
	e.Cluster.APIServer.AuthorizedCIDRs = officeRanges
	return e
}

func devAKS() environment.Environment { return dev("dev-aks", platform.CloudAzure, "10.10.0.0/16") }

func stagingAKS() environment.Environment {
	e := base("staging-aks", environment.Staging, platform.CloudAzure, "10.15.0.0/16")
	// Staging runs the release candidates' load tests in the evening.
	e.PowerSchedule.Stop = "21:00"
	return e
}

func prodAKS() environment.Environment {
	return base("prod-aks", environment.Prod, platform.CloudAzure, "10.20.0.0/16")
}

func devGKE() environment.Environment { return dev("dev-gke", platform.CloudGCP, "10.30.0.0/16") }

func stagingGKE() environment.Environment {
	e := base("staging-gke", environment.Staging, platform.CloudGCP, "10.35.0.0/16")
	e.PowerSchedule.Stop = "21:00"
	return e
}

func prodGKE() environment.Environment {
	e := base("prod-gke", environment.Prod, platform.CloudGCP, "10.40.0.0/16")
	// Fewer, larger nodes than the profile: the GKE workloads are
	// memory-bound batch jobs.
	e.Cluster.UserPools[0].MachineType = "e2-highmem-4"
	e.Cluster.UserPools[0].MaxCount = 12
	return e
}
