#!/usr/bin/env bash
# Figures: energy and latency heatmaps over ADC bits x OU size, dense and pattern, VGG-16 on
# CIFAR-10 (sweep.csv): 60 points. Rerunning resumes the sweep (finished points are skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
node bin/ousim.js sweep --trace vgg16-cifar10 --mapping dense,pattern \
  --set adc.bits=4,5,6,7,8 --set ou.rows=4,8,16 --set ou.cols=4,8 --out results/sweep
node bin/ousim.js figures --in results/sweep --out results/figures \
  --only sweep-heatmap-energy,sweep-heatmap-latency
