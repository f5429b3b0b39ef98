"""Settings for the test suite: the production-like settings with a fast password hasher.

PBKDF2 with Django's default iteration count costs most of a second per user; tests create
hundreds of users, so they hash with MD5 — never used outside tests.
"""

from intlportal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
