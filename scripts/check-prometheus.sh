#!/usr/bin/env bash
# Validates the Prometheus setup with promtool:
#   - infra/prometheus/prometheus.yml   (scrape config, and the rule files it loads)
#   - infra/prometheus/alerts.yml       (alert rules)
#   - infra/prometheus/tests/alerts.test.yml (unit tests of the alert rules)
# Installs promtool from Debian's `prometheus` package when it is missing (needs root or sudo).
# Exits non-zero when any check fails.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

install_promtool() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "promtool is missing and this is not root: install Debian's 'prometheus' package" >&2
      return 1
    fi
  fi
  echo "promtool not found: installing Debian's prometheus package" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y --no-install-recommends prometheus; then
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y --no-install-recommends prometheus
  fi
}

if ! command -v promtool >/dev/null 2>&1; then
  install_promtool
  command -v promtool >/dev/null 2>&1 || { echo "promtool still not found after installing prometheus" >&2; exit 1; }
fi
promtool --version 2>&1 | head -n 1

failed=0
run() {
  echo "+ $*"
  if ! "$@"; then
    echo "FAILED: $*" >&2
    failed=1
  fi
}

run promtool check config infra/prometheus/prometheus.yml
run promtool check rules infra/prometheus/alerts.yml
run promtool test rules infra/prometheus/tests/alerts.test.yml

if [ "$failed" -ne 0 ]; then
  echo "prometheus checks failed" >&2
  exit 1
fi
echo "prometheus checks passed"
