#!/usr/bin/env bash
eval "$(conda shell.bash hook)"
conda activate ml
pip install -r requirements.txt
python train.py --epochs 10
