#!/bin/sh
pip3 install --no-cache-dir watchdog
