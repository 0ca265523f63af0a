package check

import (
	"cmp"
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/internal/snapshot"
	"github.com/plinth-dev/plinth/platform"
)

// Severity says how much a finding matters.
type Severity string

// The severities a rule can have.
const (
	// SeverityError is a finding that must be fixed before the stack is
	// production-ready.
	SeverityError Severity = "error"
	// SeverityWarning is a finding to review: a deliberate, supported
	// choice can cause it.
	SeverityWarning Severity = "warning"
)

// The environment classes rules are written for (environment.Class values;
// this package does not import environment, which links every component).
const (
	// ClassDev is environment.Dev.
	ClassDev = "dev"
	// ClassStaging is environment.Staging.
	ClassStaging = "staging"
	// ClassProd is environment.Prod.
	ClassProd = "prod"
)

// Classes lists every class, in rollout order. A Target whose Class is not
// one of them runs no rule.
var Classes = []string{ClassDev, ClassStaging, ClassProd}

// allClasses is the Classes of a rule that holds everywhere; a list of its
// own, so that changing the exported Classes changes no rule.
var allClasses = []string{ClassDev, ClassStaging, ClassProd}

// Rule is one production-readiness rule.
type Rule struct {
	// ID identifies the rule in findings and documentation: "PLN001".
	ID string
	// Title says in a few words what the rule requires.
	Title string
	// Severity is the severity of every finding of the rule.
	Severity Severity
	// Rationale says why the rule exists: the item of the platform
	// baseline or the lesson of the write-ups it encodes.
	Rationale string
	// Classes are the environment classes the rule applies to.
	Classes []string
	// Check returns the rule's findings on a target. It sets only URN and
	// Message; Run fills in Rule, Severity and Stack.
	Check func(t Target) []Finding
}

// Target is what a rule checks: one stack's snapshot and what is known
// about it.
type Target struct {
	// Snapshot is the stack's rendered resource graph.
	Snapshot *snapshot.Snapshot
	// Class is the environment class: "dev", "staging" or "prod".
	Class string
	// Cloud is "azure" or "gcp" (platform.CloudAzure, platform.CloudGCP).
	// Empty: inferred from the snapshot.
	Cloud string
	// TagsProperty answers which input of a resource type carries its
	// tags: the property ("tags", "labels", "nodeConfig.resourceLabels"),
	// "" for a type that takes none, and known=false for a type the table
	// does not list. The CLI passes its project's (project.Project.TagsProperty).
	TagsProperty func(typeToken string) (property string, known bool)
}

// Finding is one violation of a rule.
type Finding struct {
	// Rule is the ID of the rule violated.
	Rule string `json:"rule"`
	// Severity is the rule's severity.
	Severity Severity `json:"severity"`
	// Stack is the snapshot's stack name.
	Stack string `json:"stack"`
	// URN is the resource the finding is about; empty when it is about
	// the stack as a whole.
	URN string `json:"urn"`
	// Message says what is wrong, where (resource and input path) and how
	// to fix it.
	Message string `json:"message"`
}

// Rules returns every rule, ordered by ID. The slice and each rule's Classes
// are new on every call, so a caller may change them.
func Rules() []Rule {
	rules := []Rule{
		apiServerRule(),
		workloadIdentityRule(),
		localAccountsRule(),
		nodePoolsRule(),
		backupRule(),
		ingressRule(),
		subnetRightsRule(),
		certManagerRule(),
		productionLocksRule(),
		tagsRule(),
		leastPrivilegeRule(),
		groupRBACRule(),
		alertsRule(),
		secretsEncryptionRule(),
		secretStoresRule(),
		teamSecretsRule(),
	}
	rules = append(rules, guardrailRules()...)
	rules = append(rules, edgeFirewallRule(), dnssecRule())
	for i := range rules {
		rules[i].Classes = slices.Clone(rules[i].Classes)
	}
	slices.SortFunc(rules, func(a, b Rule) int { return cmp.Compare(a.ID, b.ID) })
	return rules
}

// Run runs every rule whose Classes include t.Class and returns the
// findings ordered by rule, URN and message. A nil snapshot has none.
func Run(t Target) []Finding {
	if t.Snapshot == nil {
		return nil
	}
	if t.Cloud == "" {
		_, t.Cloud = Infer(t.Snapshot)
	}
	var out []Finding
	for _, rule := range Rules() {
		if !slices.Contains(rule.Classes, t.Class) {
			continue
		}
		for _, f := range rule.Check(t) {
			f.Rule, f.Severity, f.Stack = rule.ID, rule.Severity, t.Snapshot.Stack
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.URN, b.URN), cmp.Compare(a.Message, b.Message))
	})
	return out
}

// Count returns the number of error and warning findings.
func Count(findings []Finding) (errors, warnings int) {
	for _, f := range findings {
		switch f.Severity {
		case SeverityError:
			errors++
		case SeverityWarning:
			warnings++
		}
	}
	return errors, warnings
}

// classTag is the tag (Azure) or label (GCP) every resource of a Plinth
// environment carries with its class.
const classTag = "class"

// Infer reads the environment class and the cloud of a snapshot. The class
// is the value of the "class" tag or label on its cloud resources; should
// they disagree, the most frequent value wins (ties: the first in sort
// order), and it is "" when no resource carries one. The cloud is "azure"
// for a stack with azure-native resources, "gcp" for one with gcp
// resources, and "" when it has both or neither.
func Infer(s *snapshot.Snapshot) (class, cloud string) {
	counts := map[string]int{}
	var azure, gcp bool
	for i := range s.Resources {
		r := &s.Resources[i]
		switch pkg := packageOf(r.Type); {
		case pkg == "azure-native" || r.Type == "pulumi:providers:azure-native":
			azure = true
		case pkg == "gcp" || r.Type == "pulumi:providers:gcp":
			gcp = true
		}
		for _, key := range []string{"tags", "labels", "resourceLabels"} {
			if v := stringMap(get(r.Inputs, key))[classTag]; v != "" {
				counts[v]++
				break
			}
		}
	}
	for c, n := range counts {
		if n > counts[class] || (n == counts[class] && c < class) {
			class = c
		}
	}
	switch {
	case azure && !gcp:
		cloud = string(platform.CloudAzure)
	case gcp && !azure:
		cloud = string(platform.CloudGCP)
	}
	return class, cloud
}

// packageOf returns the package of a type token: "azure-native" for
// "azure-native:network/v20240501:Subnet".
func packageOf(typeToken string) string {
	pkg, _, _ := strings.Cut(typeToken, ":")
	return pkg
}
