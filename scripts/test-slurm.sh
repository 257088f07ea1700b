#!/usr/bin/env bash
# `npm run test:slurm`: scripts/slurm-sweep.sh on a real, one-node SLURM cluster on this machine.
# Installs Debian's slurm-wlm and munge when absent (as root), starts munged, slurmctld and slurmd
# with a generated config whose state lives in a temporary folder, submits the script as an array
# job over 3 shards of a small sweep, waits, merges the shards with `ousim sweep merge`, and checks
# that the merged sweep.csv equals an unsharded run byte for byte. The daemons it started are
# stopped on exit, whatever happens. Every wait has a time limit; a daemon that does not come up
# is named, with the end of its log. Needs root (slurmd runs jobs as their user). KEEP=1 keeps the
# temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

fail() {
  echo "test-slurm: $*" >&2
  exit 1
}
# The end of a daemon's log, for a failure message.
logtail() { [[ -f "$1" ]] && { echo "--- last lines of $1:" >&2; tail -n 20 "$1" >&2; }; }

[[ $(id -u) -eq 0 ]] || fail "needs root (slurmd and munged run here as root); run it in CI or with sudo"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  echo "test-slurm: installing slurm-wlm and munge (apt-get)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge) >/dev/null ||
    fail "could not install slurm-wlm and munge with apt-get"
fi

WORK=$(mktemp -d /tmp/ousim-slurm.XXXXXX)
chmod 700 "$WORK"
mkdir -p "$WORK"/{munge,state,spool,logs}
PIDS=()
cleanup() {
  local status=$?
  # Jobs first (their steps belong to slurmd), then the daemons, by the pids this script started.
  if [[ -n "${JOBID:-}" ]] && [[ -n "${SLURM_CONF:-}" ]]; then scancel "$JOBID" 2>/dev/null || true; fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ -n "${KEEP:-}" ]]; then echo "test-slurm: kept $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT

# munge: a fresh key and a socket of our own, so a system munged (if any) is not involved.
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$WORK/munge/munge.key"
SOCKET="$WORK/munge/munge.socket"
munged --foreground --force --key-file="$WORK/munge/munge.key" --socket="$SOCKET" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/logs/munged.log" \
  --seed-file="$WORK/munge/munged.seed" >>"$WORK/logs/munged.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [[ -S "$SOCKET" ]] && break; sleep 0.1; done
[[ -S "$SOCKET" ]] || { logtail "$WORK/logs/munged.log"; fail "munged did not start (no socket $SOCKET after 10 s)"; }

# A one-node cluster: this machine as NodeName=localhost with all its CPUs; no cgroups, no accounting.
CPUS=$(nproc)
MEMORY=$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)
export SLURM_CONF="$WORK/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=ousim-test
SlurmctldHost=localhost
SlurmctldPort=17817
SlurmdPort=17818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/logs/slurmctld.log
SlurmdLogFile=$WORK/logs/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEMORY State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D -f "$SLURM_CONF" >>"$WORK/logs/slurmctld.out" 2>&1 &
PIDS+=($!)
CTLD=$!
slurmd -D -N localhost -f "$SLURM_CONF" >>"$WORK/logs/slurmd.out" 2>&1 &
PIDS+=($!)
SLURMD=$!

# Wait (60 s at most) for the node to report idle.
state=""
for _ in $(seq 120); do
  kill -0 "$CTLD" 2>/dev/null || { logtail "$WORK/logs/slurmctld.log"; logtail "$WORK/logs/slurmctld.out"; fail "slurmctld exited"; }
  kill -0 "$SLURMD" 2>/dev/null || { logtail "$WORK/logs/slurmd.log"; logtail "$WORK/logs/slurmd.out"; fail "slurmd exited"; }
  state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
  [[ "$state" == idle ]] && break
  # Refused at registration (the config does not match the machine): no point in waiting.
  [[ "$state" == inval* || "$state" == drain* ]] && break
  sleep 0.5
done
if [[ "$state" != idle ]]; then
  logtail "$WORK/logs/slurmctld.log"
  logtail "$WORK/logs/slurmd.log"
  fail "node localhost not idle after 60 s (sinfo says '${state:-nothing}': slurmctld not answering, or slurmd not registered)"
fi
echo "test-slurm: cluster up (localhost, $CPUS CPUs)"

# A small sweep: 12 points in 4 simulation groups (adc.bits only re-prices), dealt over 3 shards.
FLAGS="--trace tiny --mapping dense,pattern --set adc.bits=4,5,6 --set ou.rows=4,8"
OUT="$WORK/sweep"
started=$(date +%s)
JOBID=$(SWEEP_FLAGS="$FLAGS" OUT="$OUT" sbatch --parsable --array=0-2 --cpus-per-task=1 --mem=500M \
  --time=10 --output="$WORK/logs/shard-%A_%a.out" scripts/slurm-sweep.sh) || fail "sbatch refused the job"
# The merge as a job of its own that starts when every shard has succeeded.
MERGE=$(sbatch --parsable --dependency=afterok:"$JOBID" --cpus-per-task=1 --mem=500M --time=10 \
  --output="$WORK/logs/merge-%j.out" --wrap "node bin/ousim.js sweep merge $OUT-shard-* --out $WORK/merged") ||
  fail "sbatch refused the merge job"
echo "test-slurm: submitted array job $JOBID (3 shards) and merge job $MERGE"

# Wait (240 s at most) until no task of either job is pending or running.
busy() { squeue -h -j "$JOBID,$MERGE" -t PENDING,RUNNING,CONFIGURING,COMPLETING 2>/dev/null; }
for _ in $(seq 480); do
  [[ -z "$(busy)" ]] && break
  sleep 0.5
done
[[ -z "$(busy)" ]] || {
  squeue -j "$JOBID,$MERGE" >&2
  logtail "$WORK/logs/slurmctld.log"
  fail "jobs $JOBID and $MERGE not finished after 240 s"
}
jobs_shown() { scontrol show job "$JOBID" && scontrol show job "$MERGE"; }
states=$(jobs_shown | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr -s ' ')
if [[ $(jobs_shown | grep -c 'JobState=COMPLETED') -ne 4 ]]; then
  for f in "$WORK"/logs/*.out; do logtail "$f"; done
  logtail "$WORK/logs/slurmd.log"
  fail "expected 3 shards and the merge COMPLETED, got:$states"
fi
echo "test-slurm: 3 shards and the merge done in $(($(date +%s) - started)) s"
cat "$WORK"/logs/merge-*.out

# shellcheck disable=SC2086 # FLAGS is a list of words
node bin/ousim.js sweep $FLAGS --jobs 1 --out "$WORK/whole" 2>/dev/null
cmp "$WORK/merged/sweep.csv" "$WORK/whole/sweep.csv" ||
  fail "the merged sweep.csv differs from the unsharded run's ($WORK/merged vs $WORK/whole; KEEP=1 keeps them)"
[[ $(($(wc -l <"$WORK/whole/sweep.csv") - 1)) -eq 12 ]] || fail "expected 12 rows in the unsharded sweep.csv"
echo "test-slurm: merged sweep.csv of 3 SLURM shards equals the unsharded run byte for byte (12 points)"
