"""The web app: HTTP API and pages over a corpus (`storydiff serve`). See docs/web.md.

The library never imports this package; it wraps `storydiff.corpus`,
`storydiff.pipeline`, `storydiff.check` and the report renderers.
"""

from .app import create_app
from .security import WebConfigError

__all__ = ["create_app", "WebConfigError"]
