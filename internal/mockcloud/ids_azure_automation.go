package mockcloud

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/plinth-dev/plinth/platform/format"
)

// automationShapes are the ID shapes of the Azure Automation resources
// the AKS power schedule registers (API 2023-11-01).
var automationShapes = map[string]shapeKind{
	"automationAccount":  fixed(automationAccount),
	"automationSchedule": fixed(automationSchedule),
	"jobSchedule":        fixed(jobSchedule),
	"runbook":            fixed(runbook),
}

var (
	// automationAccountPattern is what Azure accepts as an Automation
	// account name: 6-50 letters, digits and '-', starting with a letter
	// and ending with a letter or digit.
	automationAccountPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]$`)
	// sha256HexPattern is a SHA-256 hash in hex, as a runbook's content
	// hash is written.
	sha256HexPattern = regexp.MustCompile(`^[0-9A-Fa-f]{64}$`)
)

// automationAccount answers as ARM does, with the principal ID Entra ID
// gives the account's system-assigned identity when it has one.
func automationAccount(c *call) (string, error) {
	id, err := arm("Microsoft.Automation/automationAccounts", "automationAccountName")(c)
	if err != nil {
		return "", err
	}
	if name := c.str("automationAccountName"); !automationAccountPattern.MatchString(name) {
		return "", fmt.Errorf("automationAccountName %q is not 6-50 letters, digits and '-', starting with a letter", name)
	}
	if identity := objectIn(c.in, "identity"); identity != nil {
		out := map[string]any{"type": strIn(identity, "type")}
		if strings.Contains(strIn(identity, "type"), "SystemAssigned") {
			out["principalId"] = uuidFrom("automation-principal", strings.ToLower(id))
			out["tenantId"] = tenant(c)
		}
		c.set("identity", out)
	}
	c.set("state", "Ok")
	c.set("type", "Microsoft.Automation/AutomationAccounts")
	return id, nil
}

// runbook answers with .../automationAccounts/<account>/runbooks/<name>.
// Automation refuses published content without a URI and a hash.
func runbook(c *call) (string, error) {
	id, err := armChild("Microsoft.Automation/automationAccounts", "automationAccountName", "runbooks", "runbookName")(c)
	if err != nil {
		return "", err
	}
	if _, err := c.need("runbookType"); err != nil {
		return "", err
	}
	if link := objectIn(c.in, "publishContentLink"); link != nil {
		if uri := strIn(link, "uri"); !strings.HasPrefix(uri, "https://") {
			return "", fmt.Errorf("publishContentLink.uri %q is not an https URL", uri)
		}
		if h := strIn(objectIn(link, "contentHash"), "value"); !sha256HexPattern.MatchString(h) {
			return "", fmt.Errorf("publishContentLink.contentHash.value %q is not a SHA-256 hash in hex", h)
		}
	}
	c.set("state", "Published")
	return id, nil
}

// automationSchedule answers with .../automationAccounts/<account>/schedules/<name>.
// Automation needs a start time (RFC 3339) and a frequency.
func automationSchedule(c *call) (string, error) {
	id, err := armChild("Microsoft.Automation/automationAccounts", "automationAccountName", "schedules", "scheduleName")(c)
	if err != nil {
		return "", err
	}
	in, err := c.needs("startTime", "frequency")
	if err != nil {
		return "", err
	}
	if _, err := time.Parse(time.RFC3339, in[0]); err != nil {
		return "", fmt.Errorf("startTime %q is not an RFC 3339 time", in[0])
	}
	return id, nil
}

// jobSchedule answers with .../automationAccounts/<account>/jobSchedules/<id>;
// Automation refuses an ID that is not a GUID.
func jobSchedule(c *call) (string, error) {
	jobID, err := c.need("jobScheduleId")
	if err != nil {
		return "", err
	}
	if !format.UUID(jobID) {
		return "", fmt.Errorf("jobScheduleId %q is not a GUID", jobID)
	}
	return armChild("Microsoft.Automation/automationAccounts", "automationAccountName", "jobSchedules", "jobScheduleId")(c)
}
