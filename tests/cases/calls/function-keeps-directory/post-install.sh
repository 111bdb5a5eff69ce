#!/bin/bash
# Installs the release's Python tools for the deploying user.
pip install --user -r requirements.txt
