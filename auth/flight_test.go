package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fuelgate/fuelgate/internal/fgtest"
	"github.com/fuelgate/fuelgate/manage"
	"github.com/fuelgate/fuelgate/server"
)

// TestSharedVerifyOutlivesCaller: concurrent logins with one credential
// share one argon2id run, and that run completes for every waiting caller
// whoever cancels. The run is made to wait for the one argon2id slot
// (SlowHashes 1, held by another user's verification) so that the caller
// who started it is gone before it begins.
func TestSharedVerifyOutlivesCaller(t *testing.T) {
	hold := make(chan struct{})
	obs := &observer{onHash: func() { <-hold }} // the first run (the slot holder's) waits until released
	e := newEnvWith(t, func(c *server.Config) { c.Auth.SlowHashes, c.Auth.Observer = 1, obs })
	other := e.CreateUser(manage.NewUser{Username: "slot_holder", APIUser: true, Roles: e.APIUser.RoleIDs})
	login := func(ctx context.Context, user string) <-chan error {
		done := make(chan error, 1)
		go func() {
			_, err := e.Server.Auth.VerifyUser(ctx, credential(text(t, e, user, fgtest.Password, 0)), "127.0.0.1")
			done <- err
		}()
		return done
	}
	holder := login(ctx, other.Username)
	for obs.slowHashes() == 0 { // the holder has the slot
		time.Sleep(time.Millisecond)
	}
	first, cancel := context.WithCancel(ctx)
	// Each caller misses the credential cache just before it starts or
	// joins the run: wait for that, and a little more.
	reached := func(n int) {
		for obs.count("credential") < n {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
	}
	leader := login(first, "api_user") // starts the shared run, which waits for the slot
	reached(2)
	waiters := []<-chan error{login(ctx, "api_user"), login(ctx, "api_user")}
	reached(4)
	cancel() // the caller who started the run leaves
	if err := <-leader; !errors.Is(err, context.Canceled) {
		t.Errorf("the caller who left: got %v, want context.Canceled", err)
	}
	obs.mu.Lock()
	obs.onHash = nil
	obs.mu.Unlock()
	close(hold) // the holder's run ends; the shared run takes the slot
	for i, w := range waiters {
		select {
		case err := <-w:
			if err != nil {
				t.Errorf("waiting caller %d: got %v, want a login", i+1, err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("waiting caller %d got no answer", i+1)
		}
	}
	if err := <-holder; err != nil {
		t.Errorf("slot holder: %v", err)
	}
	if n := obs.slowHashes(); n != 2 {
		t.Errorf("%d argon2id runs, want 2 (the holder's, and one shared by the three api_user callers)", n)
	}
}
