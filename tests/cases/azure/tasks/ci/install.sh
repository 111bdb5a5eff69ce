#!/bin/bash
set -e
pip3 install -r requirements-test.txt
