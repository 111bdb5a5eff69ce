#!/bin/sh
set -eu
pip install -r requirements.txt
