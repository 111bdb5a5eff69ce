#!/bin/bash
# bash reads no alias in a script without `shopt -s expand_aliases`: this is the plain pip.
alias pip="sudo -H pip"
pip install --upgrade requests
