package accesspackage

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/components/mesh"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// Name limits enforced by validate.
const (
	maxTeamLength      = 30
	maxLevelNameLength = 20
	maxNamespaceLength = format.MaxDNSLabel
)

var (
	teamPattern  = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$`)
	levelPattern = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$`)
	// labelValuePattern is a value both a Kubernetes label and a GCP label
	// accept, not empty.
	labelValuePattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$`)
	quantityPattern   = regexp.MustCompile(`^([0-9]+(\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$`)
)

// reviewPeriods are the valid AccessReview.Every values.
var reviewPeriods = []string{"monthly", "quarterly", "semiannually", "annually"}

// plinthLabels are the label keys Plinth sets from typed fields, by the
// field that sets them.
var plinthLabels = map[string]string{
	"team":        "accessPackage.team",
	"environment": "accessCatalog.environment",
	"cost-center": "accessPackage.costCenter or accessCatalog.costCenter",
	"managed-by":  "Plinth",
}

// validate checks a resolved catalog; orig is what the user passed.
func (r *resolvedCatalog) validate(path field.Path, orig *CatalogArgs) field.List {
	var errs field.List
	errs = append(errs, checkMaxDuration(path.Child("maxDuration"), r.MaxDuration, r.cloud)...)

	envPath := path.Child("environment")
	clusterEnv := r.clusterTags["environment"]
	switch {
	case r.Environment == "":
		errs.Add(field.Required(envPath, `the "environment" label of every team namespace, e.g. "prod"; set it, or tag the cluster with "environment"`))
	case !labelValuePattern.MatchString(r.Environment):
		errs.Addf(envPath, r.Environment, "not a label value; use 1-63 lowercase letters, digits, '_' and '-', starting and ending with a letter or digit")
	case orig.Environment != "" && clusterEnv != "" && orig.Environment != clusterEnv:
		errs.Addf(envPath, orig.Environment, "the cluster is tagged environment %q; pass the cluster of this environment, or leave environment unset to use the cluster's", clusterEnv)
	}
	if r.CostCenter != "" && !labelValuePattern.MatchString(r.CostCenter) {
		errs.Addf(path.Child("costCenter"), r.CostCenter, "not a label value; use 1-63 lowercase letters, digits, '_' and '-', starting and ending with a letter or digit")
	}
	if d := r.Domain; d != "" && !format.Hostname(d, false) {
		errs.Addf(path.Child("domain"), d, "not a DNS domain: use %s, e.g. \"prod.example.com\"; teams get hostnames below it", format.HostnameRule)
	}
	for i, ns := range r.ReservedNamespaces {
		errs.Add(checkNamespaceName(path.Child("reservedNamespaces").Index(i), ns))
	}
	if ps := r.PodSecurity; ps != PodSecurityBaseline && ps != PodSecurityRestricted {
		errs.Addf(path.Child("podSecurity"), orig.PodSecurity, "must be %q or %q: the standard a team namespace enforces when it sets none", PodSecurityBaseline, PodSecurityRestricted)
	}
	errs = append(errs, checkTags(path.Child("tags"), r.Tags)...)

	if bg := r.BreakGlass; bg != nil {
		bp := path.Child("breakGlass")
		rules := levelRules{cloud: r.cloud, max: r.MaxDuration, maxPath: r.path.Child("maxDuration"), breakGlass: true}
		errs = append(errs, rules.check(bp, *bg)...)
	}
	return errs
}

// validate checks a resolved team; orig is what the user passed.
func (r *resolved) validate(orig *Args) field.List {
	var errs field.List
	path, cloud := r.path, r.cat.cloud

	tp := path.Child("team")
	teamOK := false
	switch {
	case r.Team == "":
		errs.Add(field.Required(tp, "the team's name, e.g. \"payments\""))
	case !ValidTeamName(r.Team):
		errs.Addf(tp, r.Team, "use 1-%d lowercase letters, digits and '-', starting with a letter and not ending with '-'", maxTeamLength)
	case cloud.MaxTeamName > 0 && len(r.Team) > cloud.MaxTeamName:
		errs.Addf(tp, r.Team, "longer than %d characters, the most on %s: %s; shorten it", cloud.MaxTeamName, cloud.Cloud, cloud.TeamNameLimit)
		teamOK = true // its namespace, named after it, is still checked
	default:
		teamOK = true
	}
	// Without namespaces the team's one is named after it; an invalid
	// team is reported once, above.
	namespaces := r.Namespaces
	if len(orig.Namespaces) == 0 && !teamOK {
		namespaces = nil
	}

	cp := path.Child("costCenter")
	switch {
	case r.CostCenter == "":
		errs.Add(field.Required(cp, `the cost center the team's namespaces are charged to, e.g. "cc-1234"; set it here or on the catalog, or tag the cluster with "cost-center"`))
	case !labelValuePattern.MatchString(r.CostCenter):
		errs.Addf(cp, r.CostCenter, "not a label value; use 1-63 lowercase letters, digits, '_' and '-', starting and ending with a letter or digit")
	}

	ip := path.Child("ingressNamespace")
	ingressOK := checkNamespaceName(ip, r.IngressNamespace)
	errs.Add(ingressOK)

	reserved := slices.Concat(DefaultReservedNamespaces, r.cat.ReservedNamespaces)
	seen := map[string]int{}
	for i, ns := range namespaces {
		np := path.Child("namespaces").Index(i)
		if ns.Name == "" {
			errs.Add(field.Required(np.Child("name"), "the namespace's name, a DNS-1123 label such as %q", r.Team))
		} else if err := checkNamespaceName(np.Child("name"), ns.Name); err != nil {
			errs.Add(err)
		} else if j, dup := seen[ns.Name]; dup {
			errs.Addf(np.Child("name"), ns.Name, "repeats %s; list each namespace once", path.Child("namespaces").Index(j))
		} else if ns.Name == r.IngressNamespace && ingressOK == nil {
			errs.Addf(np.Child("name"), ns.Name, "is the ingress controller's namespace (ingressNamespace); a team must not get rights in it; pick a namespace of the team's own")
		} else if reason := reservedBy(ns.Name, reserved); reason != "" {
			errs.Addf(np.Child("name"), ns.Name, "reserved (%s): a team must not get rights in it; pick a namespace of the team's own", reason)
		}
		if _, dup := seen[ns.Name]; !dup {
			seen[ns.Name] = i
		}
		errs = append(errs, checkNamespace(np, ns)...)
		if ns.Mesh != nil {
			errs = append(errs, r.checkMesh(np.Child("mesh"), *ns.Mesh)...)
		}
	}

	// The package's requestors and approvers are checked here, once, not
	// in each level that inherits them.
	if max := cloud.MaxRequestors; max > 0 && len(orig.Requestors) > max {
		errs.Addf(path.Child("requestors"), len(orig.Requestors), "at most %d requestors on %s; name a group (\"group:<id>\") instead of its members", max, cloud.Cloud)
	}
	errs = append(errs, checkPrincipals(path.Child("requestors"), orig.Requestors, cloud)...)
	errs = append(errs, checkPrincipals(path.Child("approvers"), orig.Approvers, cloud)...)

	// The default levels take their requestors and approvers from the
	// package; say so once rather than once per level.
	if len(orig.Levels) == 0 && (len(orig.Requestors) == 0 || len(orig.Approvers) == 0) {
		if len(orig.Requestors) == 0 {
			errs.Add(field.Required(path.Child("requestors"), `the default levels (reader, developer, admin) need requestors: the principals who may request them, e.g. "group:<team members>"; or set levels`))
		}
		if len(orig.Approvers) == 0 {
			errs.Add(field.Required(path.Child("approvers"), "the default levels developer and admin need approval: name the approvers, e.g. the team's leads; or set levels with approval stages"))
		}
	} else {
		rules := levelRules{cloud: cloud, max: r.cat.MaxDuration, maxPath: r.cat.path.Child("maxDuration")}
		names := map[string]int{}
		groups := map[string]int{}
		for i, l := range r.Levels {
			lp := path.Child("levels").Index(i)
			var own Level // what the user set on the level
			if i < len(orig.Levels) {
				own = orig.Levels[i]
			}
			lr := rules
			lr.inheritedRequestors = len(own.Requestors) == 0
			lr.inheritedApproval = len(own.Approval) == 0
			errs = append(errs, lr.check(lp, l)...)
			if j, dup := names[l.Name]; dup && l.Name != "" {
				errs.Addf(lp.Child("name"), l.Name, "repeats %s; level names are unique within a team", path.Child("levels").Index(j).Child("name"))
			} else {
				names[l.Name] = i
			}
			if g := l.ExistingGroup; g != "" {
				if j, dup := groups[g]; dup {
					errs.Addf(lp.Child("existingGroup"), g, "already the group of %s; a group backs one level, or its members would hold both roles", path.Child("levels").Index(j))
				} else {
					groups[g] = i
				}
			}
		}
	}
	errs = append(errs, checkHostnames(path.Child("hostnames"), r.Hostnames)...)
	errs = append(errs, checkTags(path.Child("tags"), orig.Tags)...)
	return errs
}

// levelRules are what a level is checked against.
type levelRules struct {
	cloud platform.CloudFacts
	// max is the catalog's MaxDuration, at maxPath.
	max     time.Duration
	maxPath field.Path
	// breakGlass checks the catalog's break-glass level.
	breakGlass bool
	// inheritedRequestors and inheritedApproval say that the level's
	// requestors or approval stage come from the package, where they are
	// checked.
	inheritedRequestors, inheritedApproval bool
}

// check validates one resolved level.
func (lr levelRules) check(p field.Path, l Level) field.List {
	var errs field.List
	switch {
	case l.Name == "":
		errs.Add(field.Required(p.Child("name"), "the level's name, e.g. \"developer\""))
	case len(l.Name) > maxLevelNameLength || !levelPattern.MatchString(l.Name):
		errs.Addf(p.Child("name"), l.Name, "use 1-%d lowercase letters, digits and '-', starting with a letter and not ending with '-'", maxLevelNameLength)
	}

	rp := p.Child("role")
	switch {
	case lr.breakGlass && l.Role != platform.AccessClusterAdmin:
		errs.Addf(rp, string(l.Role), "the break-glass level is cluster-admin; leave role unset, and give teams their rights through AccessPackage levels")
	case lr.breakGlass:
	case l.Role == "":
		errs.Add(field.Required(rp, "what members may do: view, edit or admin in the team's namespaces"))
	case l.Role == platform.AccessClusterAdmin:
		errs.Addf(rp, string(l.Role), "only the catalog's break-glass level may grant cluster-wide rights; use admin for the team's namespaces, or accessCatalog.breakGlass for incidents")
	case l.Role != platform.AccessView && l.Role != platform.AccessEdit && l.Role != platform.AccessAdmin:
		errs.Addf(rp, string(l.Role), "must be view, edit or admin")
	}

	if len(l.Requestors) == 0 {
		if lr.breakGlass {
			errs.Add(field.Required(p.Child("requestors"), "who may request break-glass access, e.g. the platform on-call group"))
		} else {
			errs.Add(field.Required(p.Child("requestors"), "who may request the level: set requestors on the level, or the package's requestors"))
		}
	}
	if !lr.inheritedRequestors {
		if max := lr.cloud.MaxRequestors; max > 0 && len(l.Requestors) > max {
			errs.Addf(p.Child("requestors"), len(l.Requestors), "at most %d requestors on %s; name a group (\"group:<id>\") instead of its members", max, lr.cloud.Cloud)
		}
		errs = append(errs, checkPrincipals(p.Child("requestors"), l.Requestors, lr.cloud)...)
	}

	ap := p.Child("approval")
	switch {
	case l.NoApproval && lr.breakGlass:
		errs.Addf(p.Child("noApproval"), true, "break-glass access always needs approval; remove noApproval and add an approval stage")
	case l.NoApproval && len(l.Approval) > 0:
		errs.Addf(p.Child("noApproval"), true, "the level also has approval stages; remove one of the two")
	case l.NoApproval && l.Role == platform.AccessAdmin:
		errs.Addf(p.Child("noApproval"), true, "admin can change the namespace's RoleBindings and read its secrets; it always needs approval: remove noApproval and add approvers")
	case !l.NoApproval && len(l.Approval) == 0 && lr.breakGlass:
		errs.Add(field.Required(ap, "break-glass access needs at least one approval stage with approvers"))
	case !l.NoApproval && len(l.Approval) == 0:
		errs.Add(field.Required(ap, "approval required: add approvers (an approval stage, or the package's approvers) or set noApproval"))
	}
	if max := lr.cloud.MaxApprovalStages; max > 0 && len(l.Approval) > max {
		stages := "approval stages"
		if max == 1 {
			stages = "approval stage"
		}
		errs.Addf(ap, len(l.Approval), "at most %d %s on %s; merge stages", max, stages, lr.cloud.Cloud)
	}
	for i, s := range l.Approval {
		sp := ap.Index(i)
		if len(s.Approvers) == 0 {
			errs.Add(field.Required(sp.Child("approvers"), "who approves this stage, e.g. \"group:<team leads>\""))
		}
		if !lr.inheritedApproval {
			errs = append(errs, checkPrincipals(sp.Child("approvers"), s.Approvers, lr.cloud)...)
		}
		if s.TimeoutDays < 1 || s.TimeoutDays > MaxApprovalTimeoutDays {
			errs.Addf(sp.Child("timeoutDays"), s.TimeoutDays, "must be 1..%d; leave it unset for %d", MaxApprovalTimeoutDays, DefaultApprovalTimeoutDays)
		}
	}

	if lr.breakGlass && l.Justification != nil && !*l.Justification {
		errs.Addf(p.Child("justification"), false, "break-glass access always requires a justification; leave justification unset")
	}

	dp, unit := p.Child("maxDuration"), lr.cloud.AccessUnit
	bgLimit := max(BreakGlassDurationLimit, unit)
	switch d := l.MaxDuration; {
	case d == 0:
		// Unset and without a default: the role is invalid, reported above.
	case d < unit || d%unit != 0:
		errs.Addf(dp, d, "%s", lr.cloud.AccessUnitRule)
	case lr.breakGlass && d > bgLimit:
		errs.Addf(dp, d, "break-glass grants last at most %v; shorten it", bgLimit)
	case d > lr.max:
		errs.Addf(dp, d, "longer than the platform maximum %v (%s, %s); shorten the level's maxDuration or raise the catalog's", lr.max, days(lr.max), lr.maxPath)
	}

	if rv := l.Review; rv != nil && !lr.cloud.AccessReviews {
		errs.Addf(p.Child("review"), rv.Every, "%s", lr.cloud.NoReviewsWhy)
	} else if rv != nil {
		rvp := p.Child("review")
		if !slices.Contains(reviewPeriods, rv.Every) {
			errs.Addf(rvp.Child("every"), rv.Every, "must be one of %s", strings.Join(reviewPeriods, ", "))
		}
		if len(rv.Reviewers) == 0 {
			errs.Add(field.Required(rvp.Child("reviewers"), "who reviews the level's members, e.g. the team's leads"))
		}
		errs = append(errs, checkPrincipals(rvp.Child("reviewers"), rv.Reviewers, lr.cloud)...)
	}

	switch g := l.ExistingGroup; {
	case g == "":
	case !lr.breakGlass && !lr.cloud.TeamExistingGroups:
		errs.Addf(p.Child("existingGroup"), g, "%s", lr.cloud.NoTeamGroupsWhy)
	case !lr.cloud.Groups.Check(g):
		errs.Addf(p.Child("existingGroup"), g, "not a group ID; use %s, e.g. %q", lr.cloud.Groups.Want, lr.cloud.Groups.Example)
	}
	return errs
}

// checkMaxDuration checks the catalog's platform maximum.
func checkMaxDuration(p field.Path, d time.Duration, cloud platform.CloudFacts) field.List {
	var errs field.List
	switch unit := cloud.AccessUnit; {
	case d < unit || d%unit != 0:
		errs.Addf(p, d, "%s; leave it unset for %v (%s)", cloud.AccessUnitRule, DefaultMaxDuration, days(DefaultMaxDuration))
	case d > MaxDurationLimit:
		errs.Addf(p, d, "at most %v (%s); leave it unset for %v (%s)", MaxDurationLimit, days(MaxDurationLimit), DefaultMaxDuration, days(DefaultMaxDuration))
	}
	return errs
}

// checkPrincipals checks each principal of a list and that none repeats.
func checkPrincipals(p field.Path, list []string, cloud platform.CloudFacts) field.List {
	var errs field.List
	seen := map[string]int{}
	for i, pr := range list {
		if err := checkPrincipal(p.Index(i), pr, cloud); err != nil {
			errs.Add(err)
			continue
		}
		key := strings.ToLower(pr)
		if j, dup := seen[key]; dup {
			errs.Addf(p.Index(i), pr, "repeats %s; list each principal once", p.Index(j))
			continue
		}
		seen[key] = i
	}
	return errs
}

// days writes d in days and hours for messages: "90 days", "8 hours".
func days(d time.Duration) string {
	if d%day == 0 {
		return strconv.Itoa(int(d/day)) + " days"
	}
	return strconv.Itoa(int(d/time.Hour)) + " hours"
}

// checkPrincipal checks "user:<id>" or "group:<id>" with an id of the
// cloud's form (platform.CloudFacts.Principals).
func checkPrincipal(p field.Path, s string, cloud platform.CloudFacts) *field.Error {
	f := cloud.Principals
	kind, id, ok := strings.Cut(s, ":")
	if !ok || (kind != "user" && kind != "group") || id == "" {
		return field.Invalid(p, s, `a principal is "user:<id>" or "group:<id>"; on %s the id is %s, e.g. %q`, cloud.Name, f.Want, "group:"+f.Example)
	}
	if !f.Check(id) {
		return field.Invalid(p, s, "on %s the id is %s, e.g. %q", cloud.Name, f.Want, kind+":"+f.Example)
	}
	return nil
}

// checkNamespaceName checks a DNS-1123 label, the form Kubernetes requires
// of namespace names.
func checkNamespaceName(p field.Path, name string) *field.Error {
	if !format.DNSLabel(name) {
		return field.Invalid(p, name, "not a namespace name Kubernetes accepts; use 1-%d lowercase letters, digits and '-', starting and ending with a letter or digit", maxNamespaceLength)
	}
	return nil
}

// reservedBy says why name is reserved, or "" when it is not.
func reservedBy(name string, reserved []string) string {
	if slices.Contains(reserved, name) {
		return "a platform or Kubernetes namespace"
	}
	for _, prefix := range ReservedNamespacePrefixes {
		if strings.HasPrefix(name, prefix) {
			return "names starting with " + strconv.Quote(prefix) + " belong to Kubernetes and the clouds"
		}
	}
	return ""
}

// checkNamespace checks a resolved namespace's quota, limits and pod
// security.
func checkNamespace(p field.Path, ns Namespace) field.List {
	var errs field.List
	qp, q := p.Child("quota"), ns.Quota
	cpu := quantity(&errs, qp.Child("cpu"), q.CPU)
	mem := quantity(&errs, qp.Child("memory"), q.Memory)
	memLimit := quantity(&errs, qp.Child("memoryLimit"), q.MemoryLimit)
	quantity(&errs, qp.Child("storage"), q.Storage)
	if mem >= 0 && memLimit >= 0 && memLimit < mem {
		errs.Addf(qp.Child("memoryLimit"), q.MemoryLimit, "less than quota.memory %q; limits are at least requests, so no pod could use the requested memory", q.Memory)
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"pods", q.Pods}, {"persistentVolumeClaims", q.PersistentVolumeClaims}, {"loadBalancers", q.LoadBalancers}, {"nodePorts", q.NodePorts}} {
		if c.v < 0 {
			errs.Addf(qp.Child(c.name), c.v, "a count cannot be negative")
		}
	}

	lp, l := p.Child("limits"), ns.Limits
	cpuReq := quantity(&errs, lp.Child("cpuRequest"), l.CPURequest)
	memReq := quantity(&errs, lp.Child("memoryRequest"), l.MemoryRequest)
	memLim := quantity(&errs, lp.Child("memoryLimit"), l.MemoryLimit)
	if memReq >= 0 && memLim >= 0 && memLim < memReq {
		errs.Addf(lp.Child("memoryLimit"), l.MemoryLimit, "less than limits.memoryRequest %q; Kubernetes rejects a default limit below the default request", l.MemoryRequest)
	}
	if l.CPULimit != "" {
		cpuLim := quantity(&errs, lp.Child("cpuLimit"), l.CPULimit)
		if cpuReq >= 0 && cpuLim >= 0 && cpuLim < cpuReq {
			errs.Addf(lp.Child("cpuLimit"), l.CPULimit, "less than limits.cpuRequest %q; Kubernetes rejects a default limit below the default request", l.CPURequest)
		}
	}
	if cpuReq >= 0 && cpu >= 0 && cpuReq > cpu {
		errs.Addf(lp.Child("cpuRequest"), l.CPURequest, "more than quota.cpu %q; no container with the default request would fit", q.CPU)
	}
	if memLim >= 0 && memLimit >= 0 && memLim > memLimit {
		errs.Addf(lp.Child("memoryLimit"), l.MemoryLimit, "more than quota.memoryLimit %q; no container with the default limit would fit", q.MemoryLimit)
	}

	if ns.PodSecurity != PodSecurityBaseline && ns.PodSecurity != PodSecurityRestricted {
		errs.Addf(p.Child("podSecurity"), ns.PodSecurity, "must be %q or %q; a team namespace never runs privileged pods", PodSecurityBaseline, PodSecurityRestricted)
	}
	return errs
}

// quantity parses a Kubernetes quantity into base units, adding a problem
// and returning -1 when it is not one.
func quantity(errs *field.List, p field.Path, s string) float64 {
	m := quantityPattern.FindStringSubmatch(s)
	if m == nil {
		errs.Addf(p, s, `not a Kubernetes quantity; write e.g. "8", "500m", "16Gi"`)
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v * quantitySuffixes[m[3]]
}

var quantitySuffixes = map[string]float64{
	"": 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
	"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "Pi": 1 << 50, "Ei": 1 << 60,
}

// checkTags applies GCP label rules (platform.Tags.Validate), the
// Kubernetes rule that label keys and values end with a letter or digit,
// and refuses the keys Plinth sets.
func checkTags(p field.Path, tags map[string]string) field.List {
	errs := platform.Tags(tags).Validate(p)
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		v := tags[k]
		if by, ok := plinthLabels[k]; ok {
			errs.Addf(p.Key(k), v, "Plinth sets this label from %s; remove the tag", by)
			continue
		}
		if k != "" && !endsAlnum(k) {
			errs.Addf(p.Key(k), k, "a Kubernetes label key ends with a letter or digit")
		}
		if v != "" && (!endsAlnum(v) || !startsAlnum(v)) {
			errs.Addf(p.Key(k), v, "a Kubernetes label value starts and ends with a letter or digit")
		}
	}
	return errs
}

func endsAlnum(s string) bool   { return isAlnum(s[len(s)-1]) }
func startsAlnum(s string) bool { return isAlnum(s[0]) }
func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z'
}

// ValidTeamName reports whether team is a valid Args.Team: 1-30 lowercase
// letters, digits and '-', starting with a letter and not ending with '-'.
func ValidTeamName(team string) bool {
	return len(team) <= maxTeamLength && teamPattern.MatchString(team)
}

// ianaServiceName is a container port's name: 1-15 lowercase letters,
// digits and '-', at least one letter, no leading, trailing or double '-'.
var ianaServiceName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$`)

// checkMesh checks a namespace's way into the mesh: a mesh to join, and
// its ports' names, each once, none the proxy's own.
func (r *resolved) checkMesh(p field.Path, m NamespaceMesh) field.List {
	var errs field.List
	if r.cat.Mesh == nil {
		errs.Addf(p, "joined", "the cluster has no service mesh to join; add mesh to the environment (an empty mapping installs it), or remove mesh here")
	}
	if len(m.Ports) == 0 {
		errs.Add(field.Required(p.Child("ports"), "the names of the container ports the namespace's pods serve on, e.g. %q; leave ports unset for %q", "http", DefaultMeshPorts))
	}
	for i, port := range m.Ports {
		pp := p.Child("ports").Index(i)
		switch {
		case !ianaServiceName.MatchString(port) || strings.Contains(port, "--") || strings.Trim(port, "0123456789") == "":
			errs.Addf(pp, port, "not a container port name: 1-15 lowercase letters, digits and '-', with a letter, not starting or ending with '-', e.g. %q", "http")
		case port == mesh.ProxyAdminPortName:
			errs.Addf(pp, port, "is the mesh proxy's own port, which Plinth authorizes for the metrics collectors only; remove it")
		case MeshServerPrefix+port == MeshAdminServerName:
			errs.Addf(pp, port, "would name its Server %q, the proxies' admin port's; rename the container port", MeshAdminServerName)
		case slices.Contains(m.Ports[:i], port):
			errs.Addf(pp, port, "repeats %s; list each port once", p.Child("ports").Index(slices.Index(m.Ports, port)))
		}
	}
	return errs
}
