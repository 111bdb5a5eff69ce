#!/bin/bash
# Functions the CI jobs call: `source tools/ci.sh && ci_<name>`.

ci_unix_setup() {
    sudo apt-get install -y gcc-multilib
    sudo pip3 install pyelftools
}

ci_docs_build() {
    sudo pip3 install -r docs/requirements.txt
    make -C docs html
}

ci_release_setup() {
    sudo pip3 install twine
}
