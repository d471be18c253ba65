#!/bin/sh
# binding_code_command for a real tenant: print the newest 6-digit code Twilio received for
# $AUTH0MFA_PHONE_NUMBER at or after $AUTH0MFA_SENT_AT. Needs curl and TWILIO_ACCOUNT_SID /
# TWILIO_AUTH_TOKEN in the environment. Print only the code; exit non-zero when there is none
# yet (the provider retries with backoff until the create timeout).
set -eu
: "${TWILIO_ACCOUNT_SID:?}" "${TWILIO_AUTH_TOKEN:?}" "${AUTH0MFA_PHONE_NUMBER:?}" "${AUTH0MFA_SENT_AT:?}"
since_date=$(printf '%s' "$AUTH0MFA_SENT_AT" | cut -c1-10)
body=$(curl -fsS -u "$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN" \
  "https://api.twilio.com/2010-04-01/Accounts/$TWILIO_ACCOUNT_SID/Messages.json?To=$(printf '%s' "$AUTH0MFA_PHONE_NUMBER" | sed 's/+/%2B/')&DateSent%3E=$since_date&PageSize=1")
code=$(printf '%s' "$body" | grep -o '"body": *"[^"]*' | head -n1 | grep -o '[0-9]\{6\}' | head -n1 || true)
[ -n "$code" ] || { echo "no code for $AUTH0MFA_PHONE_NUMBER yet" >&2; exit 1; }
printf '%s\n' "$code"
