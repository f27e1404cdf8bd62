#!/usr/bin/env bash
# Regenerates screenshots/*.png from real live sessions (`make screenshots`, as root):
# the ground-truth workload runs, flametop runs in tmux, keys are sent as a user would,
# and each screen is captured with its colours and rendered to PNG.
set -euo pipefail
cd "$(dirname "$0")/.."
FLAMETOP=${FLAMETOP:-$PWD/dist/flametop}
[ "$(id -u)" -eq 0 ] || { echo "screenshots need root (live eBPF sessions)"; exit 1; }

# A fixed, neutral place: the process list shows the workloads' command lines.
work=/tmp/flametop-demo
socket="flametop-shots-$$"
workloads=()
cleanup() {
    tmux -L "$socket" kill-server 2>/dev/null || true
    for pid in "${workloads[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
rm -rf "$work" && mkdir -p "$work"

# Three real processes to list (the ground-truth workload under three names); the
# screenshots filter the list to them, so no unrelated process of this host shows.
gcc -O1 -g -fno-omit-frame-pointer -fno-inline -falign-functions=64 -pthread -no-pie -I Tests/Workloads \
    -o "$work/api-server" Tests/Workloads/ground_truth.c
cp "$work/api-server" "$work/report-job"
cp "$work/api-server" "$work/cache-warmer"
for name in api-server report-job cache-warmer; do
    "$work/$name" >/dev/null &
    workloads+=($!)
done

# Waits (bounded) until the pane shows $1.
wait_for() {
    for _ in $(seq 200); do
        tmux -L "$socket" capture-pane -p -t shots | grep -q -- "$1" && return 0
        sleep 0.1
    done
    echo "timed out waiting for: $1"; tmux -L "$socket" capture-pane -p -t shots; exit 1
}
shot() {
    tmux -L "$socket" capture-pane -e -p -t shots > "$work/$1.ansi"
    /usr/bin/python3 scripts/ansi_to_png.py "$work/$1.ansi" "screenshots/$1.png" --columns "$2"
    echo "wrote screenshots/$1.png"
}
keys() { tmux -L "$socket" send-keys -t shots "$@"; }

mkdir -p screenshots
tmux -L "$socket" -f /dev/null new-session -d -s shots -x 120 -y 30 \
    "LANG=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME=$work/state $FLAMETOP -F 499"
tmux -L "$socket" set -g status off

wait_for "PID USER"
keys / ; keys -l flametop-demo/; keys Enter
wait_for "cache-warmer"
sleep 2.5 # two refreshes, so CPU% is a real delta
shot process-list 120

keys / C-u ; keys -l api-server; keys Enter
wait_for ": 1 of"
keys Enter
wait_for "omega"
sleep 4 # a few seconds of samples
shot profile 120

# The last 10 s only: the timeline highlights them, the tree and the table follow.
sleep 10 # a timeline longer than the window
keys t
wait_for "window: last 10 s"
sleep 1.5
shot profile-window 120
keys t t
wait_for "window: all"

keys i
sleep 1.5
shot profile-inverted 120

keys i ?
wait_for "profile keys"
shot profile-help 120
keys Escape q y
wait_for "PID USER"
keys q
