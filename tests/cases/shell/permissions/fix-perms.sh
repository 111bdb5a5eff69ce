#!/bin/bash
# "Fixing" a Permission denied after a sudo install.
sudo chown -R "$USER" /usr/local/lib/python3.11/site-packages
chmod -R a+w /usr/lib/python3/dist-packages
# A venv the user should own: not a Python install directory.
sudo chown -R app:app /opt/venv
chmod -R 755 ./scripts
# A data folder the script made inside a package: not what pip or apt installed.
sudo mkdir -p /usr/lib/python3.10/site-packages/fiftyone/db/bin
sudo chmod -R a+rwx /usr/lib/python3.10/site-packages/fiftyone/db
# One package handed over is still handed over.
sudo chown -R "$USER" /usr/local/lib/python3.11/dist-packages/torch/
