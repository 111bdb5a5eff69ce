#!/bin/sh
# Remove apex before reinstalling it from source.
pip uninstall -y apex
python -c "import apex" && echo "apex is still importable"
