package console

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"sync"
	"time"

	"github.com/fuelgate/fuelgate/internal/secret"
)

// session is one signed-in browser. Sessions live in memory only: a restart
// signs everybody out, and several instances need sticky sessions.
type session struct {
	key             [32]byte // SHA-256 of the cookie value; the map key
	userID          int64
	passwordVersion int64 // a password change ends the session
	csrf            string
	created         time.Time
	lastSeen        time.Time
	done            map[string]string // one-time form IDs already used → result (e.g. a client ID)
	doneOrder       []string
}

// maxDoneForms bounds how many one-time form IDs a session remembers.
const maxDoneForms = 32

// sessions is a bounded map of sessions. When it is full, expired sessions
// are dropped first, then the one idle the longest.
type sessions struct {
	mu       sync.Mutex
	m        map[[32]byte]*session
	max      int
	idle     time.Duration
	absolute time.Duration
}

func newSessions(max int, idle, absolute time.Duration) *sessions {
	return &sessions{m: map[[32]byte]*session{}, max: max, idle: idle, absolute: absolute}
}

// create starts a session for a user and returns the cookie value: 256 random bits.
func (s *sessions) create(userID, passwordVersion int64, now time.Time) (string, *session) {
	id := secret.Token()
	sess := &session{key: sha256.Sum256([]byte(id)), userID: userID, passwordVersion: passwordVersion,
		csrf: secret.Token(), created: now, lastSeen: now, done: map[string]string{}}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= s.max {
		s.evict(now)
	}
	s.m[sess.key] = sess
	return id, sess
}

// get returns the live session for a cookie value and marks it used at now.
// An expired session is deleted and not returned.
func (s *sessions) get(id string, now time.Time) (*session, bool) {
	if id == "" {
		return nil, false
	}
	key := sha256.Sum256([]byte(id))
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.m[key]
	if !ok {
		return nil, false
	}
	if s.expired(sess, now) {
		delete(s.m, key)
		return nil, false
	}
	sess.lastSeen = now
	return sess, true
}

// delete ends a session.
func (s *sessions) delete(sess *session) {
	s.mu.Lock()
	delete(s.m, sess.key)
	s.mu.Unlock()
}

// len returns the number of stored sessions.
func (s *sessions) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

func (s *sessions) expired(sess *session, now time.Time) bool {
	return !now.Before(sess.lastSeen.Add(s.idle)) || !now.Before(sess.created.Add(s.absolute))
}

// evict makes room: it drops expired sessions, and if none was expired, the
// least recently used one. Called with mu held.
func (s *sessions) evict(now time.Time) {
	var oldest *session
	for k, sess := range s.m {
		if s.expired(sess, now) {
			delete(s.m, k)
			continue
		}
		if oldest == nil || sess.lastSeen.Before(oldest.lastSeen) {
			oldest = sess
		}
	}
	if len(s.m) >= s.max && oldest != nil {
		delete(s.m, oldest.key)
	}
}

// checkCSRF compares a submitted token with the session's in constant time.
func (sess *session) checkCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(sess.csrf)) == 1
}

// claimForm marks a one-time form ID as used. It reports false, with the
// result recorded for it, when the ID was used before: a resubmitted form (a
// browser reload of a POST) must not act twice.
func (s *sessions) claimForm(sess *session, formID string) (string, bool) {
	if formID == "" {
		return "", true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := sess.done[formID]; ok {
		return v, false
	}
	sess.done[formID] = ""
	sess.doneOrder = append(sess.doneOrder, formID)
	for len(sess.doneOrder) > maxDoneForms {
		delete(sess.done, sess.doneOrder[0])
		sess.doneOrder = sess.doneOrder[1:]
	}
	return "", true
}

// formResult records what a claimed one-time form produced (e.g. a client ID).
func (s *sessions) formResult(sess *session, formID, result string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := sess.done[formID]; ok {
		sess.done[formID] = result
	}
}

// newFormID returns a random one-time form ID.
func newFormID() string { return base64.RawURLEncoding.EncodeToString(secret.Bytes(16)) }
