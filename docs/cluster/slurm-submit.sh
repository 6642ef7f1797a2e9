#!/usr/bin/env bash
# Submit a manba audit to Slurm: a job that lists ARCHIVE once into one list per shard, an array of SHARDS tasks
# that starts once it has succeeded, each checking one shard from its list, and a merge job that starts once every
# task has succeeded (sbatch --dependency=afterok). See slurm-audit.sbatch beside this file.
#
#   slurm-submit.sh ARCHIVE SHARDS [OUT] [-- SBATCH_OPTIONS...]
#
#   ARCHIVE         what to check, relative to this folder (where every task runs) or absolute
#   SHARDS          the number of shards, N: array tasks 1 to N
#   OUT             the folder for the reports and the jobs' logs (default: manba-audit); it must be on a file
#                   system every node sees. Shard i writes OUT/shard-i.json, the merge OUT/audit.json (and the
#                   reports of MANBA_MERGE_FORMATS, by default audit.html and audit.csv)
#   SBATCH_OPTIONS  given to both sbatch calls, e.g. --partition=batch --time=2:00:00 --cpus-per-task=4; an
#                   --array=1-N%K given here (at most K shards at once) replaces the array of all N
#
# Environment: MANBA (the command, default manba), MANBA_CHECK_OPTIONS, MANBA_LIST_OPTIONS, MANBA_MERGE_FORMATS, as
# in slurm-audit.sbatch; MANBA_LIST=0 submits no list job (each task then walks the archive itself). Prints the job
# ids on the last line: "list job L, shards job A, merge job B" (without a list job: "shards job A, merge job B").
set -euo pipefail

usage() { echo "usage: $(basename "$0") ARCHIVE SHARDS [OUT] [-- SBATCH_OPTIONS...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
archive=$1 shards=$2
shift 2
out=manba-audit
if [ $# -gt 0 ] && [ "$1" != -- ]; then out=$1; shift; fi
if [ $# -gt 0 ]; then [ "$1" = -- ] || usage; shift; fi
sbatch_options=("$@") # empty arrays below are ${a[@]+"${a[@]}"}, for bash before 4.4 under set -u
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "slurm-submit: SHARDS must be a whole number of at least 1, not \"$shards\"" >&2; exit 2; }
command -v sbatch >/dev/null || { echo "slurm-submit: sbatch not found: run this on a Slurm login node" >&2; exit 2; }

script="$(cd "$(dirname "$0")" && pwd)/slurm-audit.sbatch"
mkdir -p "$out"
out=$(cd "$out" && pwd)
array="1-$shards"
for o in ${sbatch_options[@]+"${sbatch_options[@]}"}; do [[ $o == --array=* ]] && array=${o#--array=}; done
options=()
for o in ${sbatch_options[@]+"${sbatch_options[@]}"}; do [[ $o == --array=* ]] || options+=("$o"); done

export MANBA_ARCHIVE="$archive" MANBA_SHARDS="$shards" MANBA_OUT="$out"
# Every task runs here, so that each checks the same paths as given (the partition is by path).
after=()
list_job=""
if [ "${MANBA_LIST:-1}" != 0 ]; then
  list_job=$(sbatch --parsable --export=ALL --chdir="$PWD" --job-name=manba-audit-list \
    --output="$out/slurm-%j-list.out" ${options[@]+"${options[@]}"} "$script" list)
  list_job=${list_job%%;*} # --parsable prints "id;cluster" on a multi-cluster setup
  after=(--dependency="afterok:$list_job" --kill-on-invalid-dep=yes)
  export MANBA_LIST_JOB="$list_job" # the tasks take that job's lists, and no others
else
  unset MANBA_LIST_JOB
fi
shards_job=$(sbatch --parsable --export=ALL --chdir="$PWD" --array="$array" --job-name=manba-audit-shards \
  --output="$out/slurm-%A_%a.out" ${after[@]+"${after[@]}"} ${options[@]+"${options[@]}"} "$script" shard)
shards_job=${shards_job%%;*}
merge_job=$(sbatch --parsable --export=ALL --chdir="$PWD" --dependency="afterok:$shards_job" --kill-on-invalid-dep=yes \
  --job-name=manba-audit-merge --output="$out/slurm-%j-merge.out" ${options[@]+"${options[@]}"} "$script" merge)
merge_job=${merge_job%%;*}
echo "slurm-submit: $shards shards of $archive, reports in $out"
echo "${list_job:+list job $list_job, }shards job $shards_job, merge job $merge_job"
