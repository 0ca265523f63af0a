package format

import (
	"regexp"
	"strings"
)

// The Kubernetes rules for label keys and values (and taint keys and
// values, which follow them).
const (
	// MaxLabelName is the longest label value and name part of a key.
	MaxLabelName = 63
	// MaxDNSSubdomain is the longest DNS subdomain: a key's prefix.
	MaxDNSSubdomain = 253
)

var (
	labelName    = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`)
	dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
)

// LabelKeyRule and LabelValueRule say what LabelKey and LabelValue accept,
// for messages.
const (
	LabelKeyRule   = `an optional DNS subdomain prefix and '/', then up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`
	LabelValueRule = `up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`
)

// LabelKey reports whether k is a Kubernetes label key: [prefix/]name, the
// prefix a DNS subdomain of at most 253 characters, the name 1-63
// characters.
func LabelKey(k string) bool {
	name := k
	if prefix, rest, ok := strings.Cut(k, "/"); ok {
		if len(prefix) > MaxDNSSubdomain || !dnsSubdomain.MatchString(prefix) {
			return false
		}
		name = rest
	}
	return len(name) <= MaxLabelName && labelName.MatchString(name)
}

// LabelValue reports whether v is a Kubernetes label value: empty, or 1-63
// characters as a key's name part.
func LabelValue(v string) bool {
	return v == "" || len(v) <= MaxLabelName && labelName.MatchString(v)
}

// DNSSubdomain reports whether s is a DNS subdomain as Kubernetes takes it
// for the names of cluster-scoped objects (IngressClass, GatewayClass): at
// most 253 characters of dot-separated DNS labels.
func DNSSubdomain(s string) bool { return len(s) <= MaxDNSSubdomain && dnsSubdomain.MatchString(s) }

// NodeLabelReserved reports whether a kubelet may not set label key k on
// its own node (the NodeRestriction admission plugin, on in AKS and GKE):
// a key under kubernetes.io or k8s.io, outside the node.kubernetes.io and
// kubelet.kubernetes.io prefixes, which node pools cannot carry.
func NodeLabelReserved(k string) bool {
	prefix, _, ok := strings.Cut(k, "/")
	if !ok {
		return false
	}
	for _, allowed := range []string{"node.kubernetes.io", "kubelet.kubernetes.io"} {
		if prefix == allowed || strings.HasSuffix(prefix, "."+allowed) {
			return false
		}
	}
	for _, reserved := range []string{"kubernetes.io", "k8s.io"} {
		if prefix == reserved || strings.HasSuffix(prefix, "."+reserved) {
			return true
		}
	}
	return false
}
