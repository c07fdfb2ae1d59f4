package console

import (
	"strings"

	"github.com/fuelgate/fuelgate"
)

// scopeGroup is one group of scopes on the package form, as SFMC's package
// page groups them: by the scope name's prefix.
type scopeGroup struct {
	Name   string
	Scopes []string // e.g. "data_extensions_read"
}

// groupTitles names prefixes whose title-cased form reads badly.
var groupTitles = map[string]string{
	"contact":   "Contact BU Mapping",
	"deep":      "Deep Linking",
	"dfu":       "DFU",
	"documents": "Documents and Images",
	"event":     "Event Notifications",
	"file":      "File Locations",
	"key":       "Key Management",
	"list":      "List and Subscribers",
	"marketing": "Marketing Cloud Connect",
	"offline":   "Offline Access",
	"ott":       "OTT",
	"package":   "Package Manager",
	"saved":     "Saved Content",
	"sms":       "SMS",
	"tracking":  "Tracking Events",
}

// scopeGroups groups fuelgate.Scopes by the prefix before the first "_",
// keeping the catalog's order.
func scopeGroups() []scopeGroup {
	var groups []scopeGroup
	index := map[string]int{}
	for _, sc := range fuelgate.Scopes {
		prefix, _, _ := strings.Cut(sc, "_")
		i, ok := index[prefix]
		if !ok {
			title := groupTitles[prefix]
			if title == "" {
				title = strings.ToUpper(prefix[:1]) + prefix[1:]
			}
			i = len(groups)
			index[prefix] = i
			groups = append(groups, scopeGroup{Name: title})
		}
		groups[i].Scopes = append(groups[i].Scopes, sc)
	}
	return groups
}
