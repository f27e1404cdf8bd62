#!/usr/bin/env bash
# Memory and cost of the live UI's history (issue: "the incident in time").
#
#   PART=profile  the profile's history: the TUI profiles the ground truth (--pid) and every
#                 process (--all) at 99 Hz for SECONDS_TO_RUN (default 600, the default
#                 history), side by side in tmux; the timeline's label gives the history's
#                 size (TimeSlices.estimatedBytes) and /proc gives flametop's RSS.
#   PART=rewind   the process list's rewind history: two process lists side by side, one
#                 recording at --history-rate (default 19 Hz) and one with --history-rate 0,
#                 for SECONDS_TO_RUN, with the ground truth and the many-stacks workload
#                 busy (new stacks all the time). The recorder's cost is read three ways:
#                 its own status line (drain thread CPU from CLOCK_THREAD_CPUTIME_ID, the BPF
#                 program's run time from bpf_stats, the ring's and the kernel maps' bytes),
#                 /proc CPU time of each flametop (the difference is the recorder's user-space
#                 cost), and the kernel's bpf_stats for the program (run_time_ns: the BPF
#                 program runs in the sampled tasks' context, so no process accounts it).
#   PART=all      both, one after the other (the default).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TO_RUN=${SECONDS_TO_RUN:-600}
PART=${PART:-all}
RATE=${RATE:-19}
FLAMETOP=$(realpath "${FLAMETOP:-dist/flametop}")
[ "$(id -u)" -eq 0 ] || { echo "bench needs root"; exit 1; }

work=$(mktemp -d /tmp/flametop-bench-history-XXXXXX)
pids=()
stats_before=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
cleanup() {
    tmux -L flametop-bench kill-server 2>/dev/null || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    sysctl -q -w kernel.bpf_stats_enabled="$stats_before" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

gcc -O1 -g -fno-omit-frame-pointer -fno-inline -pthread -no-pie -I Tests/Workloads -o "$work/gt" Tests/Workloads/ground_truth.c
gcc -O1 -g -fno-omit-frame-pointer -I Tests/Workloads -o "$work/many" Tests/Workloads/many_stacks.c
"$work/gt" 100000 >/dev/null & pids+=($!)
gt=${pids[0]}
sleep 0.5

start() { # name, arguments
    tmux -L flametop-bench new-session -d -s "$1" -x 160 -y 40 \
        "cd $work && XDG_STATE_HOME=$work/state-$1 exec $FLAMETOP $2"
}
pane_pid() { tmux -L flametop-bench list-panes -t "$1" -F '#{pane_pid}'; }
rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

profile_part() {
    start pid "--pid $gt -F 99"
    start all "--all -F 99"
    sleep "$SECONDS_TO_RUN"
    report() { # name
        local screen pid history samples
        screen=$(tmux -L flametop-bench capture-pane -p -t "$1")
        pid=$(pane_pid "$1")
        history=$(grep -o 'history [0-9.]*[KMG]' <<<"$screen" | head -1)
        samples=$(grep -o 'window: all · [0-9,]* samples' <<<"$screen" | head -1 | grep -o '[0-9,]* samples')
        printf '| %s | %s s | %s | %s | %s MB |\n' "$1" "$SECONDS_TO_RUN" "$samples" "${history#history }" "$(rss_mb "$pid")"
    }
    echo "### live UI history at 99 Hz (120x40)"
    echo
    echo "| target | time | samples | history (TimeSlices) | flametop RSS |"
    echo "|---|---|---|---|---|"
    report pid
    report all
    tmux -L flametop-bench kill-session -t pid
    tmux -L flametop-bench kill-session -t all
}

# The program's run time and count from bpf_stats, for the loaded ft_sample programs of
# one flametop (bpftool is not needed: fdinfo of the process's BPF fds carries them).
bpf_run() { # pid -> "run_time_ns run_cnt"
    local total=0 count=0 fd info
    for fd in /proc/"$1"/fdinfo/*; do
        info=$(cat "$fd" 2>/dev/null) || continue
        grep -q '^prog_type:' <<<"$info" || continue
        total=$((total + $(awk '/^run_time_ns:/ {print $2}' <<<"$info")))
        count=$((count + $(awk '/^run_cnt:/ {print $2}' <<<"$info")))
    done
    echo "$total $count"
}

rewind_part() {
    sysctl -q -w kernel.bpf_stats_enabled=1
    "$work/many" >/dev/null & pids+=($!)
    start rewind "--history-rate $RATE"
    start off "--history-rate 0"
    sleep 5
    local on off t0 on0 off0 screen
    on=$(pane_pid rewind)
    off=$(pane_pid off)
    t0=$(date +%s.%N)
    on0=$(cpu_ticks "$on")
    off0=$(cpu_ticks "$off")
    local run0
    run0=$(bpf_run "$on")
    local half=$((SECONDS_TO_RUN / 2))
    sleep "$half"
    local mid_screen mid_rss
    mid_screen=$(tmux -L flametop-bench capture-pane -p -t rewind | sed -n 2p)
    mid_rss=$(rss_mb "$on")
    sleep $((SECONDS_TO_RUN - half))
    local elapsed hz on_cpu off_cpu run
    elapsed=$(echo "$(date +%s.%N) - $t0" | bc -l)
    hz=$(getconf CLK_TCK)
    on_cpu=$(echo "($(cpu_ticks "$on") - $on0) / $hz / $elapsed * 100" | bc -l)
    off_cpu=$(echo "($(cpu_ticks "$off") - $off0) / $hz / $elapsed * 100" | bc -l)
    run=$(bpf_run "$on")
    screen=$(tmux -L flametop-bench capture-pane -p -t rewind | sed -n 2p)
    echo "### rewind history at $RATE Hz, system-wide, $SECONDS_TO_RUN s (ground truth + many stacks busy)"
    echo
    echo "status line at $half s: \`$(sed 's/^ *//' <<<"$mid_screen")\` (RSS $mid_rss MB)"
    echo
    echo "status line at the end: \`$(sed 's/^ *//' <<<"$screen")\`"
    echo
    echo "| process list | CPU (/proc, % of one core) | RSS | BPF program (bpf_stats) |"
    echo "|---|---|---|---|"
    local ns count ns0 count0
    read -r ns count <<<"$run"
    read -r ns0 count0 <<<"$run0"
    ns=$((ns - ns0))
    count=$((count - count0))
    local program
    program=$(echo "$ns / 1000000000 / $elapsed * 100" | bc -l)
    printf '| --history-rate %s | %.3f%% | %s MB | %s runs, %.1f µs each, %.3f%% of one core |\n' "$RATE" "$on_cpu" "$(rss_mb "$on")" \
        "$count" "$(echo "$ns / ($count + ($count == 0)) / 1000" | bc -l)" "$program"
    printf '| --history-rate 0 | %.3f%% | %s MB | – |\n' "$off_cpu" "$(rss_mb "$off")"
    printf '\nrecorder in user space: %.3f%% of one core (the difference); with the program: %.3f%%\n' \
        "$(echo "$on_cpu - $off_cpu" | bc -l)" "$(echo "$on_cpu - $off_cpu + $program" | bc -l)"
}

case "$PART" in
    profile) profile_part ;;
    rewind) rewind_part ;;
    all) profile_part; echo; rewind_part ;;
    *) echo "PART must be profile, rewind or all"; exit 2 ;;
esac
