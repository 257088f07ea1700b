#!/usr/bin/env bash
# A sweep spread over a SLURM array job: task i of N runs its slice of the grid (whole groups of
# points that share one simulation, dealt round-robin; docs/experiments.md) into its own folder,
# and a last job (submitted with a dependency on the array) merges the shards.
#
#   sbatch scripts/slurm-sweep.sh                                 # 4 shards by default
#   sbatch --array=0-15 --export=ALL,SHARDS=16 scripts/slurm-sweep.sh
#   sbatch --dependency=afterok:<array job id> --wrap "node bin/ousim.js sweep merge results/sweep-shard-* --out results/sweep"
#
# A shard that is killed (time limit, pre-emption) resumes where it stopped when resubmitted:
# points already in its sweep.csv are skipped.
#SBATCH --job-name=ousim-sweep
#SBATCH --array=0-3
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=01:00:00
#SBATCH --output=logs/ousim-sweep-%A_%a.out
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}"

SHARDS="${SHARDS:-${SLURM_ARRAY_TASK_COUNT:-4}}"
TASK="${SLURM_ARRAY_TASK_ID:-0}"

node bin/ousim.js sweep \
  --trace vgg16-cifar10,resnet18-cifar10 \
  --mapping dense,pattern \
  --set adc.bits=4,5,6,7,8 --set ou.rows=4,8,16 --set ou.cols=4,8 \
  --jobs "${SLURM_CPUS_PER_TASK:-2}" \
  --shard "${TASK}/${SHARDS}" \
  --out "results/sweep-shard-${TASK}"
