#!/usr/bin/env bash
# Figure: energy per inference by component (ADC, DAC, crossbar, buffer, NoC, leakage, ...),
# dense vs pattern mapping, one panel per network (summary.csv).
set -euo pipefail
cd "$(dirname "$0")/.."
node bin/ousim.js compare --out results/paper
node bin/ousim.js figures --in results/paper --out results/figures --only energy-breakdown
