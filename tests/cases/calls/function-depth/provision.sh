#!/bin/bash
# Provisions the build host in stages; each stage hands over to the next.
set -e

setup_pip() {
    sudo pip3 install buildkit
}

tools() {
    setup_pip
}

stage7() { tools; }
stage6() { stage7; }
stage5() { stage6; }
stage4() { stage5; }
stage3() { stage4; }
stage2() { stage3; }
stage1() { stage2; }

tools
stage1
