"""The feed server: `cache` (built feeds, fingerprint), `feeds` (the fast feed path), `conditions` (RFC 9110
request headers), `answers` (shared answers and security headers), `pages` (the index, from `templates/`),
`health`, `database` (503 while the database cannot be used, and recovery), `access` (one log line per
request), `app` (`create_app`, the one place they are wired), `guard` (slow clients, connection limit) and
`runner` (uvicorn, one process or several sharing a socket)."""
