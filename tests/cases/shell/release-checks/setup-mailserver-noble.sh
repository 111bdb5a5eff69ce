#!/bin/bash
# Sets up the mail server; run as root on a fresh Ubuntu 24.04 box.
if [[ $EUID -ne 0 ]]; then
	echo "This script must be run as root."
	exit 1
fi

source <(cat /etc/os-release | sed s/^/OS_RELEASE_/)
if [ "${OS_RELEASE_ID:-}" != "ubuntu" ] || [ "${OS_RELEASE_VERSION_ID:-}" != "24.04" ]; then
	echo "Only Ubuntu 24.04 is supported."
	exit 1
fi

apt-get install -y python3-pip duplicity
pip3 install --upgrade b2sdk boto3
