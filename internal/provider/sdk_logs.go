package provider

import (
	"os"
	"strings"
)

// sdkLogLevelVariables set the level of the plugin SDKs' loggers and of this provider's own
// logger inside the provider process (terraform-plugin-go and -framework read them).
var sdkLogLevelVariables = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_AUTH0MFA"}

// AlignSDKLogLevels makes the provider log only what Terraform keeps. Left unset, the plugin
// SDKs log at TRACE on every request whatever Terraform collects: with no TF_LOG at all,
// Terraform parses every line the provider writes and throws it away
// (hashicorp/terraform-plugin-framework#1269; about 250 lines for a plan of one resource
// here). So each variable the user has not set gets the level Terraform collects provider
// logs at: TF_LOG_PROVIDER, else TF_LOG, as Terraform reads them; "off" when neither is set.
// Call it before serving.
func AlignSDKLogLevels() {
	level, ok := collectedProviderLogLevel(os.Getenv("TF_LOG_PROVIDER"), os.Getenv("TF_LOG"))
	if !ok {
		return // Terraform collects TRACE, the SDKs' default
	}
	for _, name := range sdkLogLevelVariables {
		if _, set := os.LookupEnv(name); !set {
			_ = os.Setenv(name, level)
		}
	}
}

// collectedProviderLogLevel is the level Terraform keeps provider log lines at; ok is false
// for TRACE (also what Terraform makes of a value that is not a level name, such as JSON).
func collectedProviderLogLevel(providerLevel, globalLevel string) (level string, ok bool) {
	v := strings.ToUpper(strings.TrimSpace(providerLevel))
	if v == "" {
		v = strings.ToUpper(strings.TrimSpace(globalLevel))
	}
	switch v {
	case "", "OFF":
		return "OFF", true
	case "DEBUG", "INFO", "WARN", "ERROR":
		return v, true
	default:
		return "", false
	}
}
