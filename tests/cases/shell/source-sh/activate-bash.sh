#!/bin/bash
source venv/bin/activate
python -m pip install -r requirements.txt
