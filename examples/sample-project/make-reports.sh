#!/usr/bin/env bash
# Regenerates reports/ with the real tools (Debian 12 packages: bandit, mypy, black,
# python3-pytest, python3-pytest-cov, python3-pytest-benchmark). The pipeline reads the
# checked-in results, so it runs without these tools; rerun this after changing the sample.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0
mkdir -p reports
bandit -q -r spikeformer -f json -o reports/bandit.json || true
mypy --no-error-summary spikeformer > reports/mypy.txt 2>&1 || true
black --check spikeformer tests > reports/black.txt 2>&1 || true
$py -m pytest -q -p no:cacheprovider tests/unit --cov=spikeformer --cov-branch \
  --cov-report=xml:reports/coverage.xml --junitxml=reports/junit.xml -o junit_family=xunit2 >/dev/null || true
# Two benchmark runs of the same code: the stored baseline and the current run.
for run in baseline current; do
  $py -m pytest -q -p no:cacheprovider tests/performance --benchmark-only --benchmark-min-rounds=20 \
    --benchmark-json=reports/benchmark-$run.json >/dev/null || true
done
rm -rf .coverage spikeformer/__pycache__ spikeformer/hardware/__pycache__ tests/*/__pycache__ .mypy_cache
# Paths in the reports are made relative to this folder (the pipeline's workspace).
sed -i "s#$(pwd)/##g" reports/*.json reports/*.xml reports/*.txt
ls -l reports
