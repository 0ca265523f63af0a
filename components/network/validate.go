package network

import (
	"errors"
	"math/bits"
	"net/netip"

	"github.com/plinth-dev/plinth/internal/cidr"
	"github.com/plinth-dev/plinth/platform"
	"github.com/plinth-dev/plinth/platform/field"
)

// Limits enforced by validate. They are the tighter of the AKS and GKE limits
// so that one Args deploys to either cloud.
const (
	minAddressSpaceBits, maxAddressSpaceBits = 8, 24
	minSubnetBits, maxSubnetBits             = 8, 29
	minServiceBits, maxServiceBits           = 12, 24
	maxMaxNodes                              = 5000
	maxNATIPs                                = 16
	minNATIdle, maxNATIdle                   = 4, 120
	maxFlowLogRetentionDays                  = 365
	// reservedPerSubnet is how many addresses a cloud keeps in each subnet
	// (Azure 5, GCP 4).
	reservedPerSubnet = 5
	// podBlockBits is the per-node pod range both clouds allocate (/24).
	podBlockBits = 24
)

var errTooSmallForLayout = errors.New("too small for the default layout")

// namedRange is a parsed range with the field it came from, for overlap
// errors that name both sides.
type namedRange struct {
	path   field.Path
	prefix netip.Prefix
}

// validate checks a copy of Args with defaults applied and returns every
// problem, in field order.
func (a Args) validate(path field.Path) field.List {
	var errs field.List

	space, spaceOK := a.checkAddressSpace(path, &errs)

	var ranges []namedRange
	nodeSubnet := -1
	seen := map[platform.SubnetRole]int{}
	for i, sn := range a.Subnets {
		p := path.Child("subnets").Index(i)
		switch prev, dup := seen[sn.Role]; {
		case !sn.Role.Valid():
			errs.Addf(p.Child("role"), string(sn.Role), "unknown role; use one of %v", platform.SubnetRoles)
		case dup:
			errs.Addf(p.Child("role"), string(sn.Role), "duplicate role: %s has it already; give each role one subnet", path.Child("subnets").Index(prev))
		default:
			seen[sn.Role] = i
		}
		if sn.Role == platform.SubnetNodes {
			nodeSubnet = i
		}
		pfx, ok := parseRange(p.Child("cidr"), sn.CIDR, minSubnetBits, maxSubnetBits, &errs)
		if !ok {
			continue
		}
		if spaceOK && !cidr.Contains(space, pfx) {
			errs.Addf(p.Child("cidr"), sn.CIDR, "outside %s %q; pick a range inside the address space", path.Child("addressSpace"), a.AddressSpace)
		}
		ranges = append(ranges, namedRange{p.Child("cidr"), pfx})
	}
	if spaceOK && len(a.Subnets) > 0 && nodeSubnet < 0 {
		errs.Addf(path.Child("subnets"), nil, "no subnet has role %q; add one for the cluster's nodes", platform.SubnetNodes)
	}

	a.checkMaxNodes(path, nodeSubnet, &errs)

	podBits := maxPodRangeBits(a.MaxNodes)
	pods, podsOK := parseRange(path.Child("podCIDR"), a.PodCIDR, minSubnetBits, podBits, &errs)
	if podsOK {
		ranges = append(ranges, namedRange{path.Child("podCIDR"), pods})
	}
	svcs, svcsOK := parseRange(path.Child("serviceCIDR"), a.ServiceCIDR, minServiceBits, maxServiceBits, &errs)
	if svcsOK {
		ranges = append(ranges, namedRange{path.Child("serviceCIDR"), svcs})
	}
	// A pod or service range that overlaps the address space is reported
	// once against it, not again against each subnet inside it.
	insideSpace := map[field.Path]bool{}
	if spaceOK {
		for _, r := range ranges[len(ranges)-boolCount(podsOK, svcsOK):] {
			if cidr.Overlaps(space, r.prefix) {
				insideSpace[r.path] = true
				errs.Addf(r.path, r.prefix.String(), "overlaps %s %q; pod and service ranges must lie outside the address space", path.Child("addressSpace"), a.AddressSpace)
			}
		}
	}
	subnetRanges := len(ranges) - boolCount(podsOK, svcsOK)
	for i := range ranges {
		for j := range i {
			if insideSpace[ranges[i].path] && j < subnetRanges {
				continue
			}
			if cidr.Overlaps(ranges[i].prefix, ranges[j].prefix) {
				errs.Addf(ranges[i].path, ranges[i].prefix.String(), "overlaps %s %q; ranges must not share addresses", ranges[j].path, ranges[j].prefix.String())
			}
		}
	}

	a.checkNAT(path.Child("nat"), &errs)
	a.checkFlowLogs(path.Child("flowLogs"), &errs)
	errs = append(errs, platform.Tags(a.Tags).Validate(path.Child("tags"))...)
	return errs
}

func (a Args) checkAddressSpace(path field.Path, errs *field.List) (netip.Prefix, bool) {
	p := path.Child("addressSpace")
	if a.AddressSpace == "" {
		errs.Add(field.Required(p, "give the network's IPv4 range, e.g. \"10.20.0.0/16\""))
		return netip.Prefix{}, false
	}
	space, ok := parseRange(p, a.AddressSpace, minAddressSpaceBits, maxAddressSpaceBits, errs)
	if ok && len(a.Subnets) == 0 {
		errs.Addf(p, a.AddressSpace, "too small for the default subnet layout, which needs /%d or larger; widen it or list subnets explicitly", smallestDefaultLayout)
	}
	return space, ok
}

func (a Args) checkMaxNodes(path field.Path, nodeSubnet int, errs *field.List) {
	p := path.Child("maxNodes")
	if a.MaxNodes < 1 || a.MaxNodes > maxMaxNodes {
		errs.Addf(p, a.MaxNodes, "must be 1..%d", maxMaxNodes)
		return
	}
	if nodeSubnet < 0 {
		return
	}
	sn := a.Subnets[nodeSubnet]
	pfx, err := cidr.Parse(sn.CIDR)
	if err != nil {
		return // reported with the subnet
	}
	if usable := int(cidr.Size(pfx)) - reservedPerSubnet; usable < a.MaxNodes {
		errs.Addf(path.Child("subnets").Index(nodeSubnet).Child("cidr"), sn.CIDR,
			"holds %d nodes, fewer than %s %d; widen it to /%d or lower maxNodes",
			max(usable, 0), p, a.MaxNodes, subnetBitsFor(a.MaxNodes))
	}
}

func (a Args) checkNAT(p field.Path, errs *field.List) {
	if a.NAT.Disabled {
		if a.NAT.IPCount != 0 {
			errs.Addf(p.Child("ipCount"), a.NAT.IPCount, "set while %s is true; remove one of them", p.Child("disabled"))
		}
		if a.NAT.IdleTimeoutMinutes != 0 {
			errs.Addf(p.Child("idleTimeoutMinutes"), a.NAT.IdleTimeoutMinutes, "set while %s is true; remove one of them", p.Child("disabled"))
		}
		return
	}
	if a.NAT.IPCount < 1 || a.NAT.IPCount > maxNATIPs {
		errs.Addf(p.Child("ipCount"), a.NAT.IPCount, "must be 1..%d (the Azure NAT gateway limit)", maxNATIPs)
	}
	if a.NAT.IdleTimeoutMinutes < minNATIdle || a.NAT.IdleTimeoutMinutes > maxNATIdle {
		errs.Addf(p.Child("idleTimeoutMinutes"), a.NAT.IdleTimeoutMinutes, "must be %d..%d minutes", minNATIdle, maxNATIdle)
	}
}

func (a Args) checkFlowLogs(p field.Path, errs *field.List) {
	if a.FlowLogs.Disabled {
		if a.FlowLogs.RetentionDays != 0 {
			errs.Addf(p.Child("retentionDays"), a.FlowLogs.RetentionDays, "set while %s is true; remove one of them", p.Child("disabled"))
		}
		if a.FlowLogs.SampleRate != 0 {
			errs.Addf(p.Child("sampleRate"), a.FlowLogs.SampleRate, "set while %s is true; remove one of them", p.Child("disabled"))
		}
		return
	}
	if a.FlowLogs.RetentionDays < 1 || a.FlowLogs.RetentionDays > maxFlowLogRetentionDays {
		errs.Addf(p.Child("retentionDays"), a.FlowLogs.RetentionDays, "must be 1..%d days", maxFlowLogRetentionDays)
	}
	// Written so that NaN, which compares false with every number, fails.
	if r := a.FlowLogs.SampleRate; !(r > 0 && r <= 1) {
		errs.Addf(p.Child("sampleRate"), a.FlowLogs.SampleRate, "must be above 0 and at most 1, e.g. 0.5")
	}
}

// parseRange parses s as a canonical IPv4 CIDR with a prefix length in
// [minBits, maxBits], reporting any problem at path.
func parseRange(path field.Path, s string, minBits, maxBits int, errs *field.List) (netip.Prefix, bool) {
	p, err := cidr.Parse(s)
	if err != nil {
		errs.Addf(path, s, "%v", err)
		return netip.Prefix{}, false
	}
	if p.Bits() < minBits || p.Bits() > maxBits {
		errs.Addf(path, s, "prefix length must be %d..%d", minBits, maxBits)
		return netip.Prefix{}, false
	}
	return p, true
}

func boolCount(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// maxPodRangeBits is the longest pod-range prefix that still gives each of n
// nodes a /24.
func maxPodRangeBits(n int) int {
	if n < 1 {
		n = 1
	}
	return podBlockBits - bits.Len(uint(n-1))
}

// subnetBitsFor is the longest prefix whose usable addresses hold n nodes.
func subnetBitsFor(n int) int {
	for b := maxSubnetBits; b >= minSubnetBits; b-- {
		if int(cidr.Size(netip.PrefixFrom(netip.IPv4Unspecified(), b)))-reservedPerSubnet >= n {
			return b
		}
	}
	return minSubnetBits
}
