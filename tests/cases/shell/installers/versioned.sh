#!/bin/sh
pip3.11 install --upgrade build
python3.11 -m build
