package field

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorFormats(t *testing.T) {
	p := NewPath("network").Child("subnets").Index(1).Child("cidr")
	for _, tc := range []struct {
		err  *Error
		want string
	}{
		{Invalid(p, "10.0.0.0/33", "prefix length must be %d..%d", 8, 29), `network.subnets[1].cidr "10.0.0.0/33": prefix length must be 8..29`},
		{Invalid(NewPath("network").Child("maxNodes"), 0, "must be 1..5000"), `network.maxNodes 0: must be 1..5000`},
		{Required(NewPath("aks").Child("location"), "the Azure region"), `aks.location: required: the Azure region`},
		{Invalid(NewPath("tags").Key("Cost Center"), "x", "bad"), `tags["Cost Center"] "x": bad`},
		// A problem of the whole input has no path to show.
		{Invalid("", nil, "invalid YAML: line 3: did not find expected key"), `invalid YAML: line 3: did not find expected key`},
		{Invalid("", "x", "bad"), `"x": bad`},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestListCollectsEverything(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Fatal("empty list must be a nil error")
	}
	l.Add(nil, Invalid("a", "1", "first"))
	l.Addf("b", nil, "second")
	l.Extend("c", fmt.Errorf("plain"))
	inner := List{Invalid("d", "2", "nested")}
	l.Extend("ignored", inner.Err())
	err := l.Err()
	want := "a \"1\": first\nb: second\nc: plain\nd \"2\": nested"
	if err.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", err, want)
	}
	var fe *Error
	if !errors.As(err, &fe) || fe.Path != "a" {
		t.Errorf("errors.As does not reach the first field error: %v", fe)
	}
}
