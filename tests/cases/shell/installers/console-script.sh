#!/bin/sh
pip install black pylint
black --check .
pylint src
