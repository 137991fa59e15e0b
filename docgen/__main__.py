"""Allow ``python -m docgen``."""

from docgen.cli import main

if __name__ == "__main__":  # a spawned worker process imports this module again: no run there
    main()
