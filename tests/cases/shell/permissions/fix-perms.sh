#!/bin/bash
# "Fixing" a Permission denied after a sudo install.
sudo chown -R "$USER" /usr/local/lib/python3.11/site-packages
chmod -R a+w /usr/lib/python3/dist-packages
# A venv the user should own: not a Python install directory.
sudo chown -R app:app /opt/venv
chmod -R 755 ./scripts
