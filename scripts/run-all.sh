#!/usr/bin/env bash
# Runs the web server, the background worker and the department sandbox together;
# Ctrl-C stops all of them.
set -u
BIN=.venv/bin
trap 'kill 0' EXIT INT TERM
$BIN/ninhaoban run_huey &
$BIN/ninhaoban sandbox &
echo "您好办 is at http://127.0.0.1:8000 (Ctrl-C stops it)"
$BIN/ninhaoban runserver "${NHB_BIND:-127.0.0.1:8000}" --noreload
