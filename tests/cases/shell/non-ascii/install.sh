#!/bin/sh
# Installe les dépendances de l'« outil » de déploiement 🚀 (Debian).
set -e
sudo apt-get install -y python3-pip
echo "→ installation…" && sudo pip install requests  # ← the column counts characters
MESSAGE="完成"; sudo pip3 install --break-system-packages flask
log() { echo "✔ $*"; }
log "étape 2 — 🐍"; sudo pip install "naïve-tools"
