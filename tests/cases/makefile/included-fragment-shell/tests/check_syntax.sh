#!/bin/sh
set -e
. "$(dirname "$0")/lib.sh"
check_syntax
