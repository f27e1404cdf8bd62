#!/usr/bin/env bash
# The 300 s x 1000 Hz x --all soak (issue: "hold under load"): both cores run
# workloads with many distinct stacks (65,536 call paths each, one of them built
# without frame pointers so it goes to DWARF), flametop's RSS is read every second.
# Prints the RSS at 60 s and in the last second of sampling, the peak, the summary's figures and the
# file's, as Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-300}
FREQUENCY=${FREQUENCY:-1000}
FLAMETOP=${FLAMETOP:-dist/flametop}
[ "$(id -u)" -eq 0 ] || { echo "soak needs root"; exit 1; }

work=$(mktemp -d /tmp/flametop-soak-XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

gcc -O1 -g -fno-omit-frame-pointer -I Tests/Workloads -o "$work/many-fp" Tests/Workloads/many_stacks.c
gcc -O2 -g -fomit-frame-pointer -fno-optimize-sibling-calls -I Tests/Workloads -o "$work/many-nofp" Tests/Workloads/many_stacks.c
"$work/many-fp" >/dev/null & pids+=($!)
"$work/many-nofp" >/dev/null & pids+=($!)
sleep 1

"$FLAMETOP" record --all -F "$FREQUENCY" -d "$DURATION" -o "$work/soak.folded" 2>"$work/summary.txt" &
flametop=$!
rss_at_60=""
rss_at_end=""
peak=0
peak_at=0
started=$SECONDS
# One reading a second: RSS at 60 s, in the last second of sampling (before the
# file is written), and the peak over the whole run, writing included.
# The loop starts no process (no awk, no sleep): a system-wide session would sample
# and symbolize each one, and they would be the only processes that come and go.
exec {tick}<> <(:)
status_of() {
    rss=0 anon=0 file=0
    local key value _
    while read -r key value _; do
        case $key in VmRSS:) rss=$value ;; RssAnon:) anon=$value ;; RssFile:) file=$value ;; esac
    done < "/proc/$1/status" 2>/dev/null || true
}
while kill -0 "$flametop" 2>/dev/null; do
    status_of "$flametop"
    elapsed=$((SECONDS - started))
    [ "$rss" -gt "$peak" ] && peak=$rss && peak_at=$elapsed
    [ -z "$rss_at_60" ] && [ "$elapsed" -ge 60 ] && rss_at_60=$rss
    [ "$rss" -gt 0 ] && [ "$elapsed" -lt "$DURATION" ] && rss_at_end=$rss
    echo "$elapsed $rss $anon $file" >> "$work/rss.log"
    read -r -t 1 -u "$tick" _ || true
done
wait "$flametop" || true

lines=$(wc -l < "$work/soak.folded")
file_samples=$(awk '{s += $NF} END {print s}' "$work/soak.folded")
summary=$(grep -m1 '^flametop: recorded' "$work/summary.txt" || true)
echo "### soak: record --all, ${DURATION} s at ${FREQUENCY} Hz, two many-stacks workloads (fp and DWARF)"
echo
echo "| RSS at 60 s | RSS at the end of sampling | growth | peak RSS (writing included) | peak at |"
echo "|---|---|---|---|---|"
awk -v a="${rss_at_60:-0}" -v b="${rss_at_end:-0}" -v p="$peak" -v t="$peak_at" 'BEGIN {
    growth = a > 0 ? (b - a) * 100 / a : 0
    printf "| %.1f MB | %.1f MB | %+.1f%% | %.1f MB | %d s |\n", a / 1024, b / 1024, growth, p / 1024, t }'
echo
echo "RSS (anonymous + file-backed) every 30 s (s, MB): $(awk '$1 % 30 == 0 && !seen[$1]++ {printf "%s%d %.1f (%.1f + %.1f)", sep, $1, $2 / 1024, $3 / 1024, $4 / 1024; sep = " · "}' "$work/rss.log")"
echo
echo "summary: \`$summary\`"
echo
echo "file: $file_samples samples, $lines lines"
echo
echo '```'
sed -n '/^memory:/p; /^losses/,/^$/p; /drains fell behind/p' "$work/summary.txt"
echo '```'
