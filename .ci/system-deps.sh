#!/usr/bin/env bash
# Debian packages the tests and the local pipeline use: real Prometheus (+ promtool),
# Alertmanager and Pushgateway (canary and blue-green), a real OCI registry, diff-cover (the
# quality-gate anchor), headless Chromium (the pipeline report), xmllint (CycloneDX XSD validation).
# Installs what is missing when run as root; otherwise says what to install.
set -euo pipefail
need=()
command -v prometheus >/dev/null || need+=(prometheus)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null || need+=(prometheus-alertmanager)
command -v prometheus-pushgateway >/dev/null || need+=(prometheus-pushgateway)
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v diff-cover >/dev/null || need+=(diff-cover)
command -v chromium >/dev/null || need+=(chromium)
command -v kubectl >/dev/null || need+=(kubernetes-client)
command -v git >/dev/null || need+=(git)
# jq: the stand-in gh of the durable-baseline test applies --jq with it, as gh does.
command -v jq >/dev/null || need+=(jq)
command -v openssl >/dev/null || need+=(openssl)
# xmllint validates the sbom action's XML against the CycloneDX XSD.
command -v xmllint >/dev/null || need+=(libxml2-utils)
command -v locust >/dev/null || need+=(python3-locust)  # benchmark-gate's load-test tests run real locust
# Emoji in job summaries, for the pipeline report's screenshot.
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
[ ${#need[@]} -eq 0 ] && exit 0
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: please install: ${need[*]} (sudo apt-get install ${need[*]})" >&2
  exit 1
fi
echo "system-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian services must not run on their own: tests start their own instances on free ports.
for svc in prometheus prometheus-alertmanager prometheus-pushgateway docker-registry prometheus-node-exporter; do
  (systemctl disable --now "$svc" || service "$svc" stop) >/dev/null 2>&1 || true
done
