#!/usr/bin/env bash
# Roll the new wheel out to every worker, then restart the service as its own user.
set -euo pipefail

hosts="worker[01-16]"
WHEEL=dist/trainer-1.4.0-py3-none-any.whl

pdcp -w "$hosts" "$WHEEL" /tmp/
pdsh -w "$hosts" "sudo -H pip install /tmp/$(basename "$WHEEL")"
pssh -h hosts.txt -i "sudo pip3 install --upgrade trainer"
parallel-ssh -h hosts.txt 'python3 -m pip install --user trainer'
clush -g gpu "sudo apt-get install -y python3-pip && sudo python3 -m pip install nvidia-ml-py"

su -c 'pip install --upgrade supervisor'
su - trainer -c "pip install --user -r /srv/trainer/requirements.txt"
runuser -u trainer -- sh -c 'source /srv/trainer/venv/bin/activate && pip install trainer'
sudo -u trainer sh -c '. /srv/trainer/venv/bin/activate && pip install --user trainer'
sudo pdsh -w "$hosts" "pip install trainer"
