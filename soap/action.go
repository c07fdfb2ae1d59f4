package soap

import (
	"mime"
	"strings"
)

// requestOperations maps request element names back to operation names.
var requestOperations = map[string]string{
	"RetrieveRequestMsg":     "Retrieve",
	"CreateRequest":          "Create",
	"UpdateRequest":          "Update",
	"DeleteRequest":          "Delete",
	"DefinitionRequestMsg":   "Describe",
	"ConfigureRequestMsg":    "Configure",
	"PerformRequestMsg":      "Perform",
	"ExecuteRequestMsg":      "Execute",
	"QueryRequestMsg":        "Query",
	"ScheduleRequestMsg":     "Schedule",
	"VersionInfoRequestMsg":  "VersionInfo",
	"ExtractRequestMsg":      "Extract",
	"SystemStatusRequestMsg": "GetSystemStatus",
}

// OperationOf maps a request element's local name to its operation
// ("RetrieveRequestMsg" → "Retrieve"); other names are returned unchanged.
func OperationOf(local string) string {
	if op, ok := requestOperations[local]; ok {
		return op
	}
	return local
}

// operation picks the operation name in the documented order of sources.
func operation(info HTTPInfo, wsaAction string, body *Element) string {
	if a := normalizeAction(info.SOAPAction); a != "" {
		return a
	}
	if a := contentTypeAction(info.ContentType); a != "" {
		return a
	}
	if a := normalizeAction(wsaAction); a != "" {
		return a
	}
	if body != nil {
		return OperationOf(body.Name.Local)
	}
	return ""
}

// normalizeAction strips white space and quotes and keeps the part after the
// last '/'.
func normalizeAction(s string) string {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), `"`))
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// contentTypeAction returns the action= parameter of an application/soap+xml
// Content-Type.
func contentTypeAction(ct string) string {
	if ct == "" {
		return ""
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/soap+xml" {
		return ""
	}
	return normalizeAction(params["action"])
}
