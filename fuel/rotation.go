package fuel

import (
	"context"
	"errors"
)

// rotation holds a single-use refresh token between token requests. One
// request runs at a time; each spends the held refresh token and keeps the
// one from its answer — also when fetch returns that answer with an error
// (a web or public app's store could not save it: the old token is spent
// all the same). A refused request (an *AuthError) forgets the held token:
// it is spent or revoked. Other failures keep it, since the request may
// never have reached the service.
//
// Legacy packages and the refresh_token grant of web and public apps use it.
type rotation struct {
	turn    chan struct{} // capacity 1: held while a request runs
	refresh string        // guarded by turn
}

func newRotation(refresh string) *rotation {
	return &rotation{turn: make(chan struct{}, 1), refresh: refresh}
}

// do runs fetch with the held refresh token ("" when none) and keeps the
// refresh token of the token it returns.
func (r *rotation) do(ctx context.Context, fetch func(ctx context.Context, refresh string) (*Token, error)) (*Token, error) {
	select {
	case r.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-r.turn }()
	tok, err := fetch(ctx, r.refresh)
	var ae *AuthError
	switch {
	case tok != nil:
		r.refresh = tok.RefreshToken
	case errors.As(err, &ae):
		r.refresh = ""
	}
	return tok, err
}
