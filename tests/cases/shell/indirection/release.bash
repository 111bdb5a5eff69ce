#!/usr/bin/env bash
sudo apt-get install -y python3-pip build-essential
# bash does not expand aliases in a script unless told to.
alias pip='sudo pip3'
pip install twine

shopt -s expand_aliases
alias pip='sudo -H pip3'
pip install build
