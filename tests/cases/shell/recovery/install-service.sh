#!/bin/bash
# Installs the service and a launcher that re-runs this setup.
set -e

cat > /usr/local/bin/myservice-setup << EOF;
#!/bin/bash
cd $PWD
source setup/start.sh
EOF
chmod +x /usr/local/bin/myservice-setup

sudo apt-get install -y python3-pip
sudo pip3 install --upgrade myservice-cli
