# Hello with arguments and an environment variable.
import os
import sys

from wit_world import exports


class Run(exports.Run):
    def run(self) -> None:
        print("hello from Python")
        print("arguments:", sys.argv[1:])
        print("GREETING:", os.environ.get("GREETING"))
        print("not granted:", os.environ.get("HOME"))
