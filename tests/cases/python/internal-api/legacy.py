import pip
from pip._internal.cli.main import main as pip_main


def install(name):
    try:
        pip.main(["install", name])
    except AttributeError:
        pip_main(["install", name])
