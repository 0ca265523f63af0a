package gke

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp"
	"github.com/pulumi/pulumi-gcp/sdk/v7/go/gcp/projects"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/internal/cidr"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// Config says where the backend deploys. Project and Region are required.
type Config struct {
	// Project is the GCP project ID (not its number or display name).
	// Required.
	Project string
	// Region is the GCP region, e.g. "europe-west1". Required.
	Region string
	// MasterCIDR is the /28 the GKE control plane of a private cluster
	// takes its addresses from. It must not overlap the network's address
	// space, pod range or service range, nor the MasterCIDR of another
	// cluster in the same network. Unset: DefaultMasterCIDR.
	MasterCIDR string
	// CustomerID is the Cloud Identity (Google Workspace) customer ID,
	// "C" followed by letters and digits (e.g. "C03az79cb"; `gcloud
	// organizations list` shows it as DIRECTORY_CUSTOMER_ID), that
	// NewAccessPackage creates the access groups under. Needed only when an
	// access level creates a group (no AccessLevelSpec.ExistingGroup); a
	// stack without such levels leaves it unset.
	CustomerID string
	// GroupDomain is the domain NewAccessPackage creates access groups in
	// ("plinth-<name>-<level>@<GroupDomain>"); the groups join
	// gke-security-groups@<GroupDomain>, which must be the cluster's Google
	// Groups for RBAC group (ClusterSpec.AdminGroups[0]). Needed only when
	// an access level creates a group, like CustomerID.
	GroupDomain string
	// JITApplication is the service account email of the organization's
	// JIT Groups application (github.com/GoogleCloudPlatform/jit-groups,
	// 2.0 to 2.3, which reads environment policies from Secret Manager),
	// e.g. "jitgroups@acme-jit.iam.gserviceaccount.com": it may act as the
	// environment's JIT Groups service account. Needed when a team has an
	// access level: a team level is a JIT group, whose memberships JIT
	// Groups approves and expires (NewAccessCatalog).
	JITApplication string
	// JITEnvironment names the environment in JIT Groups, and so its JIT
	// groups (jit.<JITEnvironment>.<team>.<level>@<GroupDomain>) and its
	// service account and policy secret (jit-<JITEnvironment>): 1-16
	// lowercase letters, digits and '-'. Unset: Environment, or the
	// backend's name when that is unset too.
	JITEnvironment string
	// Environment is the Plinth environment the project is dedicated to.
	// When set, New refuses, before it registers anything but the
	// provider, a project that does not carry the label
	// plinth-environment=<Environment> (EnvironmentLabel): every cluster of
	// a project shares its workload identity pool and its project-level
	// roles, so an environment needs a project of its own, and a project's
	// label has one value (docs/adr/0004-gcp-environment-isolation.md).
	// Cloud.Backend sets it to the stack's name; unset, nothing is checked.
	Environment string
}

// EnvironmentLabel is the label that dedicates a GCP project to one Plinth
// environment: plinth-environment=<environment>, set once by whoever owns
// the project (gcloud projects update <project>
// --update-labels=plinth-environment=<environment>).
const EnvironmentLabel = "plinth-environment"

// DefaultMasterCIDR is the control-plane range of private clusters when
// Config.MasterCIDR is unset: the /28 GKE's own examples use, outside the
// ranges Plinth networks default to.
const DefaultMasterCIDR = "172.16.0.0/28"

// withDefaults returns a copy of c with every unset optional field filled.
func (c Config) withDefaults() Config {
	if c.MasterCIDR == "" {
		c.MasterCIDR = DefaultMasterCIDR
	}
	if c.JITEnvironment == "" {
		c.JITEnvironment = c.Environment
	}
	return c
}

// Backend implements the platform contract on Google Cloud. Create it with
// New.
type Backend struct {
	cfg      Config
	provider pulumi.ProviderResource
	// jitTeams are the packages, by name, whose team levels the JIT Groups
	// policy NewAccessCatalog wrote holds.
	mu       sync.Mutex
	jitTeams map[string]platform.AccessPackageSpec
}

var (
	_ platform.Backend                 = (*Backend)(nil)
	_ platform.NetworkBackend          = (*Backend)(nil)
	_ platform.ClusterBackend          = (*Backend)(nil)
	_ platform.WorkloadIdentityBackend = (*Backend)(nil)
	_ platform.LoadBalancerBackend     = (*Backend)(nil)
	_ platform.BackupStorageBackend    = (*Backend)(nil)
	_ platform.ManagedBackupBackend    = (*Backend)(nil)
	_ platform.AccessBackend           = (*Backend)(nil)
	_ platform.PowerScheduleBackend    = (*Backend)(nil)
	_ platform.SecretsBackend          = (*Backend)(nil)
	_ platform.ProviderBackend         = (*Backend)(nil)
	_ platform.RegistryBackend         = (*Backend)(nil)
	_ platform.WorkloadPolicyBackend   = (*Backend)(nil)
	_ platform.DNSBackend              = (*Backend)(nil)
	_ platform.EdgeBackend             = (*Backend)(nil)
)

var (
	regionPattern     = regexp.MustCompile(`^[a-z]+-[a-z]+[0-9]+$`)
	customerIDPattern = regexp.MustCompile(`^C[0-9A-Za-z]{4,}$`)
	labelValue        = regexp.MustCompile(`^[a-z0-9_-]{1,63}$`)
	domainPattern     = regexp.MustCompile(`^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// New fills the unset optional fields of cfg with their defaults, validates
// it and registers the backend's explicit gcp provider, named name. opts
// apply to the provider.
func New(ctx *pulumi.Context, name string, cfg Config, opts ...pulumi.ResourceOption) (*Backend, error) {
	cfg = cfg.withDefaults()
	if cfg.JITEnvironment == "" {
		cfg.JITEnvironment = name
	}
	if err := cfg.validate(field.NewPath("gke")); err != nil {
		return nil, err
	}
	p, err := gcp.NewProvider(ctx, name, &gcp.ProviderArgs{
		Project: pulumi.StringPtr(cfg.Project),
		Region:  pulumi.StringPtr(cfg.Region),
	}, opts...)
	if err != nil {
		return nil, err
	}
	if cfg.Environment != "" {
		if err := claimProject(ctx, cfg, p); err != nil {
			return nil, err
		}
	}
	return &Backend{cfg: cfg, provider: p}, nil
}

// claimProject asks Resource Manager, through provider, for cfg.Project
// if it carries EnvironmentLabel=cfg.Environment, and refuses the project
// otherwise (checkProjectClaim).
func claimProject(ctx *pulumi.Context, cfg Config, provider pulumi.ProviderResource) error {
	res, err := projects.GetProject(ctx, &projects.GetProjectArgs{Filter: claimFilter(cfg)}, pulumi.Provider(provider))
	if err != nil {
		return fmt.Errorf("gke: reading the labels of project %s: %w", cfg.Project, err)
	}
	ids := make([]string, len(res.Projects))
	for i, p := range res.Projects {
		ids[i] = p.ProjectId
	}
	return checkProjectClaim(cfg, ids, field.NewPath("gke"))
}

// claimFilter is the Resource Manager filter that lists cfg.Project only
// when it is labeled EnvironmentLabel=cfg.Environment.
func claimFilter(cfg Config) string {
	return fmt.Sprintf("id:%s labels.%s:%s", cfg.Project, EnvironmentLabel, cfg.Environment)
}

// checkProjectClaim returns nil when found, the projects claimFilter
// listed, holds cfg.Project, and otherwise one error at path.project that
// says why the environment needs the project to itself and how to label it.
func checkProjectClaim(cfg Config, found []string, path field.Path) error {
	if slices.Contains(found, cfg.Project) {
		return nil
	}
	var errs field.List
	errs.Addf(path.Child("project"), cfg.Project,
		"is not labeled %s=%s, so it may hold another environment: every cluster in a GCP project shares its workload identity pool and project-level roles, so each environment needs a project of its own (docs/adr/0004-gcp-environment-isolation.md); give %s its own project and label it: gcloud projects update %s --update-labels=%s=%s",
		EnvironmentLabel, cfg.Environment, cfg.Environment, cfg.Project, EnvironmentLabel, cfg.Environment)
	return errs.Err()
}

// Cloud returns platform.CloudGCP.
func (b *Backend) Cloud() platform.Cloud { return platform.CloudGCP }

// Provider returns the backend's gcp provider (platform.ProviderBackend).
func (b *Backend) Provider() pulumi.ProviderResource { return b.provider }

// Config returns the backend's configuration.
func (b *Backend) Config() Config { return b.cfg }

func (c Config) validate(path field.Path) error {
	var errs field.List
	switch {
	case c.Project == "":
		errs.Add(field.Required(path.Child("project"), "the GCP project ID (gcloud config get project)"))
	case !format.ProjectID(c.Project, false):
		errs.Addf(path.Child("project"), c.Project, "not a project ID: 6-30 lowercase letters, digits and '-', starting with a letter")
	}
	switch {
	case c.Region == "":
		errs.Add(field.Required(path.Child("region"), "the GCP region, e.g. \"europe-west1\""))
	case !regionPattern.MatchString(c.Region):
		errs.Addf(path.Child("region"), c.Region, "not a region; write it as GCP does, e.g. \"europe-west1\" (a region, not a zone)")
	}
	// An unset MasterCIDR is DefaultMasterCIDR.
	if c.MasterCIDR != "" {
		if p, err := cidr.Parse(c.MasterCIDR); err != nil {
			errs.Addf(path.Child("masterCIDR"), c.MasterCIDR, "%v", err)
		} else if p.Bits() != 28 {
			errs.Addf(path.Child("masterCIDR"), c.MasterCIDR, "GKE needs a /28 for the control plane, e.g. %q", DefaultMasterCIDR)
		}
	}
	// CustomerID and GroupDomain are checked here when set; whether they
	// are needed is NewAccessPackage's to say.
	switch {
	case c.CustomerID == "":
	case strings.HasPrefix(c.CustomerID, "customers/"):
		errs.Addf(path.Child("customerID"), c.CustomerID, "give the customer ID alone, without \"customers/\", e.g. %q", strings.TrimPrefix(c.CustomerID, "customers/"))
	case !customerIDPattern.MatchString(c.CustomerID):
		errs.Addf(path.Child("customerID"), c.CustomerID, "not a Cloud Identity customer ID; it is \"C\" followed by letters and digits, e.g. \"C03az79cb\" (gcloud organizations list, DIRECTORY_CUSTOMER_ID)")
	}
	if c.Environment != "" && !labelValue.MatchString(c.Environment) {
		errs.Addf(path.Child("environment"), c.Environment, "cannot be a GCP label value, which the project's %s label must hold; use at most 63 lowercase letters, digits, '-' and '_'", EnvironmentLabel)
	}
	if c.JITApplication != "" && !serviceAccountEmail.MatchString(c.JITApplication) {
		errs.Addf(path.Child("jitApplication"), c.JITApplication, "not a service account email; give the JIT Groups application's, e.g. \"jitgroups@acme-jit.iam.gserviceaccount.com\"")
	}
	if c.JITEnvironment != "" && !jitName.MatchString(c.JITEnvironment) {
		errs.Addf(path.Child("jitEnvironment"), c.JITEnvironment, "JIT Groups takes environment names of 1-%d lowercase letters, digits and '-', starting with a letter; set a shorter one", maxJITName)
	}
	if c.GroupDomain != "" && !domainPattern.MatchString(c.GroupDomain) {
		errs.Addf(path.Child("groupDomain"), c.GroupDomain, "not a domain; give the domain of your Cloud Identity or Workspace account that groups are created in, e.g. \"acme.example\" (lowercase, no \"@\")")
	}
	return errs.Err()
}

// opts returns the options every child gets: the caller's (which carry the
// component parent) and the backend's explicit provider.
func (b *Backend) opts(given []pulumi.ResourceOption, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	out := append([]pulumi.ResourceOption{}, given...)
	out = append(out, pulumi.Provider(b.provider))
	return append(out, more...)
}

// retained are b.opts for a stateful child (Stateful in gketypes): with
// retain, pulumi.RetainOnDelete, so that the cloud resource stays when it
// leaves the stack (the specs' Retain, Locked).
func (b *Backend) retained(given []pulumi.ResourceOption, retain bool, more ...pulumi.ResourceOption) []pulumi.ResourceOption {
	if retain {
		more = append(more, pulumi.RetainOnDelete(true))
	}
	return b.opts(given, more...)
}
