#!/bin/sh
# Nothing here says which machine this is for: the default set is silent.
sudo pip install -r requirements.txt
