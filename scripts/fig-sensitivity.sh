#!/usr/bin/env bash
# Figure: how far the paper comparison moves. Each of pattern's three ratios over dense (crossbar
# area efficiency, energy efficiency, speedup) on the CIFAR-10 networks, with one key of the paper
# preset changed at a time: OU rows x cols, pattern.connectivity, pattern.count, ADCs per crossbar,
# leakage (static instead of active power, with and without power gating), the replication budget,
# a zero-skipping dense baseline and the input-selection latency. One `ousim compare` per changed
# value, each into results/sensitivity/<key>=<value> (the baseline into results/sensitivity/baseline);
# `ousim figures`
# then reads those folders, draws the tornado ($FIGURES/sensitivity.{svg,png}, default
# results/figures) and writes the tidy table beside it, $FIGURES/sensitivity.csv (key, value,
# network, ratio, pattern_over_dense).
# 23 compares of two networks: about 3 minutes of CPU (7-8 minutes of wall time on a shared 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-results/sensitivity}
FIGURES=${FIGURES:-results/figures} # FIGURES=docs/figures refreshes the README copy
NETWORKS=vgg16-cifar10,resnet18-cifar10
compare() { # <folder name> [compare flags...]
  local name=$1
  shift
  node bin/ousim.js compare --traces "$NETWORKS" --out "$OUT/$name" "$@" >/dev/null
  echo "$OUT/$name"
}
rm -rf "$OUT"
compare baseline
# OU shapes, each with the lossless ADC resolution of its height (4, 8, 16 rows: 4, 5, 6 bits), as
# the paper preset's 5 bits is for 8 rows; a lossy ADC would change what is computed.
for shape in 4x4 4x8 8x4 8x16 16x8 16x16; do
  rows=${shape%x*}
  bits=$(case $rows in 4) echo 4 ;; 8) echo 5 ;; 16) echo 6 ;; esac)
  compare "ou=$shape" --set ou.rows="$rows" --set ou.cols="${shape#*x}" --set adc.bits="$bits"
done
# The preset's connectivity is 3.6 (PatDNN's VGG-16 CIFAR-10 ratio); 2.5 was the default before issue 16.
for c in 1 2 2.5 5; do compare "pattern.connectivity=$c" --set pattern.connectivity="$c"; done
for n in 4 6 12; do compare "pattern.count=$n" --set pattern.count="$n"; done
for a in 2 4 8; do compare "adc.perCrossbar=$a" --set adc.perCrossbar="$a"; done
# Leakage: the preset charges the tile's shift-add + output register (1.73 mW, ISAAC Table I) as active
# power per output and has no static power. "static": the same 1.73 mW as leakage of every used tile
# over the whole run; "gated": static, each layer's share over its own span only.
static=(--set leakage.tileOtherMw=1.73 --set energy.tileOutputPj=0)
compare leakage=static "${static[@]}"
compare leakage=gated "${static[@]}" --set leakage.powerGating=true
for b in 20000 40000; do compare "replication-budget=$b" --replication-budget "$b"; done
# Against a dense baseline that skips the OUs whose weights are all pruned.
compare skip-zero-ous=on --skip-zero-ous
# The pattern mapping's index look-up and input mux taken off the OU timing path.
compare inputSelect=0 --set inputSelect.indexLatencyNs=0 --set inputSelect.muxLatencyNs=0
node bin/ousim.js figures --in "$OUT" --out "$FIGURES" --only sensitivity
