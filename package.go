package fuelgate

import (
	"slices"
	"strings"
	"time"
)

// IntegrationType is the kind of an installed package's API Integration.
type IntegrationType string

// The API Integration types of an installed package.
const (
	// IntegrationServerToServer gets tokens for its own app user with the
	// client_credentials grant.
	IntegrationServerToServer IntegrationType = "server-to-server"
	// IntegrationWebApp is an app with a server side that keeps a client
	// secret: a Marketing Cloud user authorizes it (authorization_code), and
	// it keeps access with rotating refresh tokens.
	IntegrationWebApp IntegrationType = "web-app"
	// IntegrationPublicApp is an app that cannot keep a secret (in a browser
	// or on a device): as a web app, without a client secret, optionally
	// with PKCE required.
	IntegrationPublicApp IntegrationType = "public-app"
)

// Package is an installed package with its API Integration component. The
// component's client ID and secret are what clients trade for tokens. Secrets
// are stored only as HMAC-SHA256(pepper, secret). After a rotation the old
// secret stays valid until PrevSecretExpires.
type Package struct {
	ID                int64
	Name              string
	Description       string
	MID               int64 // the BU where the package was created
	EnterpriseMID     int64
	Legacy            bool // a legacy (v1) package: /v1/requestToken only
	Enabled           bool
	IntegrationType   IntegrationType // IntegrationServerToServer, IntegrationWebApp or IntegrationPublicApp
	ClientID          string
	SecretHash        []byte    // nil for a public app, which has no secret
	PrevSecretHash    []byte    // nil when there is no overlap
	PrevSecretExpires time.Time // end of the overlap
	SecretRotatedAt   time.Time // when the current secret replaced the previous one
	Scopes            []string  // SFMC scope names granted to the integration
	MIDs              []int64   // BUs tokens may act in (always includes MID)
	RedirectURIs      []string  // web and public apps: where /v2/authorize may send a code (exact match)
	RequirePKCE       bool      // public apps: /v2/authorize refuses a request without a PKCE challenge
	CreatedBy         string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// CanReach reports whether tokens of p may act in mid.
func (p *Package) CanReach(mid int64) bool { return mid == p.MID || slices.Contains(p.MIDs, mid) }

// HasScope reports whether the package was granted scope.
func (p *Package) HasScope(scope string) bool { return slices.Contains(p.Scopes, scope) }

// UserApp reports whether p is a web or public app: an integration that acts
// for the Marketing Cloud user who authorizes it.
func (p *Package) UserApp() bool {
	return p.IntegrationType == IntegrationWebApp || p.IntegrationType == IntegrationPublicApp
}

// HasRedirectURI reports whether uri is one of p's redirect URIs, compared
// exactly (no prefix, case or normalisation tolerance).
func (p *Package) HasRedirectURI(uri string) bool { return slices.Contains(p.RedirectURIs, uri) }

// PackageFilter selects packages. Zero fields do not filter.
type PackageFilter struct {
	EnterpriseMID int64
	MID           int64
}

// Scopes is every SFMC scope name fuelgate knows (the set SFMC-SDK accepts).
var Scopes = strings.Fields(`accounts_read accounts_write approvals_read approvals_write
audiences_read audiences_write automations_execute automations_read automations_write
calendar_read calendar_write campaign_read campaign_write contact_bu_mapping_create
contact_bu_mapping_delete contact_bu_mapping_update contact_bu_mapping_view
data_extensions_read data_extensions_write deep_linking_asset_delete deep_linking_asset_read
deep_linking_asset_write deep_linking_settings_read deep_linking_settings_write dfu_configure
documents_and_images_read documents_and_images_write email_read email_send email_write
event_notification_callback_create event_notification_callback_delete
event_notification_callback_read event_notification_callback_update
event_notification_subscription_create event_notification_subscription_delete
event_notification_subscription_read event_notification_subscription_update
file_locations_read file_locations_write journeys_aspr journeys_delete journeys_execute
journeys_read journeys_write key_manage_revoke key_manage_rotate key_manage_view
list_and_subscribers_read list_and_subscribers_write marketing_cloud_connect_read
marketing_cloud_connect_send marketing_cloud_connect_write offline ott_channels_read
ott_channels_write ott_chat_messaging_read ott_chat_messaging_send package_manager_deploy
package_manager_package push_read push_send push_write saved_content_read saved_content_write
sms_read sms_send sms_write social_post social_publish social_read social_write tags_read
tags_write tracking_events_read tracking_events_write users_read users_write web_publish
web_read web_write webhooks_read webhooks_write workflows_read workflows_write`)

// ValidScope reports whether s is a known scope name.
func ValidScope(s string) bool { return slices.Contains(Scopes, s) }

// ParseScopes splits a space-separated scope string, rejecting unknown names
// and dropping duplicates while keeping order.
func ParseScopes(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Fields(s) {
		if !ValidScope(f) {
			return nil, Errorf(EINVALID, "unknown scope %q", Truncate(f, 64))
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// Truncate shortens s to its first n runes, marking a cut with "…", for
// echoing caller input in messages, audit fields and logs without letting it
// grow them (and without cutting a UTF-8 sequence in half).
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
