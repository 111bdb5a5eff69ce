.PHONY: test.syntax test.playbooks

test.syntax:
	tests/check_syntax.sh

test.playbooks:
	tests/check_playbooks.sh
