package aks

// serviceHealthGlobal is the region Service Health names for an event
// that concerns every region.
const serviceHealthGlobal = "Global"

// serviceHealthRegions are the Azure regions by their location name (the
// backend's Location, "westeurope") and the display name Service Health
// events carry in properties.impactedServices[*].ImpactedRegions[*].RegionName
// ("West Europe"), as `az account list-locations` lists them. An upgrade
// alert of a backend whose location is listed takes only the events that
// concern its region or every region; one whose location is not listed
// (a region newer than this table) takes the events of every region.
var serviceHealthRegions = map[string]string{
	"australiacentral":   "Australia Central",
	"australiacentral2":  "Australia Central 2",
	"australiaeast":      "Australia East",
	"australiasoutheast": "Australia Southeast",
	"austriaeast":        "Austria East",
	"belgiumcentral":     "Belgium Central",
	"brazilsouth":        "Brazil South",
	"brazilsoutheast":    "Brazil Southeast",
	"canadacentral":      "Canada Central",
	"canadaeast":         "Canada East",
	"centralindia":       "Central India",
	"centralus":          "Central US",
	"chilecentral":       "Chile Central",
	"eastasia":           "East Asia",
	"eastus":             "East US",
	"eastus2":            "East US 2",
	"francecentral":      "France Central",
	"francesouth":        "France South",
	"germanynorth":       "Germany North",
	"germanywestcentral": "Germany West Central",
	"indonesiacentral":   "Indonesia Central",
	"israelcentral":      "Israel Central",
	"italynorth":         "Italy North",
	"japaneast":          "Japan East",
	"japanwest":          "Japan West",
	"koreacentral":       "Korea Central",
	"koreasouth":         "Korea South",
	"malaysiawest":       "Malaysia West",
	"mexicocentral":      "Mexico Central",
	"newzealandnorth":    "New Zealand North",
	"northcentralus":     "North Central US",
	"northeurope":        "North Europe",
	"norwayeast":         "Norway East",
	"norwaywest":         "Norway West",
	"polandcentral":      "Poland Central",
	"qatarcentral":       "Qatar Central",
	"southafricanorth":   "South Africa North",
	"southafricawest":    "South Africa West",
	"southcentralus":     "South Central US",
	"southeastasia":      "Southeast Asia",
	"southindia":         "South India",
	"spaincentral":       "Spain Central",
	"swedencentral":      "Sweden Central",
	"switzerlandnorth":   "Switzerland North",
	"switzerlandwest":    "Switzerland West",
	"uaecentral":         "UAE Central",
	"uaenorth":           "UAE North",
	"uksouth":            "UK South",
	"ukwest":             "UK West",
	"westcentralus":      "West Central US",
	"westeurope":         "West Europe",
	"westindia":          "West India",
	"westus":             "West US",
	"westus2":            "West US 2",
	"westus3":            "West US 3",
}
