#!/usr/bin/env bash
# Figure: how far the paper comparison moves. Each of pattern's three ratios over dense (crossbar
# area efficiency, energy efficiency, speedup) on the CIFAR-10 networks, with one key of the paper
# preset changed at a time: OU rows x cols, pattern.connectivity, pattern.count, ADCs per crossbar,
# leakage on/off and the replication budget. One `ousim compare` per changed value, each into
# results/sensitivity/<key>=<value> (the baseline into results/sensitivity/baseline); `ousim figures`
# then reads those folders, draws the tornado ($FIGURES/sensitivity.{svg,png}, default results/figures)
# and writes the tidy table beside it,
# $FIGURES/sensitivity.csv (key, value, network, ratio, pattern_over_dense).
# About 20 compares of two networks: 3-5 minutes on 2 cores.
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
for c in 1 2 3.6 5; do compare "pattern.connectivity=$c" --set pattern.connectivity="$c"; done
for n in 4 6 12; do compare "pattern.count=$n" --set pattern.count="$n"; done
for a in 2 4 8; do compare "adc.perCrossbar=$a" --set adc.perCrossbar="$a"; done
# Leakage off: every static power of the preset set to 0 (the paper preset has only tileOtherMw).
compare leakage=off --set leakage.tileOtherMw=0
for b in 20000 40000; do compare "replication-budget=$b" --replication-budget "$b"; done
node bin/ousim.js figures --in "$OUT" --out "$FIGURES" --only sensitivity
