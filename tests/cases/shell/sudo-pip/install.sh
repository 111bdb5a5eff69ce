#!/bin/sh
sudo pip install requests
