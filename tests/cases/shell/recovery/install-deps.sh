#!/bin/bash
sudo apt-get install -y python3-pip build-essential
# tree-sitter-bash cannot parse the regex-like words inside $( ) in [[ ]]; bash can.
if [[ ! -z $(apt-cache --names-only search ^libssl1.1$) ]]; then
  sudo pip install pyopenssl
fi
echo "done"
