package fuelgate

import "context"

// Notifier is implemented by stores that several fuelgate instances share
// (PostgreSQL). After a change that can affect authentication — a revoked
// token, a disabled package, a rotated secret, a changed user, role, BU or
// setting — the writer calls Notify, and every instance's Listen callback runs
// so it drops its in-process caches at once instead of after their TTL.
type Notifier interface {
	// Notify tells every listening instance that something changed.
	Notify(ctx context.Context) error
	// Listen calls fn for each notification until ctx ends, reconnecting
	// after failures (and calling fn after each reconnect, since
	// notifications may have been missed). It returns when ctx ends.
	Listen(ctx context.Context, fn func()) error
}

// NotifyChange calls st.Notify when st is a Notifier; otherwise it does nothing.
func NotifyChange(ctx context.Context, st Store) error {
	if n, ok := st.(Notifier); ok {
		return n.Notify(ctx)
	}
	return nil
}
