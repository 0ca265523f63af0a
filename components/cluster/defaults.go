package cluster

import "github.com/plinth-dev/plinth/platform"

// Defaults for the optional fields of Args.
const (
	// DefaultKubernetesVersion is the minor version a cluster starts on.
	// Bumping it in a Plinth release is a reviewed, visible change.
	DefaultKubernetesVersion = "1.33"
	// DefaultSystemPoolName names the system pool.
	DefaultSystemPoolName = "system"
	// DefaultSystemMinCount is the system pool's minimum: one node per
	// default zone.
	DefaultSystemMinCount = 3
	// DefaultSystemMaxCount is the system pool's maximum.
	DefaultSystemMaxCount = 6
	// DefaultUserMinCount is a user pool's minimum.
	DefaultUserMinCount = 1
	// DefaultUserMaxCount is a user pool's maximum.
	DefaultUserMaxCount = 10
	// DefaultDiskSizeGB is the OS disk size of every pool.
	DefaultDiskSizeGB = 128
	// DefaultMaxSurge is the extra capacity an upgrade adds.
	DefaultMaxSurge = "33%"
	// DefaultChannel is the upgrade channel.
	DefaultChannel = platform.ChannelStable
	// DefaultTier is the control plane's availability tier.
	DefaultTier = platform.TierStandard
	// DefaultLogRetentionDays is how long cluster logs are kept where the
	// backend owns the store (Azure Log Analytics).
	DefaultLogRetentionDays = 30
	// DefaultImageCleanerIntervalHours is how often AKS Image Cleaner runs:
	// weekly.
	DefaultImageCleanerIntervalHours = 168
	// DefaultSecretRotationInterval is how often the AKS Key Vault secrets
	// provider re-reads mounted secrets.
	DefaultSecretRotationInterval = "2m"
	// DefaultKeyRotationDays is how often the key that encrypts the
	// cluster's Secrets gets a new version: quarterly, the period the
	// clouds' own guides and most compliance baselines name.
	DefaultKeyRotationDays = 90
)

// DefaultWindow is the weekly maintenance window: Sunday 02:00-14:00 UTC.
// Twelve hours is GKE's weekly minimum (48 hours of availability in any 32
// days); AKS accepts it too.
var DefaultWindow = platform.MaintenanceWindow{Day: "Sunday", StartHour: 2, DurationHours: 12}

// systemTaint keeps application pods off the system pool.
var systemTaint = platform.Taint{Key: "CriticalAddonsOnly", Value: "true", Effect: platform.NoSchedule}

// withDefaults returns a copy of a with every unset optional field filled.
// It never changes a value the user set.
func (a Args) withDefaults(t platform.Target) Args {
	if a.KubernetesVersion == "" {
		a.KubernetesVersion = DefaultKubernetesVersion
	}
	if a.SystemPool.Name == "" {
		a.SystemPool.Name = DefaultSystemPoolName
	}
	if a.SystemPool.MinCount == 0 && a.SystemPool.MaxCount == 0 {
		a.SystemPool.MinCount, a.SystemPool.MaxCount = DefaultSystemMinCount, DefaultSystemMaxCount
	}
	a.SystemPool = a.SystemPool.withDefaults(t)
	users := make([]NodePool, len(a.UserPools))
	for i, p := range a.UserPools {
		if p.MinCount == 0 && p.MaxCount == 0 {
			p.MinCount, p.MaxCount = DefaultUserMinCount, DefaultUserMaxCount
		}
		users[i] = p.withDefaults(t)
	}
	a.UserPools = users
	if a.Upgrades.Channel == "" {
		a.Upgrades.Channel = DefaultChannel
	}
	if a.Upgrades.Window == nil {
		w := DefaultWindow
		a.Upgrades.Window = &w
	}
	if a.Tier == "" {
		a.Tier = DefaultTier
	}
	if t.Cloud.ClusterOptions == optionsAKS {
		if a.AKS.ImageCleanerIntervalHours == 0 {
			a.AKS.ImageCleanerIntervalHours = DefaultImageCleanerIntervalHours
		}
		if a.AKS.SecretRotationInterval == "" {
			a.AKS.SecretRotationInterval = DefaultSecretRotationInterval
		}
	}
	if !a.SecretsEncryption.Disabled && a.SecretsEncryption.KeyRotationDays == 0 {
		a.SecretsEncryption.KeyRotationDays = DefaultKeyRotationDays
	}
	if !a.Monitoring.Disabled && a.Monitoring.LogRetentionDays == 0 {
		a.Monitoring.LogRetentionDays = DefaultLogRetentionDays
	}
	return a
}

func (p NodePool) withDefaults(t platform.Target) NodePool {
	if p.MachineType == "" {
		p.MachineType = t.Cloud.MachineType
	}
	if len(p.Zones) == 0 {
		p.Zones = t.Cloud.Zones.In(t.Region)
	}
	if p.DiskSizeGB == 0 {
		p.DiskSizeGB = DefaultDiskSizeGB
	}
	if p.MaxSurge == "" {
		p.MaxSurge = DefaultMaxSurge
	}
	return p
}
