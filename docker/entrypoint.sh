#!/bin/sh
# The Vitae image's entrypoint: `vitae <command> [options]`, `serve` when none is given.
#
#   - VITAE_DATA_DIR defaults to /data, the image's volume (the embedded PostgreSQL and local
#     blobs live there unless DATABASE_URL and STORAGE_DRIVER=s3 say otherwise).
#   - Secrets may come as files (Docker and Compose secrets): NAME_FILE=/run/secrets/x sets NAME
#     to that file's content, for every variable listed below. Setting both is an error.
#   - `healthcheck` answers the image's HEALTHCHECK: exit 0 when GET /healthz answers 200.
set -eu
cd "$(dirname "$0")/.."

export VITAE_DATA_DIR="${VITAE_DATA_DIR:-/data}"

for name in DATABASE_URL JWT_SECRET URL_SIGNING_SECRET WEBHOOK_SECRETS_KEY AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY LLM_API_KEY; do
  file=$(printenv "${name}_FILE" || true)
  [ -n "$file" ] || continue
  if [ -n "$(printenv "$name" || true)" ]; then
    echo "vitae: set $name or ${name}_FILE, not both" >&2
    exit 2
  fi
  if [ ! -r "$file" ]; then
    echo "vitae: ${name}_FILE names $file, which cannot be read" >&2
    exit 2
  fi
  # A trailing newline (as `echo secret > file` writes) is not part of the secret.
  value=$(cat "$file")
  export "$name=$value"
  unset "${name}_FILE"
done

if [ "$#" -eq 0 ]; then
  set -- serve
fi

if [ "$1" = healthcheck ]; then
  exec node -e '
    const port = process.env.PORT || "8080";
    fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) })
      .then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1));
  '
fi

if [ ! -w "$VITAE_DATA_DIR" ] && ! mkdir -p "$VITAE_DATA_DIR" 2>/dev/null; then
  echo "vitae: the data directory $VITAE_DATA_DIR is not writable by uid $(id -u): mount a volume there owned by this user" >&2
  exit 2
fi

# V8 sizes its young generation from the machine's memory; 8 MB semi-spaces keep the process about
# 50 MB smaller idle and 80 MB at its peak with no measured loss of throughput (bench/README.md,
# "Memory"). First in NODE_OPTIONS, so that an operator's own value there comes later and wins.
export NODE_OPTIONS="--max-semi-space-size=8${NODE_OPTIONS:+ $NODE_OPTIONS}"
# bin/vitae.js runs the JavaScript compiled in the image's build stage (dist/).
exec node bin/vitae.js "$@"
