#!/usr/bin/env bash
# Figure: pattern over dense (crossbar area efficiency, energy efficiency, speedup) per network,
# with the paper's ranges drawn in. From nothing but ousim's commands.
set -euo pipefail
cd "$(dirname "$0")/.."
node bin/ousim.js compare --out results/paper
node bin/ousim.js figures --in results/paper --out results/figures --only paper-comparison
