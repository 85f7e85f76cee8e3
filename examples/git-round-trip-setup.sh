#!/bin/sh
# Makes the bare repository examples/git-round-trip.yml works on: a first
# commit on main, and a release branch at the same commit.
#   bash examples/git-round-trip-setup.sh /tmp/jetway-example.git
set -eu
repo=${1:?usage: git-round-trip-setup.sh BARE-REPO-DIR}
if [ -e "$repo" ]; then echo "$repo exists already; choose a new path" >&2; exit 1; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git init --quiet --bare --initial-branch=main "$repo"
git init --quiet --initial-branch=main "$work"
echo "an example project" > "$work/README"
git -C "$work" add README
git -C "$work" -c user.name=jetway -c user.email=jetway@example.invalid commit --quiet -m "first commit"
git -C "$work" push --quiet "$repo" main main:release
echo "made $repo (branches main and release)"
