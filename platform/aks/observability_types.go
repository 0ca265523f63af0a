package aks

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// The azure-native types of modules this project cannot download (the
// module proxy refuses azure-native's monitor and alertsmanagement SDK
// modules). The backend registers them by type token with the typed inputs
// below, written by their `pulumi` tags (inputs.Encode), as internal/helm
// registers the Helm Release; the provider plugin knows every type, so a
// real deployment is unaffected. Their API versions are the modules'
// defaults in azure-native v2.90: monitor 2023-04-03, alertsmanagement
// 2023-03-01.
const (
	azureMonitorWorkspaceType = "azure-native:monitor:AzureMonitorWorkspace"
	prometheusRuleGroupType   = "azure-native:alertsmanagement:PrometheusRuleGroup"
)

// azureMonitorWorkspaceArgs are the inputs of an Azure Monitor workspace
// (Microsoft.Monitor/accounts), by their provider names.
type azureMonitorWorkspaceArgs struct {
	AzureMonitorWorkspaceName string             `pulumi:"azureMonitorWorkspaceName"`
	ResourceGroupName         pulumi.StringInput `pulumi:"resourceGroupName"`
	Location                  string             `pulumi:"location"`
	// PublicNetworkAccess is "Enabled": the managed Prometheus agents in
	// the cluster send through the data collection endpoint, and queries
	// (Grafana, the portal) reach the workspace over its public endpoint
	// with Entra ID.
	PublicNetworkAccess string            `pulumi:"publicNetworkAccess"`
	Tags                map[string]string `pulumi:"tags"`
}

// azureMonitorWorkspace is a registered Azure Monitor workspace.
type azureMonitorWorkspace struct {
	pulumi.CustomResourceState

	// Name is the workspace's Azure name.
	Name pulumi.StringOutput `pulumi:"name"`
}

// prometheusRuleGroupArgs are the inputs of a Prometheus rule group
// (Microsoft.AlertsManagement/prometheusRuleGroups), by their provider
// names.
type prometheusRuleGroupArgs struct {
	RuleGroupName     string             `pulumi:"ruleGroupName"`
	ResourceGroupName pulumi.StringInput `pulumi:"resourceGroupName"`
	// Location must be the workspace's.
	Location    string `pulumi:"location"`
	Description string `pulumi:"description"`
	// ClusterName limits the rules to the series of that cluster (the
	// "cluster" label managed Prometheus adds to each).
	ClusterName pulumi.StringInput `pulumi:"clusterName"`
	Enabled     bool               `pulumi:"enabled"`
	// Interval is how often the rules are evaluated (ISO 8601).
	Interval string `pulumi:"interval"`
	// Scopes are the Azure Monitor workspace the rules query and the
	// cluster they are about.
	Scopes []pulumi.StringInput `pulumi:"scopes"`
	Rules  []prometheusRuleArgs `pulumi:"rules"`
	Tags   map[string]string    `pulumi:"tags"`
}

// prometheusRuleArgs is one rule of a rule group: an alerting rule
// (Alert) or a recording rule (Record, with only Expression, Enabled and
// Labels).
type prometheusRuleArgs struct {
	Alert      string `pulumi:"alert,omitempty"`
	Record     string `pulumi:"record,omitempty"`
	Expression string `pulumi:"expression"`
	// For is an ISO 8601 duration, e.g. "PT15M".
	For string `pulumi:"for,omitempty"`
	// Severity is Azure's: 0 (Critical) to 4 (Verbose); nil for a
	// recording rule.
	Severity             *int                       `pulumi:"severity"`
	Enabled              bool                       `pulumi:"enabled"`
	Labels               map[string]string          `pulumi:"labels"`
	Annotations          map[string]string          `pulumi:"annotations"`
	Actions              []prometheusRuleActionArgs `pulumi:"actions"`
	ResolveConfiguration *prometheusResolveArgs     `pulumi:"resolveConfiguration"`
}

// prometheusRuleActionArgs names an action group a firing rule notifies.
type prometheusRuleActionArgs struct {
	ActionGroupID pulumi.StringInput `pulumi:"actionGroupId"`
}

// prometheusResolveArgs says when a rule's alert resolves by itself.
type prometheusResolveArgs struct {
	AutoResolved bool `pulumi:"autoResolved"`
	// TimeToResolve is an ISO 8601 duration.
	TimeToResolve string `pulumi:"timeToResolve"`
}

// prometheusRuleGroup is a registered Prometheus rule group.
type prometheusRuleGroup struct {
	pulumi.CustomResourceState

	// Name is the rule group's Azure name.
	Name pulumi.StringOutput `pulumi:"name"`
}
