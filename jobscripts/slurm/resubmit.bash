# Sourced by the job scripts (train.sbatch, ensemble.sbatch, surface.sbatch) from
# $TERRAIN_HOME/jobscripts/slurm: the resources of the running job, for the job that continues it.
#
# Options given to sbatch on its command line (--ntasks-per-node=2 --time=2 --signal=B:USR1@60)
# override the script's #SBATCH lines, but the script cannot see them: resubmitting the script
# alone asks for its own #SBATCH resources again (32 tasks, 2 h), which may never be granted.
# So the next job is submitted with what this job got: nodes, tasks, tasks per node and cpus per
# task as SLURM exports them, account, partition, QOS and job name, the time limit from
# `scontrol show job`, and a --signal lead. SLURM exports no --signal: the lead is what this job
# got, measured when its USR1 arrived (SLURM may send it up to 60 s before the time asked, so the
# next job gets at least the lead asked for); SIGNAL_LEAD=<seconds> overrides it.

job_info=$(scontrol show job "${SLURM_JOB_ID:-}" 2> /dev/null)
signal_lead=${SIGNAL_LEAD:-}

# job_field NAME: NAME=value from `scontrol show job`, empty when absent.
job_field() {
  sed -n "s/^\(.*[[:space:]]\)\{0,1\}$1=\([^[:space:]]*\).*/\2/p" <<< "$job_info" | head -n 1
}

# The script for the resubmission (SLURM runs a spooled copy of it).
job_script() { echo "${TERRAIN_JOB_SCRIPT:-$(job_field Command)}"; }

# Call from the USR1 trap: how long before the end of the job the signal came.
note_signal_lead() {
  [ -n "${SIGNAL_LEAD:-}" ] && return
  local end
  end=$(job_field EndTime)
  [ -n "$end" ] || return
  end=$(date -d "$end" +%s 2> /dev/null) || return
  signal_lead=$((end - $(date +%s)))
}

# resubmit_options: the sbatch options for the next job, one per line.
resubmit_options() {
  local nodes=${SLURM_JOB_NUM_NODES:-${SLURM_NNODES:-}} time
  [ -n "$nodes" ] && echo "--nodes=$nodes"
  [ -n "${SLURM_NTASKS:-}" ] && echo "--ntasks=$SLURM_NTASKS"
  [ -n "${SLURM_NTASKS_PER_NODE:-}" ] && echo "--ntasks-per-node=$SLURM_NTASKS_PER_NODE"
  [ -n "${SLURM_CPUS_PER_TASK:-}" ] && echo "--cpus-per-task=$SLURM_CPUS_PER_TASK"
  [ -n "${SLURM_JOB_ACCOUNT:-}" ] && echo "--account=$SLURM_JOB_ACCOUNT"
  [ -n "${SLURM_JOB_PARTITION:-}" ] && echo "--partition=$SLURM_JOB_PARTITION"
  [ -n "${SLURM_JOB_QOS:-}" ] && echo "--qos=$SLURM_JOB_QOS"
  [ -n "${SLURM_JOB_NAME:-}" ] && echo "--job-name=$SLURM_JOB_NAME"
  time=$(job_field TimeLimit)
  case $time in
    '' | UNLIMITED | Partition_Limit) ;;
    *) echo "--time=$time" ;;
  esac
  if [[ $signal_lead =~ ^[0-9]+$ ]] && ((signal_lead > 0)); then
    echo "--signal=B:USR1@$signal_lead"
  fi
}
