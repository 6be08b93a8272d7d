#!/bin/bash
# Runs a sweep as a SLURM job array:   sbatch scripts/array.sh grids/cifar.json [sweep run options]
# (submit from the repository's top folder; `sweep submit GRID` writes a script sized for you instead).
#
# Sizing: task N of T runs the configurations whose index i has i mod T == N, so the array does not
# need one task per configuration. The default below, 100 tasks with at most 20 running at once, suits
# most grids; tasks with nothing to do exit at once. To give every configuration its own task, size the
# array from the count (`swift run sweep expand GRID --count` prints it), e.g. for grids/mnist.json:
#     sbatch --array=0-449%50 scripts/array.sh grids/mnist.json
# Options on the sbatch command line override the #SBATCH lines (--time, --mem, --cpus-per-task,
# --partition). Indices must stay below the cluster's MaxArraySize (scontrol show config).
#
#SBATCH --job-name=sweep
#SBATCH --array=0-99%20
#SBATCH --cpus-per-task=1
#SBATCH --mem=4G
#SBATCH --time=24:00:00
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --signal=B:USR1@120
#SBATCH --output=results/sweep-%A_%a.out
#
# What happens: the batch shell builds the release binary if it is missing (once for all nodes, under a
# lock, never two tasks at once; SWEEP_BINARY names another binary instead), switches its output to the task's log in the sweep's results
# folder (results/<name>/logs/task-<array job>_<task>.out; the file named above then goes away), and
# runs `sweep run` in the background. SLURM's USR1, sent 120 s before the time limit, is passed on to
# the worker, which finishes its step, checkpoints, records `preempted`, requeues this task and exits;
# the next attempt resumes from the checkpoint. On TERM (scancel, preemption) it checkpoints and stops.
set -uo pipefail

die() { echo "array.sh: $*" >&2; exit 2; }

[[ $# -ge 1 ]] || die "usage: sbatch scripts/array.sh GRID [sweep run options]"
grid=$1
shift
root=${SWEEP_HOME:-${SLURM_SUBMIT_DIR:-$PWD}}
cd "$root" || die "cannot enter $root (set SWEEP_HOME to the repository)"
[[ -f Package.swift ]] || die "$root is not the sweep repository: submit from its top folder or set SWEEP_HOME"

# One build for every node: the binary picks its kernel set (AVX-512, AVX2 or portable) from the CPU of
# the node it runs on (SWEEP_KERNELS forces one).
build=.build
# SWEEP_BINARY runs a given build instead (the tests use the one they just built).
binary=${SWEEP_BINARY:-$build/release/sweep}

if [[ -z ${SWEEP_BINARY:-} && ! -x $binary ]]; then
  # mkdir is atomic on every shared file system. The lock names its holder (host and process id), so a
  # lock left by a task that died on this host is taken over at once; one from another host is waited
  # for, aloud, and taken over after an hour. A task cancelled mid-build removes its lock on the way out.
  lock=$build.lock
  waited=0
  until mkdir "$lock" 2>/dev/null; do
    holder=$(cat "$lock/holder" 2>/dev/null)
    if [[ $holder == "$(hostname) "* ]] && ! kill -0 "${holder##* }" 2>/dev/null; then
      echo "array.sh: taking over the build lock $lock left by $holder, which is gone" >&2
      rm -rf "$lock"
    elif [[ -n $(find "$lock" -maxdepth 0 -mmin +60 2>/dev/null) ]]; then
      echo "array.sh: taking over the build lock $lock, held for over an hour by ${holder:-an unknown task}" >&2
      rm -rf "$lock"
    else
      ((waited % 60 == 0)) && echo "array.sh: waiting for the build lock $lock, held by ${holder:-an unknown task}" \
        "(remove the folder if no build is running)" >&2
      sleep 5
      waited=$((waited + 5))
    fi
  done
  echo "$(hostname) $$" >"$lock/holder"
  trap 'rm -rf "$lock"' EXIT
  trap 'rm -rf "$lock"; exit 143' TERM
  trap 'rm -rf "$lock"; exit 130' INT
  if [[ ! -x $binary ]]; then
    echo "array.sh: building $binary on $(hostname)"
    # Static: the standard library and Foundation inside the binary, so it starts in 4 ms rather than 8 and
    # runs on nodes without a Swift runtime.
    swift build -c release --static-swift-stdlib --scratch-path "$build" --product sweep >&2
    built=$?
  else
    built=0
  fi
  rm -rf "$lock"
  trap - EXIT TERM INT
  [[ $built -eq 0 ]] || die "the build failed (see above); fix it and resubmit"
fi

# The sweep's results folder, honouring a --results option meant for `sweep run`.
results_option=()
options=("$@")
for ((i = 0; i < ${#options[@]}; i++)); do
  case ${options[i]} in
    --results) results_option=(--results "${options[i + 1]:-}") ;;
    --results=*) results_option=("${options[i]}") ;;
  esac
done
"$binary" validate "$grid" || die "the grid is not valid (see above); nothing was run"
results=$("$binary" validate "$grid" --results-folder ${results_option[@]+"${results_option[@]}"}) ||
  die "cannot work out the results folder"
mkdir -p "$results/logs" || die "cannot create $results/logs"
log=$results/logs/task-${SLURM_ARRAY_JOB_ID:-local}_${SLURM_ARRAY_TASK_ID:-0}.out
echo "array.sh: task log: $log"
exec >>"$log" 2>&1
rm -f "results/sweep-${SLURM_ARRAY_JOB_ID:-local}_${SLURM_ARRAY_TASK_ID:-0}.out"
echo "array.sh: $(date -u +%FT%TZ) job ${SLURM_JOB_ID:-?} task ${SLURM_ARRAY_TASK_ID:-?} attempt ${SLURM_RESTART_COUNT:-0} on $(hostname)"

# The worker runs in the background so that the shell can take signals while it waits (bash runs a
# trap only when the foreground command returns).
"$binary" run "$grid" "$@" &
worker=$!
trap 'kill -USR1 "$worker" 2>/dev/null' USR1
trap 'kill -TERM "$worker" 2>/dev/null' TERM
while true; do
  wait "$worker"
  status=$?
  kill -0 "$worker" 2>/dev/null || break
done
echo "array.sh: $(date -u +%FT%TZ) worker exited with $status"
exit "$status"
