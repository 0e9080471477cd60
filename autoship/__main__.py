import sys

from autoship.cli.main import main

sys.exit(main())
