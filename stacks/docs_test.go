package stacks_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/stacks"
)

// TestStacksDocCountsTheSnapshots keeps docs/stacks.md's resource counts
// true of the committed snapshots.
func TestStacksDocCountsTheSnapshots(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "stacks.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(doc)), " ")
	for _, name := range stacks.Names() {
		b, err := os.ReadFile(filepath.Join("snapshots", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var snap struct {
			Resources []json.RawMessage `json:"resources"`
		}
		if err := json.Unmarshal(b, &snap); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%d (`%s`)", len(snap.Resources), name); !strings.Contains(text, want) {
			t.Errorf("docs/stacks.md does not say %s: the snapshot has %d resources", want, len(snap.Resources))
		}
	}
}
