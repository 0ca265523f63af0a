package format

import (
	"strings"
	"testing"
)

func TestLabels(t *testing.T) {
	for _, tc := range []struct {
		key             string
		valid, reserved bool
	}{
		{key: "app", valid: true},
		{key: "acme.example/pool", valid: true},
		{key: "A_b.c-9", valid: true},
		{key: strings.Repeat("a", 63), valid: true},
		{key: strings.Repeat("a", 64)},
		{key: ""},
		{key: "bad key"},
		{key: "-app"},
		{key: "app-"},
		{key: "Acme.example/pool"}, // the prefix is lowercase
		{key: "acme.example/"},
		{key: "/pool"},
		{key: "a/b/c"},
		{key: "kubernetes.io/role", valid: true, reserved: true},
		{key: "node-role.kubernetes.io/infra", valid: true, reserved: true},
		{key: "k8s.io/x", valid: true, reserved: true},
		{key: "node.kubernetes.io/pool", valid: true},
		{key: "kubelet.kubernetes.io/x", valid: true},
		{key: "kubernetes.io.acme.example/x", valid: true},
	} {
		if got := LabelKey(tc.key); got != tc.valid {
			t.Errorf("LabelKey(%q) = %v, want %v", tc.key, got, tc.valid)
		}
		if got := NodeLabelReserved(tc.key); got != tc.reserved {
			t.Errorf("NodeLabelReserved(%q) = %v, want %v", tc.key, got, tc.reserved)
		}
	}
	for v, want := range map[string]bool{
		"": true, "v1.2_3-x": true, strings.Repeat("a", 63): true,
		strings.Repeat("a", 64): false, "a b": false, "a/b": false, ".a": false, "a.": false,
	} {
		if got := LabelValue(v); got != want {
			t.Errorf("LabelValue(%q) = %v, want %v", v, got, want)
		}
	}
	for s, want := range map[string]bool{"traefik": true, "a.b-c": true, "A": false, "a..b": false, strings.Repeat("a", 254): false} {
		if got := DNSSubdomain(s); got != want {
			t.Errorf("DNSSubdomain(%q) = %v, want %v", s, got, want)
		}
	}
}
