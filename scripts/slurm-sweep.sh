#!/usr/bin/env bash
# A sweep spread over a SLURM array job: task i of N runs its slice of the grid (whole groups of
# points that share one simulation, dealt round-robin; docs/experiments.md) into its own folder,
# and a last job (submitted with a dependency on the array) merges the shards. Submit from the
# repository root (SLURM runs a copy of this script, so it cannot find the repository itself):
#
#   jobid=$(sbatch --parsable scripts/slurm-sweep.sh)                      # 4 shards by default
#   sbatch --dependency=afterok:$jobid --wrap "node bin/ousim.js sweep merge results/sweep-shard-* --out results/sweep"
#
#   sbatch --array=0-15 scripts/slurm-sweep.sh                             # 16 shards
#   SWEEP_FLAGS="--trace tiny --set adc.bits=4,5,6 --set ou.rows=4,8" OUT=out/sw \
#     sbatch --array=0-2 --cpus-per-task=1 --mem=1G scripts/slurm-sweep.sh # another sweep
#
# Environment (sbatch passes its own environment on, so set these in front of it; not with
# --export=VAR=..., which splits values at commas): SWEEP_FLAGS (the `ousim sweep` flags; default the heatmap sweep below), OUT (shard
# folders are $OUT-shard-<i>; default results/sweep), NODE (the node binary; default node on PATH).
# The shard count is the array's size; task ids may start anywhere (--array=1-4 works too).
# A shard that is killed (time limit, pre-emption) resumes where it stopped when resubmitted:
# points already in its sweep.csv are skipped.
#SBATCH --job-name=ousim-sweep
#SBATCH --array=0-3
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=01:00:00
#SBATCH --output=ousim-sweep-%A_%a.out
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-$(dirname "$0")/..}"
if [[ ! -f bin/ousim.js ]]; then
  echo "slurm-sweep.sh: $(pwd) is not the ousim repository; submit from its root (or sbatch --chdir=<repo>)" >&2
  exit 2
fi

# 0-based shard index whatever the array's first id; N = the array's size.
TASK=$(( ${SLURM_ARRAY_TASK_ID:-0} - ${SLURM_ARRAY_TASK_MIN:-0} ))
SHARDS="${SLURM_ARRAY_TASK_COUNT:-1}"
OUT="${OUT:-results/sweep}"
read -r -a FLAGS <<<"${SWEEP_FLAGS:---trace vgg16-cifar10,resnet18-cifar10 --mapping dense,pattern --set adc.bits=4,5,6,7,8 --set ou.rows=4,8,16 --set ou.cols=4,8}"

"${NODE:-node}" bin/ousim.js sweep "${FLAGS[@]}" \
  --jobs "${SLURM_CPUS_PER_TASK:-2}" \
  --shard "${TASK}/${SHARDS}" \
  --out "${OUT}-shard-${TASK}"
