#!/usr/bin/env bash
# Runs inside the app's container; the helpers (msg_info, $STD) come from the caller.
source /dev/stdin <<<"$FUNCTIONS_FILE_PATH"
color
catch_errors
setting_up_container
network_check
update_os

msg_info "Installing Dependencies"
$STD apt-get install -y python3-pip python3-venv
msg_ok "Installed Dependencies"

msg_info "Installing the CLI"
$STD pip3 install --break-system-packages mediaconv
msg_ok "Installed the CLI"

msg_info "Setting up the app"
cd /opt/app
$STD python3 -m venv venv
$STD source venv/bin/activate
$STD pip install -r requirements.txt
msg_ok "Set up the app"

msg_info "Installing the tools"
$PYENV exec pip install --upgrade pip
$STD pip3 install --break-system-packages mediaconv-plugins
msg_ok "Installed the tools"
