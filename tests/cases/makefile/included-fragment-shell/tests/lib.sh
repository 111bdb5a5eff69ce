run_playbooks() { ansible-playbook -i localhost, -c local playbooks/site.yml; }
check_syntax() { ansible-playbook --syntax-check playbooks/site.yml; }
