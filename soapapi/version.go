package soapapi

import (
	"strings"

	"github.com/fuelgate/fuelgate/soap"
)

// Version is what VersionInfo reports.
const (
	Version     = "fuelgate 1.0"
	VersionDate = "2026-11-29T00:00:00"
)

// versionInfo serves VersionInfo.
func versionInfo(msg *soap.Element) *soap.Element {
	vi := soap.NewElement("VersionInfo", soap.TextElement("Version", Version), soap.TextElement("VersionDate", VersionDate),
		soap.TextElement("Notes", "fuelgate: SFMC-compatible SOAP API authentication"))
	if strings.EqualFold(msg.ChildText("IncludeVersionHistory"), "true") {
		vi.Add(soap.NewElement("VersionHistory", soap.TextElement("Version", Version), soap.TextElement("VersionDate", VersionDate),
			soap.TextElement("Notes", "first release")))
	}
	return soap.NewElement("VersionInfoResponseMsg", vi, soap.TextElement("RequestID", soap.NewUUID(nil)))
}

// systemStatus serves GetSystemStatus: this server is up.
func systemStatus() *soap.Element {
	return soap.NewElement("SystemStatusResponseMsg",
		soap.NewElement("Results", soap.NewElement("Result",
			soap.TextElement("StatusCode", "OK"), soap.TextElement("StatusMessage", "System Status Retrieved"),
			soap.TextElement("SystemStatus", "OK"))),
		soap.TextElement("OverallStatus", "OK"), soap.TextElement("OverallStatusMessage", ""),
		soap.TextElement("RequestID", soap.NewUUID(nil)))
}
