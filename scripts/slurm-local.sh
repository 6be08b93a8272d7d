#!/usr/bin/env bash
# A one-node SLURM on this machine, for the tests and for trying `sbatch scripts/array.sh` without a
# cluster: munged, slurmctld and slurmd from Debian's slurm-wlm and munge packages, run as root.
#
#   scripts/slurm-local.sh start    configure (this host's real CPU count and memory) and start; idempotent
#   scripts/slurm-local.sh status   the daemons and the node, as sinfo sees it
#   scripts/slurm-local.sh stop     stop the daemons (state and logs stay under /var/lib/sweep-slurm)
set -euo pipefail

state=/var/lib/sweep-slurm
conf=/etc/slurm/slurm.conf

die() { echo "slurm-local: $*" >&2; exit 1; }

need_root() { [[ $(id -u) -eq 0 ]] || die "must run as root (it configures /etc/slurm and starts daemons)"; }

need_packages() {
  for binary in munged slurmctld slurmd sinfo; do
    command -v "$binary" >/dev/null || die "$binary not found: apt-get install -y slurm-wlm munge"
  done
}

running() { pgrep -x "$1" >/dev/null; }

write_config() {
  local host cpus memory
  host=$(hostname -s)
  cpus=$(nproc --all)
  # slurmd refuses a node that claims more memory than it has; leave a little for the system.
  memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 95 / 100 ))
  mkdir -p /etc/slurm "$state/ctld" "$state/d" "$state/log"
  cat > "$conf" <<EOF
# Written by scripts/slurm-local.sh for a one-node test cluster on $host.
ClusterName=sweep-local
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
JobRequeue=1
ReturnToService=2
MaxArraySize=1001
KillWait=10
InactiveLimit=0
MinJobAge=300
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  # No cgroup.conf: with proctrack/linuxproc and task/none, slurmd needs no cgroup plugin (22.05 has
  # no "disabled" value, and containers often have no writable cgroup hierarchy).
  rm -f /etc/slurm/cgroup.conf
}

start_munge() {
  running munged && return
  if [[ ! -s /etc/munge/munge.key ]]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  fi
  chown munge:munge /etc/munge/munge.key 2>/dev/null || true
  chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
  if id munge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged || die "munged did not start (see /var/log/munge/munged.log)"
  else
    /usr/sbin/munged --force || die "munged did not start"
  fi
  for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && return; sleep 0.1; done
  die "munged started but does not answer"
}

start() {
  need_root
  need_packages
  write_config
  start_munge
  running slurmctld || slurmctld || die "slurmctld did not start (see $state/log/slurmctld.log)"
  running slurmd || slurmd || die "slurmd did not start (see $state/log/slurmd.log)"
  local host
  host=$(hostname -s)
  for _ in $(seq 100); do
    node_state=$(sinfo -h -n "$host" -o %T 2>/dev/null | head -1 || true)
    case "$node_state" in
      idle*|mixed*|allocated*) echo "slurm-local: node $host is $node_state"; return ;;
      down*|drain*) scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.2
  done
  die "the node did not become ready (state: ${node_state:-unknown}); see $state/log/"
}

stop() {
  need_root
  for daemon in slurmd slurmctld; do
    if running "$daemon"; then pkill -x "$daemon"; fi
  done
  for _ in $(seq 50); do running slurmd || running slurmctld || break; sleep 0.1; done
  echo "slurm-local: stopped (munged left running)"
}

status() {
  for daemon in munged slurmctld slurmd; do
    if running "$daemon"; then echo "$daemon: running"; else echo "$daemon: stopped"; fi
  done
  sinfo 2>&1 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/slurm-local.sh start|stop|status" >&2; exit 2 ;;
esac
