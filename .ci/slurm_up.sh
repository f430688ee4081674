#!/usr/bin/env bash
# A single-node Slurm cluster on localhost for the Slurm tests (tests/e2e/slurm_test.ts).
#
#   .ci/slurm_up.sh              install slurm-wlm + munge if missing (root + apt), start or confirm
#   .ci/slurm_up.sh --no-install start or confirm only; exit 3 when Slurm is not installed
#   .ci/slurm_up.sh stop         cancel every job, stop the daemons this script started
#
# Idempotent: when the cluster already answers with the same configuration it returns in well
# under a second. Everything lives in $BORN_AGAIN_SLURM_DIR (default /tmp/born-again-slurm);
# the last line printed on success is `SLURM_CONF=<path>` (export it before calling sbatch).
# Exit codes: 0 up, 3 not installed (or not root and not already up), 1 could not start.
set -euo pipefail

DIR=${BORN_AGAIN_SLURM_DIR:-/tmp/born-again-slurm}
CONF=$DIR/slurm.conf
export PATH=$PATH:/usr/sbin:/sbin
export SLURM_CONF=$CONF
NODE=$(hostname -s)
install=1
mode=up
for arg in "$@"; do
  case $arg in
    --no-install) install=0 ;;
    stop) mode=stop ;;
    *) echo "slurm_up.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

say() { echo "slurm_up: $*" >&2; }
have_all() { command -v slurmctld && command -v slurmd && command -v sbatch && command -v munged; } >/dev/null 2>&1
munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
ctld_up() { [ -f "$CONF" ] && timeout 10 scontrol ping 2>/dev/null | grep -q "is UP"; }
# Kill a daemon by the pid in its pid file (only daemons this script started write there).
stop_pidfile() {
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }
node_ready() {
  # Our slurmd runs, and the node is registered and usable (after a restart slurmctld first
  # shows the saved state, so the state alone does not say slurmd has registered).
  local line state
  pid_alive "$DIR/slurmd.pid" || return 1
  line=$(timeout 10 scontrol -o show node "$NODE" 2>/dev/null) || return 1
  state=$(sed -n 's/.*\bState=\([^ ]*\).*/\1/p' <<<"$line")
  case $state in
    *NOT_RESPONDING* | *DOWN* | *DRAIN* | *FAIL* | "") return 1 ;;
  esac
  local started
  started=$(sed -n 's/.*SlurmdStartTime=\([^ ]*\).*/\1/p' <<<"$line")
  [ -n "$started" ] && [ "$started" != None ] || return 1
  # With an argument: registered at or after that epoch second.
  [ -z "${1:-}" ] || [ "$(date -d "$started" +%s)" -ge "$1" ]
}

if [ "$mode" = stop ]; then
  if ctld_up; then
    ids=$(squeue -h -o %i 2>/dev/null || true)
    # shellcheck disable=SC2086
    [ -z "$ids" ] || scancel $ids 2>/dev/null || true
    for _ in $(seq 50); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  stop_pidfile "$DIR/slurmd.pid"
  stop_pidfile "$DIR/slurmctld.pid"
  stop_pidfile "$DIR/munged.pid"
  say "stopped"
  exit 0
fi

if ! have_all; then
  if [ "$install" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
  fi
  have_all || { say "Slurm is not installed (slurmctld, slurmd, sbatch, munged)"; exit 3; }
fi

# The configuration this machine needs; a change restarts the daemons.
hw=$(env -u SLURM_CONF slurmd -C | head -n1 | sed "s/^NodeName=[^ ]*//")
mkdir -p "$DIR/state" "$DIR/spool"
cat >"$CONF.new" <<CONF
# Written by .ci/slurm_up.sh: a one-node test cluster on localhost.
ClusterName=bornagain
SlurmctldHost=$(hostname)(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/jobcomp.txt
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
EnforcePartLimits=ALL
MinJobAge=3600
KillWait=5
ReturnToService=2
NodeName=$NODE NodeAddr=127.0.0.1$hw State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
changed=0
if ! cmp -s "$CONF.new" "$CONF"; then mv "$CONF.new" "$CONF"; changed=1; else rm -f "$CONF.new"; fi

if [ "$changed" = 0 ] && munge_ok && ctld_up && node_ready; then
  echo "SLURM_CONF=$CONF"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then say "the cluster is not up and starting it needs root"; exit 3; fi

if ! munge_ok; then
  mkdir -p /run/munge
  chown munge:munge /run/munge
  chmod 0755 /run/munge
  if [ ! -s /etc/munge/munge.key ]; then
    runuser -u munge -- mungekey --create >/dev/null 2>&1 || runuser -u munge -- create-munge-key
  fi
  # munged refuses to run as root with a munge-owned key; --force clears a stale socket.
  runuser -u munge -- munged --force --pid-file=/run/munge/munged.pid
  cp /run/munge/munged.pid "$DIR/munged.pid" 2>/dev/null || true
  for _ in $(seq 50); do munge_ok && break; sleep 0.1; done
  munge_ok || { say "munged does not answer"; exit 1; }
fi

if [ "$changed" = 1 ] || ! ctld_up; then
  stop_pidfile "$DIR/slurmd.pid"
  stop_pidfile "$DIR/slurmctld.pid"
  slurmctld -f "$CONF"
  for _ in $(seq 150); do ctld_up && break; sleep 0.2; done
  ctld_up || { say "slurmctld did not come up; see $DIR/slurmctld.log"; tail -n 20 "$DIR/slurmctld.log" >&2; exit 1; }
fi
if ! node_ready; then
  stop_pidfile "$DIR/slurmd.pid"
  t0=$(date +%s)
  slurmd -f "$CONF"
  for _ in $(seq 150); do
    node_ready "$t0" && break
    # A node left DOWN by an unclean stop comes back once told to.
    scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true
    sleep 0.2
  done
  node_ready "$t0" || { say "node $NODE did not register; see $DIR/slurmd.log"; tail -n 20 "$DIR/slurmd.log" >&2; exit 1; }
fi
say "up: $(sinfo -h -o '%P %D %t %C')"
echo "SLURM_CONF=$CONF"
