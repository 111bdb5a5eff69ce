#!/usr/bin/with-contenv bashio
# ==============================================================================
# Installs the dashboard from a branch when the add-on options ask for one
# ==============================================================================
declare branch

if bashio::config.has_value 'branch'; then
  branch=$(bashio::config 'branch')
  bashio::log.info "Installing the dashboard from branch '${branch}'..."
  curl -fsSL -o /tmp/dashboard.tar.gz \
    "https://codeload.example.com/dashboard/tar.gz/${branch}" ||
    bashio::exit.nok "Failed downloading the branch."
  rm -rf /dashboard && mkdir /dashboard
  tar -zxf /tmp/dashboard.tar.gz -C /dashboard --strip-components=1
  pip install -U -e /dashboard || bashio::exit.nok "Failed installing the branch."
  python3 -c "import dashboard; print(dashboard.__version__)"
fi
