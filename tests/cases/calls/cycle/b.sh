#!/bin/bash
if [ -z "${LOADED:-}" ]; then
  LOADED=1
  . ./a.sh
fi
