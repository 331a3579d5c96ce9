#!/usr/bin/env bash
# Sets one function key on every function of one trust group of a deployed app, and prints its value once.
#
#   scripts/function-keys.sh -g <resource group> -n <app name> docker|frontend
#
# docker:   every HTTP function of the Docker Engine API (the routes a docker CLI or the bridge calls)
# frontend: the /sockerless/v1/... functions (agent tokens, job templates, execution reports): for the sockerless
#           frontend only; a docker key cannot call them, so a docker user cannot read other containers' agent tokens
#
# The groups come from the packaged app's function.json files (run `mvn package -DskipTests` first): a function whose
# route starts with "sockerless/" is a frontend function, every other HTTP function a Docker one. The key is named
# after the group and set with one value on each function of the group (a function-level key is valid only for the
# functions it is set on: Azure/azure-functions-host src/WebJobs.Script.WebHost/Security/Authentication/Keys/
# AuthenticationLevelHandler.cs), through `az functionapp function keys set`
# (learn.microsoft.com/cli/azure/functionapp/function/keys). Running it again rotates the key. Host keys and the
# master key open every function: do not hand them out.
set -euo pipefail

usage() {
  echo "usage: $0 -g <resource group> -n <app name> docker|frontend" >&2
  exit 2
}

group="" app=""
while getopts "g:n:" opt; do
  case "$opt" in
    g) group=$OPTARG ;;
    n) app=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ -n "$group" ] && [ -n "$app" ] && [ $# -eq 1 ] || usage
trust=$1
case "$trust" in docker | frontend) ;; *) usage ;; esac

here=$(cd "$(dirname "$0")/.." && pwd)
package=${SOCKERLESS_PACKAGE_DIR:-$here/functions/target/azure-functions/sockerless-aca}
[ -d "$package" ] || { echo "no packaged app at $package: run mvn package -DskipTests first" >&2; exit 1; }

functions=$(node "$here/scripts/function-groups.js" "$package" "$trust")
[ -n "$functions" ] || { echo "no $trust functions found in $package" >&2; exit 1; }

# 32 random bytes, URL-safe: the value never reaches a log, only this script's standard output at the end
value=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
for fn in $functions; do
  echo "setting key '$trust' on $fn" >&2
  az functionapp function keys set -g "$group" -n "$app" --function-name "$fn" --key-name "$trust" \
    --key-value "$value" -o none
done
echo "$value"
