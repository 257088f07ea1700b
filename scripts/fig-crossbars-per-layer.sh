#!/usr/bin/env bash
# Figure: crossbars per layer, dense vs pattern mapping, one panel per network (layers.csv).
set -euo pipefail
cd "$(dirname "$0")/.."
node bin/ousim.js compare --out results/paper
node bin/ousim.js figures --in results/paper --out results/figures --only crossbars-per-layer
