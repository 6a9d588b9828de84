#!/usr/bin/env bash
# Runs the web server, the background worker, the department sandbox and the payment sandbox
# (WeChat Pay, Alipay, UnionPay and the utility companies: `ninhaoban paysandbox`) together.
#
# The web server is gunicorn (its settings: src/ninhaoban/gunicorn_conf.py, from NHB_BIND and
# NHB_WEB_WORKERS; static files by WhiteNoise, collected first with their gzip copies);
# NHB_DEV=1 runs Django's development server instead. Ctrl-C or SIGTERM stops all of them and waits
# for them (exit 0); if one ends by itself the others are stopped too and its exit status
# is returned.
set -u
BIN=.venv/bin
BIND="${NHB_BIND:-127.0.0.1:8000}"
# With no SMS gateway of its own the demo's messages (login codes too) go to the sandbox,
# which writes them to its log: the demo persons' phones.
if [ -z "${NHB_SMS_URL:-}" ]; then
    SANDBOX="${NHB_SANDBOX_URL:-http://127.0.0.1:8010}"
    export NHB_SMS_URL="${SANDBOX%/}/sms"
    case ",${NHB_NOTIFIER:-log}," in
        *,sms,*) ;;
        *) export NHB_NOTIFIER="${NHB_NOTIFIER:-log},sms" ;;
    esac
fi
pids=()

stop() {
    # Once: a second Ctrl-C while the children finish changes nothing.
    trap '' INT TERM
    trap - EXIT
    kill -TERM "${pids[@]}" 2>/dev/null
    for _ in $(seq 150); do
        kill -0 "${pids[@]}" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null
    wait
    exit "$1"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT

$BIN/ninhaoban collectstatic --noinput -v0 || exit 1
$BIN/ninhaoban run_huey &
pids+=($!)
$BIN/ninhaoban sandbox &
pids+=($!)
$BIN/ninhaoban paysandbox &
pids+=($!)
if [ "${NHB_DEV:-0}" = 1 ]; then
    $BIN/ninhaoban runserver "$BIND" --noreload &
else
    $BIN/gunicorn -c python:ninhaoban.gunicorn_conf ninhaoban.wsgi:application &
fi
pids+=($!)
echo "您好办 is at http://$BIND (Ctrl-C stops it)"
wait -n
stop $?
