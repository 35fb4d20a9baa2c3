#!/usr/bin/env bash
# Pull-request checks run trusted code on untrusted data: the workspace is a checkout of the BASE commit
# (its committed action bundles are what runs), and this replaces only the data paths in DATA_PATHS
# (space-separated, relative) with the pull request's version of them, checked out at PR_HEAD, which is
# then removed. A path the pull request deleted is deleted. A symbolic link anywhere in the pull request's
# data is refused (an inbox or a feature store holds regular files only; a link could point outside the
# repository). Names from the pull request are never printed: they could carry workflow commands.
set -euo pipefail
: "${PR_HEAD:?set PR_HEAD to the pull request head checkout}"
: "${DATA_PATHS:?set DATA_PATHS to the data paths to overlay}"

for rel in $DATA_PATHS; do
  case "$rel" in
    /* | *..* | .* | '')
      echo "::error title=overlay::'$rel' is not a plain relative path inside the repository"
      exit 1
      ;;
  esac
done

for rel in $DATA_PATHS; do
  src="$PR_HEAD/$rel"
  if [ -L "$src" ] || { [ -e "$src" ] && [ -n "$(find "$src" -type l -print -quit)" ]; }; then
    links=$(find "$src" -type l -printf x | wc -c) # a name may hold newlines: count, never print
    echo "::error title=symbolic link in ${rel}/::The pull request adds ${links} symbolic link(s) under ${rel}/; only regular files are accepted there. Replace each link with the file itself."
    exit 1
  fi
done

for rel in $DATA_PATHS; do
  src="$PR_HEAD/$rel"
  rm -rf -- "$rel"
  if [ -e "$src" ]; then
    cp -R -- "$src" "$rel"
    echo "${rel}/: the pull request's version ($(find "$rel" -type f -printf x | wc -c) files)"
  else
    echo "${rel}/: absent in the pull request"
  fi
done
rm -rf -- "$PR_HEAD"
