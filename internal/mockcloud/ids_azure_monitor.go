package mockcloud

import (
	"fmt"
	"regexp"
	"strings"
)

// The ID shapes of the Azure Monitor resources the AKS observability
// registers (in azureShapes): the Azure Monitor workspace (API
// 2023-04-03), action groups (2023-01-01) and Prometheus rule groups
// (2023-03-01).

var (
	// monitorWorkspacePattern is what Azure accepts as an Azure Monitor
	// workspace name: 4-44 letters, digits and '-', starting and ending
	// with a letter or digit.
	monitorWorkspacePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{2,42}[A-Za-z0-9]$`)
	// isoDurationPattern is an ISO 8601 duration of days, hours, minutes
	// and seconds, as Azure Monitor writes them ("PT15M", "P1D").
	isoDurationPattern = regexp.MustCompile(`^P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$`)
)

// azureMonitorWorkspace answers with the workspace's ARM ID
// (.../providers/Microsoft.Monitor/accounts/<name>) and what Azure
// computes: its account ID and its Prometheus query endpoint.
func azureMonitorWorkspace(c *call) (string, error) {
	id, err := arm("Microsoft.Monitor/accounts", "azureMonitorWorkspaceName")(c)
	if err != nil {
		return "", err
	}
	name := c.str("azureMonitorWorkspaceName")
	if !monitorWorkspacePattern.MatchString(name) {
		return "", fmt.Errorf("azureMonitorWorkspaceName %q is not 4-44 letters, digits and '-', starting and ending with a letter or digit", name)
	}
	location := c.fromProvider("location")
	c.set("accountId", uuidFrom("monitor-account", strings.ToLower(id)))
	c.set("metrics", map[string]any{
		"internalId":              "mac_" + uuidFrom("monitor-account-internal", strings.ToLower(id)),
		"prometheusQueryEndpoint": fmt.Sprintf("https://%s-%s.%s.prometheus.monitor.azure.com", strings.ToLower(name), aksHash(id)[:4], location),
	})
	c.set("provisioningState", "Succeeded")
	return id, nil
}

// actionGroup answers with the action group's ARM ID
// (.../providers/Microsoft.Insights/actionGroups/<name>). Azure refuses a
// short name longer than 12 characters and a group without receivers of
// the kinds Plinth sets.
func actionGroup(c *call) (string, error) {
	id, err := arm("Microsoft.Insights/actionGroups", "actionGroupName")(c)
	if err != nil {
		return "", err
	}
	if short := c.str("groupShortName"); short == "" || len(short) > 12 {
		return "", fmt.Errorf("groupShortName %q is not 1-12 characters", short)
	}
	if len(arrayIn(c.in, "emailReceivers"))+len(arrayIn(c.in, "webhookReceivers")) == 0 {
		return "", fmt.Errorf("no e-mail or webhook receivers")
	}
	return id, nil
}

// prometheusRuleGroup answers with the rule group's ARM ID
// (.../providers/Microsoft.AlertsManagement/prometheusRuleGroups/<name>)
// after the checks Azure makes: scopes that are ARM IDs, 1-20 rules, each
// an alert or a recording rule with an expression, ISO 8601 durations
// and a severity from 0 to 4.
func prometheusRuleGroup(c *call) (string, error) {
	id, err := arm("Microsoft.AlertsManagement/prometheusRuleGroups", "ruleGroupName")(c)
	if err != nil {
		return "", err
	}
	scopes := stringsIn(c.in, "scopes")
	if len(scopes) == 0 {
		return "", fmt.Errorf("no scopes")
	}
	for _, s := range scopes {
		if !strings.HasPrefix(s, "/subscriptions/") {
			return "", fmt.Errorf("scope %q is not an ARM ID", s)
		}
	}
	if i := c.str("interval"); i != "" && !isoDurationPattern.MatchString(i) {
		return "", fmt.Errorf("interval %q is not an ISO 8601 duration", i)
	}
	rules := arrayIn(c.in, "rules")
	if len(rules) == 0 || len(rules) > 20 {
		return "", fmt.Errorf("%d rules; a rule group holds 1 to 20", len(rules))
	}
	for i, v := range rules {
		rule := unwrap(v).ObjectValue()
		if (strIn(rule, "alert") == "") == (strIn(rule, "record") == "") {
			return "", fmt.Errorf("rules[%d]: set exactly one of alert and record", i)
		}
		if strIn(rule, "expression") == "" {
			return "", fmt.Errorf("rules[%d]: no expression", i)
		}
		if f := strIn(rule, "for"); f != "" && !isoDurationPattern.MatchString(f) {
			return "", fmt.Errorf("rules[%d].for %q is not an ISO 8601 duration", i, f)
		}
		if s := numberIn(rule, "severity"); s < 0 || s > 4 || s != float64(int(s)) {
			return "", fmt.Errorf("rules[%d].severity %v is not 0 to 4", i, s)
		}
	}
	return id, nil
}
