FROM python:3.12
SHELL ["/bin/bash", "-c"]
RUN source /opt/venv/bin/activate && pip install x
