#!/bin/sh
# Runs the unit tests.
exec ./build/run-tests "$@"
