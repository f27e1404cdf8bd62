#!/usr/bin/env bash
# Footprint (issue 15), called by `make bench`: the stripped binary's size, and start → first
# sample over RUNS runs, from the exec of flametop to the first run of its BPF program for the
# target (the program stores bpf_ktime_get_ns in ft_first_sample_ns), with the time before
# `record` runs its first line (the Swift runtime and the argument parser); then bpftrace's
# time to its first sample of the same target, timed the same way (exec → first probe run).
set -euo pipefail
cd "$(dirname "$0")/.."

FLAMETOP=${FLAMETOP:-dist/flametop}
RUNS=${RUNS:-10}
RATE=${RATE:-999}
[ "$(id -u)" -eq 0 ] || { echo "bench-startup needs root (eBPF)"; exit 1; }

work=$(mktemp -d /tmp/flametop-startup-XXXXXX)
cleanup() { pkill -f "$work/spin" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Runs a command right after reading the clocks: FLAMETOP_BENCH_T0_NS (wall) for flametop's
# own report, T0_MONO (CLOCK_MONOTONIC, bpftrace's nsecs) printed on stderr.
cat > "$work/launch.py" <<'PY'
import os, sys, time
mono = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
os.environ["FLAMETOP_BENCH_T0_NS"] = str(time.time_ns())
sys.stderr.write(f"T0_MONO {mono}\n"); sys.stderr.flush()
os.execvp(sys.argv[1], sys.argv[1:])
PY
printf 'int main(void) { for (;;) { } }\n' > "$work/spin.c"
gcc -O1 -o "$work/spin" "$work/spin.c"
"$work/spin" & target=$!

stats() { # median and max of the numbers on stdin
    sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "none"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "median %.1f ms, max %.1f ms over %d runs", m, v[NR], NR }'
}

printf '\n## Footprint\n'
if [ -f "$FLAMETOP.debug" ]; then
    printf 'binary: %s is %.1f MB stripped (debug info: %.1f MB in %s)\n' "$FLAMETOP" \
        "$(echo "$(stat -c %s "$FLAMETOP") / 1000000" | bc -l)" \
        "$(echo "$(stat -c %s "$FLAMETOP.debug") / 1000000" | bc -l)" "$FLAMETOP.debug"
else
    printf 'binary: %s is %.1f MB (not the stripped dist/ build)\n' "$FLAMETOP" "$(echo "$(stat -c %s "$FLAMETOP") / 1000000" | bc -l)"
fi

: > "$work/first"; : > "$work/run"
for _ in $(seq "$RUNS"); do
    python3 "$work/launch.py" "$FLAMETOP" record --pid "$target" --duration 1 --frequency "$RATE" \
        -o "$work/out.folded" 2> "$work/err" || { cat "$work/err"; exit 1; }
    awk '/^bench: first sample/ { print $4 }' "$work/err" >> "$work/first"
    awk '/^bench: first sample/ { print $(NF-3) }' "$work/err" >> "$work/run"
done
printf 'flametop start → first sample (exec → BPF program run for the target, %s Hz): %s\n' "$RATE" "$(stats < "$work/first")"
printf 'flametop start → record runs its first line (runtime + argument parser): %s\n' "$(stats < "$work/run")"

if command -v bpftrace >/dev/null; then
    : > "$work/bt"
    for _ in $(seq "$RUNS"); do
        python3 "$work/launch.py" bpftrace -q -e "profile:hz:$RATE /pid == $target/ { printf(\"FIRST %lld\\n\", nsecs); exit(); }" \
            > "$work/bt.out" 2> "$work/bt.err" || true
        t0=$(awk '/^T0_MONO/ { print $2 }' "$work/bt.err")
        first=$(awk '/^FIRST/ { print $2; exit }' "$work/bt.out")
        [ -n "$t0" ] && [ -n "$first" ] && echo "($first - $t0) / 1000000" | bc -l >> "$work/bt"
    done
    printf 'bpftrace start → first sample (same target, %s Hz): %s\n' "$RATE" "$(stats < "$work/bt")"
fi
