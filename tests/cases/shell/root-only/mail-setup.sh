#!/bin/bash
# Installs the mail server's packages and its management daemon. Run it as root.

if [[ $EUID -ne 0 ]]; then
	echo "This script must be run as root. Please re-run like this:"
	echo
	echo "sudo $0"
	exit 1
fi

function hide_output {
	OUTPUT=$(mktemp)
	"$@" &> "$OUTPUT"
	E=$?
	if [ $E != 0 ]; then
		echo "FAILED: $*"
		cat "$OUTPUT"
		rm -f "$OUTPUT"
		exit $E
	fi
	rm -f "$OUTPUT"
}

function apt_install {
	DEBIAN_FRONTEND=noninteractive hide_output apt-get -y install "$@"
}

apt_install python3 python3-pip python3-venv

hide_output pip3 install --upgrade b2sdk boto3

venv=/usr/local/lib/mailinabox/env
hide_output python3 -m venv "$venv"
hide_output "$venv/bin/pip" install --upgrade pip
hide_output "$venv/bin/pip" install --upgrade rtyaml "email_validator>=1.0.0"
