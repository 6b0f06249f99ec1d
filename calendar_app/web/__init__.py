"""The feed server: `cache` (built feeds, fingerprint), `feeds` (the fast feed path), `pages` (the index,
from `templates/`), `health`, `app` (`create_app`, the one place they are wired) and `runner` (uvicorn,
one process or several sharing a socket)."""
