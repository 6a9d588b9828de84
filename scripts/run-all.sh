#!/usr/bin/env bash
# Runs the web server and the background worker together; Ctrl-C stops both.
set -u
BIN=.venv/bin
trap 'kill 0' EXIT INT TERM
$BIN/ninhaoban run_huey &
echo "您好办 is at http://127.0.0.1:8000 (Ctrl-C stops it)"
$BIN/ninhaoban runserver "${NHB_BIND:-127.0.0.1:8000}" --noreload
