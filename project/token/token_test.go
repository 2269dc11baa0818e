package token

import (
	"strings"
	"testing"
)

func TestAuthorize(t *testing.T) {
	const name = "fraud.prod.Scores"
	ana := Deployed{Exists: true, Owner: "ana", Token: "t0k"}
	for _, tc := range []struct {
		what        string
		have        Deployed
		user, given string
		want        Decision // Token "*": a new one
		err         string
	}{
		{"first deploy", Deployed{}, "ana", "", Decision{Token: "*", Owner: "ana", New: true}, ""},
		{"first deploy with a token", Deployed{}, "ana", "mine", Decision{Token: "mine", Owner: "ana"}, ""},
		{"a deployment from before tokens", Deployed{Exists: true}, "bob", "", Decision{Token: "*", Owner: "bob", New: true}, ""},
		{"the owner again", ana, "ana", "", Decision{Token: "t0k", Owner: "ana"}, ""},
		{"another user with the token", ana, "bob", "t0k", Decision{Token: "t0k", Owner: "ana"}, ""},
		{"another user without", ana, "bob", "", Decision{}, "is ana's production deployment: replacing it needs its production token"},
		{"another user with a wrong token", ana, "bob", "nope", Decision{}, "the production token given is not its token"},
		{"the owner with a wrong token", ana, "ana", "nope", Decision{}, "not its token"},
	} {
		got, err := Authorize(name, tc.have, tc.user, tc.given)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), name) {
				t.Errorf("%s: %+v, %v; want an error with %q", tc.what, got, err, tc.err)
			}
			continue
		}
		if tc.want.Token == "*" {
			if len(got.Token) != 32 {
				t.Errorf("%s: token %q, want 32 hex digits", tc.what, got.Token)
			}
			got.Token = "*"
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.what, got, err, tc.want)
		}
	}
	if New() == New() {
		t.Error("two tokens are equal")
	}
}
