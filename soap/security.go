package soap

import (
	"strings"
	"time"
)

// Security is a decoded wsse:Security header.
type Security struct {
	UsernameToken *UsernameToken // nil if absent
	Timestamp     *Timestamp     // wsu:Timestamp, nil if absent
}

// Timestamp is a decoded wsu:Timestamp.
type Timestamp struct {
	Created, Expires       time.Time
	HasCreated, HasExpires bool
}

// parseSecurity reads a wsse:Security header. hard is a refusal that always
// applies; strict is a UsernameToken rule that a placeholder token is spared.
func parseSecurity(s *Element) (sec *Security, strict, hard *DecodeError) {
	if err := checkUniqueIDs(s); err != nil {
		return nil, nil, err
	}
	sec = &Security{}
	for _, c := range s.Children {
		switch {
		case c.Name.Space == NSWSSE && c.Name.Local == "UsernameToken":
			if sec.UsernameToken != nil {
				return nil, nil, refuse(reasonTwoUT)
			}
			tok, st, err := parseUsernameToken(c)
			if err != nil {
				return nil, nil, err
			}
			sec.UsernameToken, strict = tok, st
		case c.Name.Space == NSWSU && c.Name.Local == "Timestamp":
			if sec.Timestamp != nil {
				return nil, nil, refuse(reasonTwoTimestamp)
			}
			ts, err := parseTimestamp(c)
			if err != nil {
				return nil, nil, err
			}
			sec.Timestamp = ts
		}
	}
	return sec, strict, nil
}

// parseTimestamp reads wsu:Created and wsu:Expires; each must be a dateTime
// with a zone.
func parseTimestamp(t *Element) (*Timestamp, *DecodeError) {
	ts := &Timestamp{}
	for _, c := range t.Children {
		var at *time.Time
		var has *bool
		switch c.Name.Local {
		case "Created":
			at, has = &ts.Created, &ts.HasCreated
		case "Expires":
			at, has = &ts.Expires, &ts.HasExpires
		default:
			continue
		}
		if *has {
			return nil, refuse(reasonTwoTimestampTm)
		}
		v, ok := ParseDateTime(c.TrimmedText())
		if !ok {
			return nil, refuse(reasonTimestamp)
		}
		*at, *has = v, true
	}
	return ts, nil
}

// checkUniqueIDs rejects the same wsu:Id on two elements inside Security.
func checkUniqueIDs(s *Element) *DecodeError {
	var seen map[string]struct{}
	var walk func(e *Element, depth int) bool
	walk = func(e *Element, depth int) bool {
		if depth > maxWriteDepth {
			return true
		}
		if id, ok := e.AttrValue(NSWSU, "Id"); ok {
			if seen == nil {
				seen = make(map[string]struct{})
			}
			if _, dup := seen[id]; dup {
				return false
			}
			seen[id] = struct{}{}
		}
		for _, c := range e.Children {
			if !walk(c, depth+1) {
				return false
			}
		}
		return true
	}
	if !walk(s, 0) {
		return refuse(reasonDuplicateID)
	}
	return nil
}

// ParseDateTime parses an xs:dateTime that carries a zone ("Z" or ±hh:mm),
// with or without fractional seconds. A value without a zone is refused.
func ParseDateTime(s string) (time.Time, bool) {
	if len(s) < len("2006-01-02T15:04:05Z") || strings.ContainsAny(s, " \t\r\n") {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
