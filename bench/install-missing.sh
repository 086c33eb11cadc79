# Sourced by bench/run.sh and bench/floors/run.sh: install_missing <command>... installs with apt-get each command
# not on the path (Debian names these packages after their commands), updating the package lists once if needed.
install_missing() {
    local sudo="" command
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    for command in "$@"; do
        if ! command -v "$command" >/dev/null 2>&1; then
            echo "==> installing $command"
            $sudo apt-get install -y "$command" || { $sudo apt-get update && $sudo apt-get install -y "$command"; }
        fi
    done
}
