package enginetest

// pluginVersions is the version each test provider reports: the version the
// package's Go SDK in go.mod asks for (its PkgResourceDefaultOpts, which
// also sets the version input of the SDK's explicit provider resources).
// The engine warns when a plugin reports less than the version asked for.
// The azure-native submodules at other versions (containerservice v2.88.0,
// managedidentity v2.80.0) ask for the root module's version: they import
// its utilities package.
var pluginVersions = map[string]string{
	"azure-native": "2.90.0",
	"azuread":      "5.53.5",
	"gcp":          "7.38.0",
	"kubernetes":   "4.33.0",
	// The fake backend (platform/fake) has no SDK and asks for no version.
	"plinthfake": "1.0.0",
}
