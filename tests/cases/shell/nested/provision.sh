#!/bin/bash
sudo apt-get install -y python3-pip build-essential
# Strings run by another shell are scripts of their own.
sudo bash -c 'pip install --no-cache-dir "jupyterlab==4.*"'
su_as_root() {
  sudo sh -c "cd /srv/app && pip3 install -r requirements.txt"
}
sudo bash <<'EOF2'
pip install supervisor
EOF2
