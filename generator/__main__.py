"""`python -m generator` runs the `answersite` command line."""

from generator.cli import entrypoint

if __name__ == "__main__":
    entrypoint()
