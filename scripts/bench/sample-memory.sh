#!/usr/bin/env bash
# sample-memory.sh PARENT OUT: follows the command that PARENT (a /usr/bin/time process) runs and,
# every ~20 ms until PARENT exits, reads its /proc/<pid>/status and io; then writes one line to OUT:
#   VmHWM RssAnon RssFile RssShmem (the largest value of each seen, kB), the sample count, and
#   write_bytes cancelled_write_bytes (the last seen, bytes; up to one interval before the end).
# /usr/bin/time -v gives only the total peak; anonymous and file-backed memory are told apart
# here because the signer maps the file it signs (clean page-cache pages the kernel can drop).
# Pure bash builtins in the loop (no fork per sample), so it does not load the timed run.
parent=$1 out=$2
child="" hwm=0 anon=0 file=0 shmem=0 samples=0 written=0 cancelled=0
exec {tick}<> <(:)                      # a pipe nobody writes: `read -t` on it is a sleep
while [ -d "/proc/$parent" ]; do
    if [ -z "$child" ]; then
        # The file has no newline at its end, so read's status says nothing: test what it read.
        read -r child _ 2>/dev/null < "/proc/$parent/task/$parent/children" || true
    fi
    if [ -n "$child" ]; then
        while read -r key value _; do
            case $key in
                VmHWM:) [ "$value" -gt "$hwm" ] && hwm=$value ;;
                RssAnon:) [ "$value" -gt "$anon" ] && anon=$value ;;
                RssFile:) [ "$value" -gt "$file" ] && file=$value ;;
                RssShmem:) [ "$value" -gt "$shmem" ] && shmem=$value ;;
            esac
        done 2>/dev/null < "/proc/$child/status" && samples=$((samples + 1))
        while read -r key value; do
            case $key in
                write_bytes:) written=$value ;;
                cancelled_write_bytes:) cancelled=$value ;;
            esac
        done 2>/dev/null < "/proc/$child/io"
    fi
    read -r -t 0.02 -u "$tick" _ || true
done
echo "$hwm $anon $file $shmem $samples $written $cancelled" > "$out"
