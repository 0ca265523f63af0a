package fake

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Access resource types the fake registers; internal/mockcloud answers them
// with IDs fake://groups/<name>, fake://access-catalogs/<name> and
// fake://access-packages/<name>.
const (
	// GroupType is the directory group behind one access level.
	GroupType = "plinthfake:index:Group"
	// AccessCatalogType is the platform's one catalog.
	AccessCatalogType = "plinthfake:index:AccessCatalog"
	// AccessPackageType is one level's package with its request policy
	// (requestors, approval stages, justification, maxDuration, review) as
	// inputs.
	AccessPackageType = "plinthfake:index:AccessPackage"
)

var _ platform.AccessBackend = (*Backend)(nil)

// accessLog holds the access specs one Backend received. It lives beside
// the Backend rather than in it (see accessLogs) and is guarded by the
// Backend's mutex.
type accessLog struct {
	catalogs []platform.AccessCatalogSpec
	packages []platform.AccessPackageSpec
}

// accessLogs maps each *Backend to its accessLog.
var accessLogs sync.Map

func (b *Backend) accessLog() *accessLog {
	v, _ := accessLogs.LoadOrStore(b, &accessLog{})
	return v.(*accessLog)
}

// Catalogs returns the specs NewAccessCatalog received, in call order.
func (b *Backend) Catalogs() []platform.AccessCatalogSpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.accessLog().catalogs)
}

// AccessPackages returns the specs NewAccessPackage received, in call order.
func (b *Backend) AccessPackages() []platform.AccessPackageSpec {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.accessLog().packages)
}

// NewAccessCatalog registers one catalog named "<spec.Name>-catalog".
func (b *Backend) NewAccessCatalog(ctx *pulumi.Context, spec platform.AccessCatalogSpec, opts ...pulumi.ResourceOption) (*platform.AccessCatalog, error) {
	if spec.Name == "" {
		return nil, errors.New("fake: access catalog without a name")
	}
	b.mu.Lock()
	log := b.accessLog()
	log.catalogs = append(log.catalogs, spec)
	b.mu.Unlock()

	name := platform.ChildName(spec.Name, "catalog")
	var cat resourceState
	err := ctx.RegisterResource(AccessCatalogType, name, pulumi.Map{
		"name":        pulumi.String(name),
		"description": pulumi.String(spec.Description),
		"tags":        pulumi.ToStringMap(spec.Tags),
	}, &cat, append(opts, pulumi.Provider(b.provider))...)
	if err != nil {
		return nil, err
	}
	return &platform.AccessCatalog{ID: cat.ID().ToStringOutput()}, nil
}

// NewAccessPackage refuses, registering nothing, levels without a name, with
// another level's name or without a MaxDuration. It registers, per level, a group "<spec.Name>-<level>-group"
// (none when the level names an ExistingGroup, whose ID is then used) and
// an access package "<spec.Name>-<level>" in the catalog whose inputs are
// the level's request policy. A group's Subject is its ID.
func (b *Backend) NewAccessPackage(ctx *pulumi.Context, spec platform.AccessPackageSpec, opts ...pulumi.ResourceOption) (*platform.AccessPackageOutputs, error) {
	switch {
	case spec.Catalog == nil:
		return nil, fmt.Errorf("fake: access package %q: no catalog", spec.Name)
	case spec.Cluster == nil:
		return nil, fmt.Errorf("fake: access package %q: no cluster", spec.Name)
	}
	if err := validateAccessLevels(spec.Levels, field.NewPath("accessPackage").Child("levels")); err != nil {
		return nil, fmt.Errorf("fake: access package %q: %w", spec.Name, err)
	}
	b.mu.Lock()
	log := b.accessLog()
	log.packages = append(log.packages, spec)
	b.mu.Unlock()

	opts = append(opts, pulumi.Provider(b.provider))
	out := &platform.AccessPackageOutputs{Groups: map[string]platform.AccessGroup{}}
	for _, lvl := range spec.Levels {
		var groupID pulumi.StringInput = pulumi.String(lvl.ExistingGroup)
		if lvl.ExistingGroup == "" {
			name := platform.ChildName(spec.Name, lvl.Name+"-group")
			var g resourceState
			err := ctx.RegisterResource(GroupType, name, pulumi.Map{
				"name":  pulumi.String(name),
				"team":  pulumi.String(spec.Team),
				"level": pulumi.String(lvl.Name),
				"tags":  pulumi.ToStringMap(spec.Tags),
			}, &g, append(opts, pulumi.Protect(spec.Retain), pulumi.RetainOnDelete(spec.Retain))...)
			if err != nil {
				return nil, err
			}
			groupID = g.ID()
		}
		name := platform.ChildName(spec.Name, lvl.Name)
		inputs := pulumi.Map{
			"name":          pulumi.String(name),
			"catalog":       spec.Catalog.ID,
			"cluster":       spec.Cluster.ID,
			"team":          pulumi.String(spec.Team),
			"level":         pulumi.String(lvl.Name),
			"role":          pulumi.String(string(lvl.Role)),
			"group":         groupID,
			"namespaces":    pulumi.ToStringArray(spec.Namespaces),
			"requestors":    pulumi.ToStringArray(lvl.Requestors),
			"approval":      approvalInputs(lvl.Approval),
			"justification": pulumi.Bool(lvl.Justification),
			"maxDuration":   pulumi.String(lvl.MaxDuration.String()),
			"tags":          pulumi.ToStringMap(spec.Tags),
		}
		if r := lvl.Review; r != nil {
			inputs["review"] = pulumi.Map{
				"every":     pulumi.String(r.Every),
				"reviewers": pulumi.ToStringArray(r.Reviewers),
			}
		}
		var pkg accessPackageState
		if err := ctx.RegisterResource(AccessPackageType, name, inputs, &pkg, opts...); err != nil {
			return nil, err
		}
		// The group as the package reports it: an output of a registered
		// resource even for an existing group, so that applies on it are
		// awaited like every other output.
		out.Groups[lvl.Name] = platform.AccessGroup{ID: pkg.Group, Subject: pkg.Group}
	}
	return out, nil
}

// validateAccessLevels checks what every backend refuses, before anything
// is registered (rule C8): a level without a name or with another's, and a
// grant that never expires.
func validateAccessLevels(levels []platform.AccessLevelSpec, path field.Path) error {
	var errs field.List
	names := make([]string, len(levels))
	for i, l := range levels {
		names[i] = l.Name
		if l.MaxDuration <= 0 {
			errs.Addf(path.Index(i).Child("maxDuration"), l.MaxDuration.String(), "every grant must end: give how long it lasts")
		}
	}
	checkNames(&errs, path, names, "level")
	return errs.Err()
}

// accessPackageState is an access package's outputs.
type accessPackageState struct {
	pulumi.CustomResourceState
	Group pulumi.StringOutput `pulumi:"group"`
}

func approvalInputs(stages []platform.ApprovalStage) pulumi.Array {
	out := pulumi.Array{}
	for _, s := range stages {
		out = append(out, pulumi.Map{
			"approvers":   pulumi.ToStringArray(s.Approvers),
			"timeoutDays": pulumi.Int(s.TimeoutDays),
		})
	}
	return out
}
