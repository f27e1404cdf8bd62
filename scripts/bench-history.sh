#!/usr/bin/env bash
# Memory of the live UI's history (issue: "the incident in time"): the TUI profiles
# the ground truth (--pid) and every process (--all) at 99 Hz for SECONDS (default
# 600, the default history), side by side in tmux; the timeline's label gives the
# history's size (TimeSlices.estimatedBytes) and /proc gives flametop's RSS.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TO_RUN=${SECONDS_TO_RUN:-600}
FLAMETOP=$(realpath "${FLAMETOP:-dist/flametop}")
[ "$(id -u)" -eq 0 ] || { echo "bench needs root"; exit 1; }

work=$(mktemp -d /tmp/flametop-bench-history-XXXXXX)
pids=()
cleanup() {
    tmux -L flametop-bench kill-server 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

gcc -O1 -g -fno-omit-frame-pointer -fno-inline -pthread -no-pie -I Tests/Workloads -o "$work/gt" Tests/Workloads/ground_truth.c
"$work/gt" 100000 >/dev/null & pids+=($!)
gt=${pids[0]}
sleep 0.5

start() { # name, arguments
    tmux -L flametop-bench new-session -d -s "$1" -x 120 -y 40 \
        "cd $work && XDG_STATE_HOME=$work/state-$1 exec $FLAMETOP $2 -F 99"
}
start pid "--pid $gt"
start all "--all"
sleep "$SECONDS_TO_RUN"

report() { # name
    local screen pid rss
    screen=$(tmux -L flametop-bench capture-pane -p -t "$1")
    pid=$(tmux -L flametop-bench list-panes -t "$1" -F '#{pane_pid}')
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    history=$(grep -o 'history [0-9.]*[KMG]' <<<"$screen" | head -1)
    samples=$(grep -o 'window: all · [0-9,]* samples' <<<"$screen" | head -1 | grep -o '[0-9,]* samples')
    stacks=$(head -1 <<<"$screen")
    printf '| %s | %s s | %s | %s | %.1f MB |\n' "$1" "$SECONDS_TO_RUN" "$samples" "${history#history }" "$(echo "$rss / 1024" | bc -l)"
}
echo "### live UI history at 99 Hz (120x40)"
echo
echo "| target | time | samples | history (TimeSlices) | flametop RSS |"
echo "|---|---|---|---|---|"
report pid
report all
