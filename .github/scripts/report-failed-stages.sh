#!/usr/bin/env bash
# The last step of a data job: after the healthy datasets were committed, end the run red naming what could
# not be done. For each stage in STAGES (space-separated step ids, e.g. "generate infer monitor"),
# OUTCOME_<STAGE> is the step's outcome (steps.<id>.outcome: 'failure' even under continue-on-error) and
# FAILED_<STAGE> its 'failed-datasets' output (comma-separated; empty when the whole step failed). With
# INBOX_OUTCOME=failure, files in inbox/ could not be ingested. Writes one error annotation per failed
# dataset naming the stages it failed in, a list in the job summary, and exits 1 when anything failed.
set -euo pipefail

status=0
declare -A failed_in=()
order=()
for stage in ${STAGES:-}; do
  key=$(echo "$stage" | tr 'a-z-' 'A-Z_')
  outcome_var="OUTCOME_${key}"
  failed_var="FAILED_${key}"
  [ "${!outcome_var:-}" = failure ] || continue
  status=1
  names="${!failed_var:-}"
  if [ -z "$names" ]; then
    echo "::error title=${stage} step failed::The ${stage} step failed for every dataset or on its inputs (its annotations say why); the results of the steps before the commit were committed."
    continue
  fi
  IFS=',' read -r -a list <<<"$names"
  for name in "${list[@]}"; do
    # Dataset names are folder names checked by the actions; anything else is not echoed (workflow commands).
    [[ "$name" =~ ^[a-z][a-z0-9_]*$ ]] || continue
    if [ -z "${failed_in[$name]:-}" ]; then
      order+=("$name")
      failed_in[$name]="$stage"
    else
      failed_in[$name]+=", $stage"
    fi
  done
done

if [ "${#order[@]}" -gt 0 ]; then
  summary="### Failed datasets"$'\n\n'
  for name in "${order[@]}"; do
    echo "::error title=${name} failed::${name} failed in ${failed_in[$name]} (the step's annotations and job summary give the error); the other datasets were done and committed. Fix ${name} and the next run catches it up."
    summary+="- ${name}: failed in ${failed_in[$name]}"$'\n'
  done
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then printf '%s' "$summary" >>"$GITHUB_STEP_SUMMARY"; fi
  echo "Failed datasets: $(IFS=,; echo "${order[*]}" | sed 's/,/, /g')"
fi

if [ "${INBOX_OUTCOME:-}" = failure ]; then
  status=1
  echo "::error title=inbox not ingested::Files in inbox/ could not be ingested (see the ingest step's annotations); everything else was committed. Fix or remove them in a pull request; the next run ingests them."
fi

exit "$status"
