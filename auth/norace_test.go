//go:build !race

package auth_test

// raceEnabled reports whether the tests run under the race detector, which
// slows argon2id tenfold and makes its timing too noisy to compare.
const raceEnabled = false
