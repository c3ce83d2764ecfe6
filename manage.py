#!/usr/bin/env python
from panah.cli import main

if __name__ == "__main__":
    main()
