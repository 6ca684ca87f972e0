import sys

from losslint.cli import main

sys.exit(main())
