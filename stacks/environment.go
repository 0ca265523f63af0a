package stacks

import (
	"fmt"

	"github.com/plinth-dev/plinth/components/accesspackage"
	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/certmanager"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/ingress"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/platform"
)

// Class is an environment's class; it decides the safe defaults it gets.
type Class string

// The environment classes.
const (
	ClassDev     Class = "dev"
	ClassStaging Class = "staging"
	ClassProd    Class = "prod"
)

// Environment is one platform: one Pulumi stack.
type Environment struct {
	// Name is the stack name, e.g. "prod-aks"; it prefixes every resource.
	Name string
	// Class is dev, staging or prod.
	Class Class
	// Cloud picks the backend: platform.CloudAzure or platform.CloudGCP.
	Cloud platform.Cloud
	// CostCenter is tagged on every resource for cost reporting.
	CostCenter string
	// Network configures the network; its Backend is set by Program.
	Network network.Args
	// Cluster configures the cluster; Backend, Network and Production are
	// set by Program from the environment.
	Cluster cluster.Args
	// Ingress, CertManager and Backup configure the cluster services;
	// Backend, Cluster and Production are set by Program, and the
	// CertManager's DNS zone comes from the coordinates.
	Ingress     ingress.Args
	CertManager certmanager.Args
	Backup      backup.Args
	// Access configures the platform's access catalog and its break-glass
	// level; Backend and Cluster are set by Program.
	Access accesspackage.CatalogArgs
	// Teams are the product teams' access packages, each named
	// "<environment>-<team>"; Catalog is set by Program.
	Teams []accesspackage.Args
}

// Tags returns the tags every resource of the environment carries.
func (e Environment) Tags() map[string]string {
	return map[string]string{
		"environment": e.Name,
		"class":       string(e.Class),
		"cost-center": e.CostCenter,
		"managed-by":  "plinth",
	}
}

// All returns every environment, in rollout order per cloud.
func All() []Environment {
	return []Environment{devAKS(), prodAKS(), devGKE(), prodGKE()}
}

// Names returns the names of All, in order.
func Names() []string {
	var names []string
	for _, e := range All() {
		names = append(names, e.Name)
	}
	return names
}

// Lookup returns the environment with the given stack name.
func Lookup(name string) (Environment, error) {
	for _, e := range All() {
		if e.Name == name {
			return e, nil
		}
	}
	return Environment{}, fmt.Errorf("no environment %q; the stacks are %v", name, Names())
}
