@echo off
REM Build the docs on Windows
python -m venv venv
call venv\Scripts\activate.bat
pip install --upgrade pip
pip install -r docs\requirements.txt
