#!/usr/bin/env bash
# Off-CPU mode's cost (issue 12): a context-switch-heavy workload
# (Tests/Workloads/ctx_switch.c, two threads ping-ponging over pipes, ~50k
# switches/s) alone, under `flametop record --mode off`, and under bpftrace doing
# the same accounting (sched_switch: timestamp and stacks at switch-out, blocked
# time summed per (tid, user stack, kernel stack) at switch-in for blocks of at
# least 1 ms, a count for shorter ones), in alternating runs. Prints a Markdown table.
#
#   loss %         the workload's round trips per second lost vs. the alone runs, from
#                  its second SKIP on (the profiler's start-up left out; own CPU s has it)
#   switches/s     context switches of the workload per second (getrusage)
#   own CPU s      the profiler's user+sys CPU seconds
#   BPF ns/switch  the sched_switch program's run time per run (kernel.bpf_stats_enabled);
#                  it runs for every switch on the host, nearly all of them the workload's here
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-8}
REPS=${REPS:-3}
WORK=${WORK:-12000}
SKIP=${SKIP:-3}
FLAMETOP=${FLAMETOP:-dist/flametop}
[ "$(id -u)" -eq 0 ] || { echo "bench-offcpu needs root (eBPF, bpf_stats)"; exit 1; }
command -v bpftrace >/dev/null || { echo "bench-offcpu needs bpftrace (apt-get install bpftrace)"; exit 1; }

work=$(mktemp -d /tmp/flametop-bench-offcpu-XXXXXX)
pids=()
cleanup() {
    sysctl -q kernel.bpf_stats_enabled="${stats_before:-0}" || true
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
stats_before=$(cat /proc/sys/kernel/bpf_stats_enabled)
# bpftrace finds tracepoints in tracefs, under debugfs here.
[ -d /sys/kernel/debug/tracing/events ] || mount -t debugfs none /sys/kernel/debug
ulimit -l unlimited 2>/dev/null || true # bpftrace asks; kernels since 5.11 charge BPF memory to the cgroup instead
sysctl -q kernel.bpf_stats_enabled=1

gcc -O2 -g -fno-omit-frame-pointer -pthread -o "$work/ctx" Tests/Workloads/ctx_switch.c

# Sum of run_time_ns and run_cnt over a process's BPF programs of one type
# (26: tracing, flametop's tp_btf; 5: tracepoint, bpftrace's).
bpf_prog_stats() {
    local pid=$1 type=$2 time=0 count=0
    for info in /proc/"$pid"/fdinfo/*; do
        grep -q "^prog_type:[[:space:]]*$type\$" "$info" 2>/dev/null || continue
        time=$((time + $(awk '/^run_time_ns:/ {print $2}' "$info")))
        count=$((count + $(awk '/^run_cnt:/ {print $2}' "$info")))
    done
    echo "$time $count"
}

start_workload() {
    "$work/ctx" $((DURATION + 1)) "$WORK" >"$1" &
    pid=$!
    pids+=("$pid")
    until grep -q ready "$1" 2>/dev/null; do sleep 0.01; done
}
# Round trips per second between the tick at SKIP s and the last tick.
rounds_of() {
    awk -v skip="$SKIP" '/^tick/ { if (!t0 && $2 >= skip) { t0 = $2; r0 = $3 } t1 = $2; r1 = $3 }
                         END { if (t1 > t0) printf "%.1f\n", (r1 - r0) / (t1 - t0); else print 0 }' "$1"
}
switches_of() { awk '/^rounds/ {print $4}' "$1"; }

declare -A sum_rounds sum_switches sum_cpu sum_ns
add() {
    sum_rounds[$1]=$(echo "${sum_rounds[$1]:-0} + $2" | bc -l)
    sum_switches[$1]=$(echo "${sum_switches[$1]:-0} + $3" | bc -l)
    sum_cpu[$1]=$(echo "${sum_cpu[$1]:-0} + $4" | bc -l)
    sum_ns[$1]=$(echo "${sum_ns[$1]:-0} + $5" | bc -l)
}
per_run() { [ "$2" -gt 0 ] && echo "$1 / $2" | bc -l || echo 0; }

for rep in $(seq "$REPS"); do
    start_workload "$work/alone.out"; wait "$pid"
    add alone "$(rounds_of "$work/alone.out")" "$(switches_of "$work/alone.out")" 0 0

    start_workload "$work/ft.out"
    /usr/bin/time -f "%U %S" -o "$work/ft.time" \
        "$FLAMETOP" record --pid "$pid" --mode off --duration "$DURATION" --output "$work/ft.folded" 2>"$work/ft.err" &
    ft=$!
    pids+=("$ft")
    sleep $((DURATION - 1))
    ftpid=$(pgrep -P "$ft" -f "flametop record" | head -1 || true)
    read -r ns runs < <(bpf_prog_stats "${ftpid:-$ft}" 26)
    wait "$ft"; wait "$pid"
    read -r user sys < "$work/ft.time"
    add flametop "$(rounds_of "$work/ft.out")" "$(switches_of "$work/ft.out")" "$(echo "$user + $sys" | bc -l)" \
        "$(per_run "$ns" "$runs")"

    start_workload "$work/bt.out"
    /usr/bin/time -f "%U %S" -o "$work/bt.time" bpftrace -q -e "
        tracepoint:sched:sched_switch {
            if (pid == $pid) { @start[tid] = nsecs; @ustack[tid] = ustack; @kstack[tid] = kstack; }
            \$begin = @start[args->next_pid];
            if (\$begin) {
                \$blocked = nsecs - \$begin;
                if (\$blocked >= 1000000) {
                    @off[args->next_pid, @ustack[args->next_pid], @kstack[args->next_pid]] = sum(\$blocked);
                } else {
                    @short = count();
                }
                delete(@start[args->next_pid]);
            }
        }
        interval:s:$DURATION { exit(); }" >"$work/bt.stdout" 2>&1 &
    bt=$!
    pids+=("$bt")
    sleep $((DURATION - 1))
    btpid=$(pgrep -P "$bt" bpftrace | head -1 || true)
    read -r ns runs < <(bpf_prog_stats "${btpid:-$bt}" 5)
    wait "$bt" || true; wait "$pid"
    read -r user sys < "$work/bt.time"
    add bpftrace "$(rounds_of "$work/bt.out")" "$(switches_of "$work/bt.out")" "$(echo "$user + $sys" | bc -l)" \
        "$(per_run "$ns" "$runs")"
done

printf '\n## Off-CPU mode on a context-switch storm (%s s, %s runs each, throughput from %s s on)\n' "$DURATION" "$REPS" "$SKIP"
printf '\n| profiler | target loss %% | switches/s | own CPU s | BPF ns/switch |\n|---|---|---|---|---|\n'
alone=$(echo "${sum_rounds[alone]} / $REPS" | bc -l)
for tool in alone flametop bpftrace; do
    rounds=$(echo "${sum_rounds[$tool]} / $REPS" | bc -l)
    printf '| %s | %.1f | %.0f | %.3f | %s |\n' "$tool" \
        "$(echo "100 * (1 - $rounds / $alone)" | bc -l)" \
        "$(echo "${sum_switches[$tool]} / $REPS" | bc -l)" \
        "$(echo "${sum_cpu[$tool]} / $REPS" | bc -l)" \
        "$( [ "$tool" = alone ] && echo "n/a" || printf '%.0f' "$(echo "${sum_ns[$tool]} / $REPS" | bc -l)")"
done
grep '^off-CPU:' "$work/ft.err" | sed 's/^/flametop, last run: /'
