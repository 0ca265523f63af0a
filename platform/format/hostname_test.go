package format

import "testing"

func TestHostname(t *testing.T) {
	for _, c := range []struct {
		s              string
		plain, pattern bool
	}{
		{"shop.example.com", true, true},
		{"a.b", true, true},
		{"*.shop.example.com", false, true},
		{"*.com", false, false}, // a wildcard claims at least a domain, never a top-level one
		{"*", false, false},
		{"*.", false, false},
		{"localhost", false, false},
		{"shop.example.com.", false, false},
		{"Shop.example.com", false, false},
		{"shop..example.com", false, false},
		{"-shop.example.com", false, false},
		{"shop_1.example.com", false, false},
		{"a.*.example.com", false, false},
		{"**.example.com", false, false},
		{"10.0.0.1", false, false},
		{"", false, false},
	} {
		if got := Hostname(c.s, false); got != c.plain {
			t.Errorf("Hostname(%q, false) = %v, want %v", c.s, got, c.plain)
		}
		if got := Hostname(c.s, true); got != c.pattern {
			t.Errorf("Hostname(%q, true) = %v, want %v", c.s, got, c.pattern)
		}
	}
}
