package provider

import (
	"os"
	"testing"
)

func TestAlignSDKLogLevels(t *testing.T) {
	for _, tc := range []struct {
		name                string
		provider, global    string
		userSDK             string // TF_LOG_SDK as the user set it; "" unset
		wantSDK, wantProtos string // "" unset
	}{
		{name: "no TF_LOG: nothing is collected", wantSDK: "OFF", wantProtos: "OFF"},
		{name: "TF_LOG=off", global: "off", wantSDK: "OFF", wantProtos: "OFF"},
		{name: "TF_LOG=WARN", global: "warn", wantSDK: "WARN", wantProtos: "WARN"},
		{name: "TF_LOG_PROVIDER wins over TF_LOG", provider: "ERROR", global: "DEBUG", wantSDK: "ERROR", wantProtos: "ERROR"},
		{name: "TRACE is the SDKs' default: left alone", global: "TRACE"},
		{name: "JSON means TRACE to Terraform: left alone", global: "JSON"},
		{name: "a level the user set is kept", userSDK: "DEBUG", wantSDK: "DEBUG", wantProtos: "OFF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TF_LOG_PROVIDER", tc.provider)
			t.Setenv("TF_LOG", tc.global)
			for _, name := range sdkLogLevelVariables {
				t.Setenv(name, "") // restored after the test
				_ = os.Unsetenv(name)
			}
			if tc.userSDK != "" {
				t.Setenv("TF_LOG_SDK", tc.userSDK)
			}
			AlignSDKLogLevels()
			if got := os.Getenv("TF_LOG_SDK"); got != tc.wantSDK {
				t.Errorf("TF_LOG_SDK = %q, want %q", got, tc.wantSDK)
			}
			for _, name := range sdkLogLevelVariables[1:] {
				if got := os.Getenv(name); got != tc.wantProtos {
					t.Errorf("%s = %q, want %q", name, got, tc.wantProtos)
				}
			}
		})
	}
}
