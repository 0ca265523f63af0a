package cluster

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/internal/cidr"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
	"github.com/plinth-dev/plinth/platform/format"
)

// SupportedVersions are the Kubernetes minors this Plinth release deploys
// on both clouds.
var SupportedVersions = []string{"1.31", "1.32", "1.33", "1.34"}

// Limits enforced by validate.
const (
	productionZones      = 3
	minDiskGB, maxDiskGB = 30, 2048
	minRetention         = 30
	maxRetention         = 730
	maxWindowH           = 24
	maxPoolNodes         = 1000
	// minKeyRotationDays is the shortest rotation Key Vault's rotation
	// policy takes (timeAfterCreate P7D); Cloud KMS takes a day.
	// maxKeyRotationDays: a key older than two years is hardly rotated.
	minKeyRotationDays, maxKeyRotationDays = 7, 730
)

var (
	versionPattern  = regexp.MustCompile(`^1\.[0-9]{1,2}$`)
	poolNamePattern = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)
	surgePattern    = regexp.MustCompile(`^[1-9][0-9]*%?$`)
	weekdays        = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)

// validate checks a copy of Args with defaults applied and returns every
// problem, in field order.
func (a Args) validate(path field.Path, t platform.Target, net platform.NetworkSpec) field.List {
	var errs field.List

	v := path.Child("kubernetesVersion")
	switch {
	case !versionPattern.MatchString(a.KubernetesVersion):
		errs.Addf(v, a.KubernetesVersion, "write the minor version only, e.g. %q; patches follow the upgrade channel", DefaultKubernetesVersion)
	case !slices.Contains(SupportedVersions, a.KubernetesVersion):
		errs.Addf(v, a.KubernetesVersion, "unknown version; this release supports %v", SupportedVersions)
	}

	names := map[string]field.Path{}
	totalMax := 0
	a.checkPool(path.Child("systemPool"), a.SystemPool, true, t, names, &errs)
	totalMax += a.SystemPool.MaxCount
	for i, p := range a.UserPools {
		a.checkPool(path.Child("userPools").Index(i), p, false, t, names, &errs)
		totalMax += p.MaxCount
	}
	if limit := net.MaxNodes; totalMax > limit {
		errs.Addf(path.Child("userPools"), nil, "the pools may scale to %d nodes, more than the network was sized for (network.maxNodes %d); raise network.maxNodes or lower the pools' maxCount", totalMax, limit)
	}

	api := path.Child("apiServer")
	for i, c := range a.APIServer.AuthorizedCIDRs {
		switch p, err := cidr.Parse(c); {
		case err != nil:
			errs.Addf(api.Child("authorizedCIDRs").Index(i), c, "%v", err)
		case p.Bits() == 0:
			// What check's PLN001 refuses in every class.
			errs.Addf(api.Child("authorizedCIDRs").Index(i), c, "admits every address, which leaves the API server open to the internet; list only the networks of operators and CI, e.g. \"203.0.113.0/24\", or keep it private")
		}
	}
	switch {
	case !a.APIServer.Public && len(a.APIServer.AuthorizedCIDRs) > 0:
		errs.Addf(api.Child("authorizedCIDRs"), strings.Join(a.APIServer.AuthorizedCIDRs, ","), "set while the API server is private; set apiServer.public or remove them")
	case a.APIServer.Public && len(a.APIServer.AuthorizedCIDRs) == 0:
		// What check's PLN001 refuses in every class: a public endpoint
		// open to every address.
		errs.Addf(api.Child("public"), true, "a public API server must be limited to authorizedCIDRs, in every class; add the ranges of operators and CI that may reach it, e.g. [\"203.0.113.0/24\"], or keep it private")
	}

	up := path.Child("upgrades")
	if !slices.Contains(platform.UpgradeChannels, a.Upgrades.Channel) {
		errs.Addf(up.Child("channel"), string(a.Upgrades.Channel), "use one of %v", platform.UpgradeChannels)
	}
	w := a.Upgrades.Window
	if !slices.Contains(weekdays, w.Day) {
		errs.Addf(up.Child("window").Child("day"), w.Day, "use a weekday in English, e.g. \"Sunday\"")
	}
	if w.StartHour < 0 || w.StartHour > 23 {
		errs.Addf(up.Child("window").Child("startHour"), w.StartHour, "must be 0..23 (UTC)")
	}
	if minH := t.Cloud.MinWindowHours; w.DurationHours < minH || w.DurationHours > maxWindowH {
		errs.Addf(up.Child("window").Child("durationHours"), w.DurationHours, "must be %d..%d hours on %s (the shortest weekly window %s accepts is %d hours)", minH, maxWindowH, t.Cloud.Name, t.Cloud.Service, minH)
	}

	switch {
	case a.Tier != platform.TierStandard && a.Tier != platform.TierFree:
		errs.Addf(path.Child("tier"), string(a.Tier), "use %q or %q", platform.TierStandard, platform.TierFree)
	case t.Production && a.Tier == platform.TierFree:
		errs.Addf(path.Child("tier"), string(a.Tier), "a production cluster needs the %q tier and its uptime SLA", platform.TierStandard)
	}
	if t.Production && a.AllowDeletion {
		errs.Addf(path.Child("allowDeletion"), true, "a production cluster keeps deletion protection; remove allowDeletion")
	}
	if !a.Monitoring.Disabled && (a.Monitoring.LogRetentionDays < minRetention || a.Monitoring.LogRetentionDays > maxRetention) {
		errs.Addf(path.Child("monitoring").Child("logRetentionDays"), a.Monitoring.LogRetentionDays, "must be %d..%d days", minRetention, maxRetention)
	}
	if a.Monitoring.Disabled && a.Monitoring.LogRetentionDays != 0 {
		errs.Addf(path.Child("monitoring").Child("logRetentionDays"), a.Monitoring.LogRetentionDays, "set while monitoring.disabled is true; remove one of them")
	}
	a.checkSecretsEncryption(path.Child("secretsEncryption"), t, &errs)
	a.checkAdminGroups(path.Child("adminGroups"), t, &errs)
	a.checkCloudOptions(path, t, &errs)
	errs = append(errs, platform.Tags(a.Tags).Validate(path.Child("tags"))...)
	return errs
}

func (a Args) checkPool(p field.Path, pool NodePool, system bool, t platform.Target, names map[string]field.Path, errs *field.List) {
	switch {
	case !poolNamePattern.MatchString(pool.Name):
		errs.Addf(p.Child("name"), pool.Name, "pool names are 1-12 lowercase letters and digits, starting with a letter (AKS rejects anything else)")
	case names[pool.Name] != "":
		errs.Addf(p.Child("name"), pool.Name, "duplicate pool name: %s has it already", names[pool.Name])
	default:
		names[pool.Name] = p.Child("name")
	}
	switch {
	case system && pool.MinCount < 1:
		errs.Addf(p.Child("minCount"), pool.MinCount, "the system pool needs at least one node; add-ons run only there")
	case pool.MinCount < 0:
		errs.Addf(p.Child("minCount"), pool.MinCount, "must be 0 or more")
	}
	switch {
	case pool.MaxCount < 1 || pool.MaxCount > maxPoolNodes:
		errs.Addf(p.Child("maxCount"), pool.MaxCount, "must be 1..%d", maxPoolNodes)
	case pool.MinCount > pool.MaxCount:
		errs.Addf(p.Child("minCount"), pool.MinCount, "greater than maxCount %d; swap them or raise maxCount", pool.MaxCount)
	}
	seen, valid := map[string]bool{}, t.Cloud.Zones.Valid(t.Region)
	for i, z := range pool.Zones {
		if !slices.Contains(valid, z) {
			errs.Addf(p.Child("zones").Index(i), z, "not a zone %s; use %v", zonesOf(t), valid)
		}
		if seen[z] {
			errs.Addf(p.Child("zones").Index(i), z, "listed twice")
		}
		seen[z] = true
	}
	switch {
	case t.Production && system && len(pool.Zones) < productionZones:
		errs.Addf(p.Child("zones"), strings.Join(pool.Zones, ","), "a production system pool spans at least %d zones so one zone outage leaves add-ons running", productionZones)
	case t.Production && len(pool.Zones) < productionZones:
		errs.Addf(p.Child("zones"), fmt.Sprint(pool.Zones), "a production pool spreads over at least %d zones; list %d or leave zones unset", productionZones, productionZones)
	}
	if system && pool.Spot {
		errs.Addf(p.Child("spot"), true, "the system pool cannot run on spot capacity; evictions would take add-ons down")
	}
	checkLabels(p.Child("labels"), pool.Labels, errs)
	checkTaints(p.Child("taints"), pool.Taints, errs)
	if pool.DiskSizeGB < minDiskGB || pool.DiskSizeGB > maxDiskGB {
		errs.Addf(p.Child("diskSizeGB"), pool.DiskSizeGB, "must be %d..%d", minDiskGB, maxDiskGB)
	}
	if !surgePattern.MatchString(pool.MaxSurge) {
		errs.Addf(p.Child("maxSurge"), pool.MaxSurge, "write a node count (\"1\") or a percentage (\"33%%\")")
	} else if n, _ := strconv.Atoi(strings.TrimSuffix(pool.MaxSurge, "%")); strings.HasSuffix(pool.MaxSurge, "%") && n > 100 {
		errs.Addf(p.Child("maxSurge"), pool.MaxSurge, "a percentage above 100%% doubles the pool; use at most 100%%")
	}
}

// checkLabels checks a pool's node labels against the Kubernetes label
// rules, and refuses the keys a kubelet may not set on its own node.
func checkLabels(p field.Path, labels map[string]string, errs *field.List) {
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		kp := p.Key(k)
		switch {
		case !format.LabelKey(k):
			errs.Addf(kp, k, "not a label key: %s, e.g. \"acme.example/workload\"", format.LabelKeyRule)
		case format.NodeLabelReserved(k):
			errs.Addf(kp, k, "kubernetes.io and k8s.io label keys are Kubernetes' own, and a node may not set them on itself (NodeRestriction), so the pool's nodes would not join; use a prefix of your own, e.g. \"acme.example/workload\", or node.kubernetes.io")
		}
		if v := labels[k]; !format.LabelValue(v) {
			errs.Addf(kp, v, "not a label value: %s", format.LabelValueRule)
		}
	}
}

// checkTaints checks a pool's taints: a label key, a label value and an
// effect each, no key and effect twice.
func checkTaints(p field.Path, taints []platform.Taint, errs *field.List) {
	seen := map[platform.Taint]field.Path{}
	for i, t := range taints {
		tp := p.Index(i)
		switch {
		case t.Key == "":
			errs.Add(field.Required(tp.Child("key"), "a taint needs a key"))
		case !format.LabelKey(t.Key):
			errs.Addf(tp.Child("key"), t.Key, "not a taint key: %s, e.g. \"acme.example/dedicated\"", format.LabelKeyRule)
		}
		if !format.LabelValue(t.Value) {
			errs.Addf(tp.Child("value"), t.Value, "not a taint value: %s", format.LabelValueRule)
		}
		if t.Effect != platform.NoSchedule && t.Effect != platform.PreferNoSchedule && t.Effect != platform.NoExecute {
			errs.Addf(tp.Child("effect"), string(t.Effect), "use NoSchedule, PreferNoSchedule or NoExecute")
		}
		k := platform.Taint{Key: t.Key, Effect: t.Effect}
		if first, dup := seen[k]; dup && t.Key != "" {
			errs.Addf(tp.Child("key"), t.Key, "%s already taints with this key and effect %s; Kubernetes keeps one taint per key and effect, remove one", first, t.Effect)
		} else if !dup {
			seen[k] = tp
		}
	}
}

// zonesOf says where zones were checked: in the target's region, or on its
// cloud when the region is not known yet.
func zonesOf(t platform.Target) string {
	if _, ok := t.Cloud.Zones.ByRegion[t.Region]; ok {
		return "of " + t.Region
	}
	return "on " + string(t.Cloud.Cloud)
}

func (a Args) checkCloudOptions(path field.Path, t platform.Target, errs *field.List) {
	cloud, opts := t.Cloud.Cloud, t.Cloud.ClusterOptions
	if opts != optionsAKS && a.AKS != (AKSOptions{}) {
		errs.Addf(path.Child("aks"), nil, "set, but the backend deploys to %s; AKS options apply only to AKS clusters, remove them", cloud)
	}
	if opts != optionsGKE && a.GKE != (GKEOptions{}) {
		errs.Addf(path.Child("gke"), nil, "set, but the backend deploys to %s; GKE options apply only to GKE clusters, remove them", cloud)
	}
	if opts == optionsAKS {
		p := path.Child("aks")
		if h := a.AKS.ImageCleanerIntervalHours; h < 24 || h > 2160 {
			errs.Addf(p.Child("imageCleanerIntervalHours"), h, "must be 24..2160 hours")
		}
		if d, err := time.ParseDuration(a.AKS.SecretRotationInterval); err != nil || d < time.Minute {
			errs.Addf(p.Child("secretRotationInterval"), a.AKS.SecretRotationInterval, "write a duration of at least a minute, e.g. \"2m\"")
		}
		if t.Production && a.AKS.DisableAzurePolicy {
			errs.Addf(p.Child("disableAzurePolicy"), true, "a production cluster keeps the Azure Policy add-on")
		}
		switch {
		case t.Production && a.AKS.DisableDefender:
			errs.Addf(p.Child("disableDefender"), true, "a production cluster keeps Microsoft Defender for Containers")
		case !a.AKS.DisableDefender && a.Monitoring.Disabled:
			errs.Addf(path.Child("monitoring").Child("disabled"), true, "Microsoft Defender for Containers reports to the cluster's Log Analytics workspace, which monitoring creates; keep monitoring, or set aks.disableDefender: true outside production")
		}
	}
	if opts == optionsGKE && t.Production && a.GKE.DisableBinaryAuthorization {
		errs.Addf(path.Child("gke").Child("disableBinaryAuthorization"), true, "a production cluster keeps Binary Authorization enforced")
	}
}

func (a Args) checkSecretsEncryption(p field.Path, t platform.Target, errs *field.List) {
	e := a.SecretsEncryption
	switch {
	case e.Disabled && t.Production:
		// What check's PLN014 refuses in production.
		errs.Addf(p.Child("disabled"), true, "a production cluster encrypts its Secrets in etcd with a key of its own in %s's key management service; remove disabled", t.Cloud.Name)
	case e.Disabled && e.KeyRotationDays != 0:
		errs.Addf(p.Child("keyRotationDays"), e.KeyRotationDays, "set while secretsEncryption.disabled is true; remove one of them")
	case !e.Disabled && (e.KeyRotationDays < minKeyRotationDays || e.KeyRotationDays > maxKeyRotationDays):
		errs.Addf(p.Child("keyRotationDays"), e.KeyRotationDays, "must be %d..%d days, e.g. %d (Key Vault rotates a key at most weekly)", minKeyRotationDays, maxKeyRotationDays, DefaultKeyRotationDays)
	}
}

func (a Args) checkAdminGroups(p field.Path, t platform.Target, errs *field.List) {
	cloud := t.Cloud
	if t.Production && cloud.AdminGroupsAreClusterAdmin && len(a.AdminGroups) > 0 {
		// The one home of the rule: no standing cluster-admin in
		// production, whatever sets the groups.
		errs.Addf(p, strings.Join(a.AdminGroups, ","), "members of %s admin groups hold cluster-admin at all times, and a production cluster has no standing cluster-admin; "+
			"remove adminGroups and give the administrators the access catalog's break-glass level (access.breakGlass), which is approved and expires", cloud.Service)
		return
	}
	if n := cloud.MaxAdminGroups; n > 0 && len(a.AdminGroups) > n {
		errs.Addf(p, strings.Join(a.AdminGroups, ","), "%s takes %d admin group(s), %s; nest the other groups in it", cloud.Service, n, cloud.AdminGroups.Want)
	}
	for i, g := range a.AdminGroups {
		if !cloud.AdminGroups.Check(g) {
			errs.Addf(p.Index(i), g, "not %s", cloud.AdminGroups.Want)
		}
	}
}
