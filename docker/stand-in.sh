# Sourced by the docker/build-local-*.sh scripts, not run: what they share.
#   parse_options LAST_HELP_LINE DEFAULT_IMAGE "$@"   sets force and image from --force, -h/--help (the script's
#                                                    header, lines 2 to LAST_HELP_LINE) and an image name (refused
#                                                    when DEFAULT_IMAGE is empty)
#   log, die                                         messages with the time and the script's name; die exits 1
#   need_docker                                      dies unless a Docker engine answers
#   ensure_base IMAGE                                builds the stand-in base (build-local-base.sh) when IMAGE is missing

here=$(cd "$(dirname "$0")" && pwd)
script_name=$(basename "$0" .sh)

log() { printf '[%s] %s: %s\n' "$(date +%T)" "$script_name" "$*"; }
die() { printf '[%s] %s: ERROR: %s\n' "$(date +%T)" "$script_name" "$*" >&2; exit 1; }

parse_options() {
  local last_help_line=$1 default_image=$2 arg
  shift 2
  force=false
  image=$default_image
  for arg in "$@"; do
    case "$arg" in
      --force) force=true ;;
      -h | --help) sed -n "2,${last_help_line}p" "$0"; exit 0 ;;
      -*) echo "unknown option: $arg" >&2; exit 2 ;;
      *) [ -n "$default_image" ] || { echo "unknown argument: $arg" >&2; exit 2; }; image=$arg ;;
    esac
  done
}

need_docker() { docker info >/dev/null 2>&1 || die "no Docker engine answers (docker info failed)"; }

ensure_base() {
  docker image inspect "$1" >/dev/null 2>&1 && return 0
  log "the base image $1 is missing: building it first"
  bash "$here/build-local-base.sh" "$1"
}
