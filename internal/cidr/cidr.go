// Package cidr holds the IPv4 range arithmetic Plinth's validation and
// default layouts need: strict parsing, containment, overlap and carving a
// range into aligned sub-ranges.
package cidr

import (
	"fmt"
	"net/netip"
)

// Parse parses an IPv4 CIDR and insists it is canonical: "10.0.0.0/16" is
// accepted, "10.0.1.0/16" (host bits set) is not, because a cloud would either
// reject it or silently mask it to a different range than the user wrote.
func Parse(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not a CIDR; write it as a.b.c.d/n, for example 10.20.0.0/16")
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("only IPv4 ranges are supported")
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, fmt.Errorf("host bits are set; the range starts at %s", m)
	}
	return p, nil
}

// Overlaps reports whether a and b share any address.
func Overlaps(a, b netip.Prefix) bool { return a.Overlaps(b) }

// Contains reports whether inner lies entirely within outer.
func Contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// Size returns the number of addresses in p.
func Size(p netip.Prefix) uint64 { return 1 << (32 - p.Bits()) }

// Carve returns the index-th range of length bits inside p. It fails when
// bits is shorter than p's own prefix or index is past the end.
func Carve(p netip.Prefix, bits, index int) (netip.Prefix, error) {
	if bits < p.Bits() || bits > 32 {
		return netip.Prefix{}, fmt.Errorf("cannot carve /%d ranges out of %s", bits, p)
	}
	count := uint64(1) << (bits - p.Bits())
	if index < 0 || uint64(index) >= count {
		return netip.Prefix{}, fmt.Errorf("%s holds %d /%d ranges, not %d", p, count, bits, index+1)
	}
	start := p.Addr().As4()
	base := uint32(start[0])<<24 | uint32(start[1])<<16 | uint32(start[2])<<8 | uint32(start[3])
	base += uint32(index) << (32 - bits)
	addr := netip.AddrFrom4([4]byte{byte(base >> 24), byte(base >> 16), byte(base >> 8), byte(base)})
	return netip.PrefixFrom(addr, bits), nil
}
