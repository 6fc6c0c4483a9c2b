"""`python -m loyalteez.services.config_io [--write|--check]`: print, regenerate or check docs/config.schema.json."""

import sys

from loyalteez.services.config_io.schema import main

sys.exit(main())
