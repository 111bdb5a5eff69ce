# sh (dash) expands the alias: this pip runs as root.
alias pip="sudo -H pip"
pip install --upgrade requests
