package environment

import (
	"github.com/plinth-dev/plinth/components/backup"
	"github.com/plinth-dev/plinth/components/cluster"
	"github.com/plinth-dev/plinth/components/dns"
	"github.com/plinth-dev/plinth/components/guardrails"
	"github.com/plinth-dev/plinth/components/network"
	"github.com/plinth-dev/plinth/components/powerschedule"
	"github.com/plinth-dev/plinth/components/registry"
	"github.com/plinth-dev/plinth/components/secrets"
	"github.com/plinth-dev/plinth/platform"
)

// Profile returns the defaults of class on cloud: an Environment with Class
// and Cloud set and every field the class decides filled in, from the
// cloud's facts (platform.LookupCloud; a cloud whose backend the program
// does not link gets the class's settings that need no facts). Fields it
// leaves unset get the components' own defaults, which are production-grade:
// pools without zones spread over the default zones of the backend's region.
// Override any field afterwards (in Go by assignment, in YAML by writing
// it); docs/stacks.md tabulates the profiles.
//
//   - Prod: Protect and Lock; three zones for every pool; the Standard tier;
//     a private API server; the stable channel with a Sunday maintenance
//     window; 90 days of logs; flow logs kept 90 days (Azure) or half of
//     the flows sampled (GCP); two NAT addresses; Secrets encrypted with a
//     cluster key rotated every 90 days (the component's default, which
//     production cannot turn off); Velero backups locked in place (and
//     Backup for GKE beside them on GKE); no power schedule.
//   - Staging: production's shape at a smaller size: Protect; three zones;
//     the Standard tier; a private API server; the regular channel with a
//     Wednesday window, so upgrades reach staging before production; 30
//     days of logs; Secrets encrypted with a cluster key, as in
//     production; a power schedule.
//   - Dev: one zone; the free tier; a small system pool; a spot user pool
//     that may scale to zero; the regular channel with a Tuesday window;
//     deletion allowed; Secrets without a cluster key (a Cloud KMS key
//     ring and a purge-protected Key Vault's name outlive a destroyed
//     stack, so an environment recreated under its name would fail); 30
//     days of logs and 7 of flow logs (a tenth of the flows on GCP);
//     backups kept 7 days; a power schedule.
//
// Every class gets the baseline workload rules of the team namespaces
// (guardrails): enforced in production and staging, warned about and
// audited in dev.
//
// The windows of dev and staging lie on working days from 06:00 UTC:
// their power schedules stop them at night and at weekends, and AKS
// upgrades only a running cluster.
func Profile(class Class, cloud platform.Cloud) Environment {
	e := Environment{Class: class, Cloud: cloud, Backup: &backup.Args{}, Secrets: &secrets.Args{}, Registry: &registry.Args{}, Guardrails: &guardrails.Args{}, DNS: &dns.Args{}}
	facts, _ := platform.LookupCloud(cloud) // Validate reports an unknown cloud
	switch class {
	case Prod:
		e.Protect, e.Lock = true, true
		e.Network = network.Args{MaxNodes: 200, NAT: network.NAT{IPCount: 2}, FlowLogs: flowLogs(facts, 90, 0.5)}
		e.Cluster = cluster.Args{
			UserPools:  []cluster.NodePool{{Name: "apps", MinCount: 3, MaxCount: 30}},
			Tier:       platform.TierStandard,
			Upgrades:   cluster.Upgrades{Channel: platform.ChannelStable, Window: window("Sunday", cluster.DefaultWindow.StartHour)},
			Monitoring: cluster.Monitoring{LogRetentionDays: 90},
		}
		if facts.ManagedBackup {
			// The cloud's managed backup beside Velero.
			e.Cluster.GKE.BackupAgent = true
			e.Backup.GKE.BackupForGKE = true
		}
	case Staging:
		e.Protect = true
		e.Network = network.Args{MaxNodes: 60, NAT: network.NAT{IPCount: 1}, FlowLogs: flowLogs(facts, 30, 0.25)}
		e.Cluster = cluster.Args{
			UserPools:  []cluster.NodePool{{Name: "apps", MinCount: 1, MaxCount: 9}},
			Tier:       platform.TierStandard,
			Upgrades:   cluster.Upgrades{Channel: platform.ChannelRegular, Window: window("Wednesday", workdayWindowStart)},
			Monitoring: cluster.Monitoring{LogRetentionDays: 30},
		}
		e.PowerSchedule = &powerschedule.Args{}
	case Dev:
		// One zone: the first default zone, which every region of the
		// cloud has.
		zone := facts.Zones.In("")[:min(1, len(facts.Zones.Default))]
		e.Network = network.Args{MaxNodes: 30, NAT: network.NAT{IPCount: 1}, FlowLogs: flowLogs(facts, 7, 0.1)}
		e.Cluster = cluster.Args{
			SystemPool: cluster.NodePool{
				Zones: zone, MinCount: 1, MaxCount: 2,
				MachineType: facts.DevMachineType, DiskSizeGB: devDiskSizeGB,
			},
			UserPools:     []cluster.NodePool{{Name: "apps", Zones: clone(zone), MinCount: 0, MaxCount: 5, Spot: true}},
			Tier:          platform.TierFree,
			Upgrades:      cluster.Upgrades{Channel: platform.ChannelRegular, Window: window("Tuesday", workdayWindowStart)},
			Monitoring:    cluster.Monitoring{LogRetentionDays: 30},
			AllowDeletion: true,
			// Dev stacks are destroyed and recreated; the key's container
			// would outlive them (docs/components/cluster.md).
			SecretsEncryption: cluster.SecretsEncryption{Disabled: true},
		}
		e.PowerSchedule = &powerschedule.Args{}
		// The workload rules warn and audit; staging and production
		// enforce them (the component's default).
		e.Guardrails.Mode = guardrails.ModeAudit
		// Engineers reach dev's secret stores and registry from their
		// laptops, and hosted CI pushes to it.
		public := false
		e.Secrets.Private = &public
		e.Registry.Private = &public
		if facts.ClusterOptions == "aks" {
			// Defender for Containers' sensor is billed per vCPU; staging
			// and production keep it.
			e.Cluster.AKS.DisableDefender = true
		}
	}
	return e
}

// devDiskSizeGB is the development system pool's OS disk.
const devDiskSizeGB = 64

// flowLogs keeps flow logs for days where the backend stores them
// (platform.CloudFacts.FlowLogRetention: Azure) and samples rate of the
// flows elsewhere (GCP, which keeps them in Cloud Logging); each cloud
// refuses the other's setting.
func flowLogs(cloud platform.CloudFacts, days int, rate float64) network.FlowLogs {
	if cloud.FlowLogRetention {
		return network.FlowLogs{RetentionDays: days}
	}
	return network.FlowLogs{SampleRate: rate}
}

// window is the component's default maintenance window (its length) on day
// from startHour UTC.
func window(day string, startHour int) *platform.MaintenanceWindow {
	w := cluster.DefaultWindow
	w.Day, w.StartHour = day, startHour
	return &w
}

// workdayWindowStart is when the maintenance windows of stopped-at-night
// clusters begin, in UTC: with the default power schedule they run from
// 07:00 local time in Europe, and AKS upgrades only a running cluster.
const workdayWindowStart = 6

func clone(s []string) []string { return append([]string(nil), s...) }
