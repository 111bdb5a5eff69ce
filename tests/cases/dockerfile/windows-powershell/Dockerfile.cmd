FROM python:3.11-windowsservercore
RUN pip install -U pip && python -m pip install -r requirements.txt
