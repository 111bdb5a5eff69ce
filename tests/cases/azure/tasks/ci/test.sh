#!/bin/bash
pip3 install pytest
pytest
