#!/bin/bash
. ./b.sh
sudo pip install requests
