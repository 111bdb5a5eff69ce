#!/bin/sh
# Named packages, then a program of the repository: not shown to use them.
pip install Cython
python setup.py build_ext --inplace
pip install requests
python scripts/fetch_data.py
